# Score a small dataset with COINr's primitives (coinr_functions.R), for the cross-check in
# tests/test_coinr_crosscheck.py.
#
# Usage: Rscript run_coinr.R RAW.csv TREE.csv OUT.csv NORMALISE AGGREGATE [PARAM ...]
#   RAW.csv   wide: first column unit, one column per indicator (NA = missing)
#   TREE.csv  columns code, parent (empty for the root), weight, direction, lower, upper
#   NORMALISE n_minmax L U | n_zscore M SD | n_prank | n_goalposts A FLIP
#             (FLIP = 1: pass the indicator's direction to n_goalposts, as COINr documents for
#             indicators whose direction is -1; FLIP = 0: call n_goalposts with direction = 1)
#   AGGREGATE a_amean | a_gmean | a_hmean (the same at every level)
#   OUT.csv   wide: unit, then one column per node (indicators normalised, aggregates), all
#             values printed with 17 significant digits.
#
# As COINr's Normalise.numeric: x <- x * direction, then f_n(x, ...) on each indicator column.
# As COINr's Aggregate.coin / Aggregate.data.frame: level by level from the deepest, each parent
# = apply(children, 1, f_ag, w = weights of the children) (dat_thresh unset: no threshold);
# the f_ag functions drop missing children and renormalise the weights themselves.

args <- commandArgs(trailingOnly = TRUE)
here <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
source(file.path(here, "coinr_functions.R"))

raw_path <- args[1]; tree_path <- args[2]; out_path <- args[3]
f_n <- args[4]; f_ag <- args[5]; para <- as.numeric(args[-(1:5)])

raw <- read.csv(raw_path, check.names = FALSE, stringsAsFactors = FALSE)
tree <- read.csv(tree_path, stringsAsFactors = FALSE, na.strings = c("", "NA"))
tree$parent[is.na(tree$parent)] <- ""

depth <- function(code) {
  d <- 0
  p <- tree$parent[tree$code == code]
  while (p != "") { d <- d + 1; p <- tree$parent[tree$code == p] }
  d
}
tree$depth <- vapply(tree$code, depth, numeric(1))
is_leaf <- !(tree$code %in% tree$parent)
inds <- tree$code[is_leaf]

out <- data.frame(unit = raw[[1]], stringsAsFactors = FALSE)

# ---- normalise (COINr Normalise.numeric: direction first, then f_n)
for (code in inds) {
  row <- tree[tree$code == code, ]
  x <- as.numeric(raw[[code]]) * row$direction
  xn <- switch(f_n,
    n_minmax = n_minmax(x, l_u = para[1:2]),
    n_zscore = n_zscore(x, m_sd = para[1:2]),
    n_prank = n_prank(x),
    n_goalposts = n_goalposts(x, gposts = c(row$lower, row$upper, para[1]),
                              direction = if (para[2] == 1) row$direction else 1),
    stop("unknown normalisation ", f_n))
  out[[code]] <- xn
}

# ---- aggregate level by level (COINr Aggregate.coin)
f <- match.fun(f_ag)
for (d in seq(max(tree$depth) - 1, 0)) {
  for (p in tree$code[tree$depth == d & !is_leaf]) {
    kids <- tree$code[tree$parent == p]
    w <- tree$weight[match(kids, tree$code)]
    X <- out[kids]
    out[[p]] <- apply(X, 1, function(x) f(x, w = w))
  }
}

fmt <- out
for (code in tree$code) fmt[[code]] <- ifelse(is.na(out[[code]]), "NA", sprintf("%.17g", out[[code]]))
fmt <- fmt[c("unit", tree$code)]
write.csv(fmt, out_path, row.names = FALSE, quote = TRUE)
