"""Shared vocabularies: every word that one layer writes and another reads.

The library writes these values into its tidy tables (a ``basis`` column, a ``status``
column, ...) and the presentation layer (reports, command line, plots) branches on them.
Both sides import the constants from here, so that a misspelling is a ``NameError`` at
import time, not a silently wrong branch (a report once tested ``basis == "targets"`` while
the library wrote ``"target"``). The command line builds its ``choices=`` from the same
tuples. Display text for each value lives in :mod:`smartcity_eval.messages`, never here.
"""

from __future__ import annotations

__all__ = [
    "NORMALISE_METHODS",
    "AGGREGATE_METHODS",
    "IMPUTE_METHODS",
    "CONSENSUS_METHODS",
    "SCOPES",
    "PEERS_BY",
    "LANGS",
    "PER_REGION_YEAR",
    "PER_YEAR",
    "PER_DATASET",
    "REPORT_PER",
    "BASIS_TARGET",
    "BASIS_PEERS",
    "BASES",
    "STATUS_ON_TRACK",
    "STATUS_AT_RISK",
    "STATUS_OFF_TRACK",
    "STATUS_INSUFFICIENT",
    "TRAJECTORY_STATUSES",
    "BAND_ACHIEVED",
    "BAND_NEAR",
    "BAND_MIDWAY",
    "BAND_FAR",
    "ACHIEVEMENT_BANDS",
    "STAGE_SELF",
    "STAGE_ASSESSOR",
    "STAGE_VERIFIED",
    "STAGES",
    "KIND_STRENGTH",
    "KIND_WEAKNESS",
    "REPRODUCE_MATCH",
    "REPRODUCE_MISMATCH",
    "REPRODUCE_NOT_COMPUTABLE",
    "REPRODUCE_STATUSES",
    "VARIED_NORMALISATION",
    "VARIED_AGGREGATION",
    "VARIED_WEIGHTS",
    "VARIED_IMPUTATION",
    "VARIED_CHOICES",
    "TIE_DECIMALS",
    "PROGRAMME_PLANNED",
    "PROGRAMME_ONGOING",
    "PROGRAMME_DONE",
    "PROGRAMME_DROPPED",
    "PROGRAMME_STATUSES",
    "EVIDENCE_AVAILABLE",
    "EVIDENCE_MISSING",
    "EVIDENCE_OUTDATED",
    "EVIDENCE_STATUSES",
    "EVIDENCE_KINDS",
    "EVALUATION_DIMENSIONS",
    "RANK_NATIONAL",
    "RANK_PROVINCE",
    "RANK_SCOPES",
    "REPRODUCE_PUBLISHED_ONLY",
    "SCORE_KEYS",
    "CATEGORY_RANK_COLUMNS",
]

# --- the score table -----------------------------------------------------------------------
#: The columns every score table has: one row per region, year and node.
SCORE_KEYS: tuple[str, ...] = ("region", "year", "code")
#: The category ranks of a score table: within kind (kabupaten/kota), within province
#: (regions.csv; :func:`smartcity_eval.analysis.peers.category_ranks`).
CATEGORY_RANK_COLUMNS: tuple[str, ...] = ("rank_kind", "rank_province")

# --- method names (Settings, the command line's choices, the kernels) ---------------------
#: Normalisation methods (OECD/JRC 2008 step 5; COINr ``Normalise``).
NORMALISE_METHODS: tuple[str, ...] = ("none", "minmax", "zscore", "goalposts", "rank", "target")
#: Weighted means used to aggregate children into their parent.
AGGREGATE_METHODS: tuple[str, ...] = ("arithmetic", "geometric", "harmonic")
#: Imputation of missing indicator values.
IMPUTE_METHODS: tuple[str, ...] = ("mean", "median", "group_mean", "last", "interpolate")
#: How several assessors' scores of one item become one verified score.
CONSENSUS_METHODS: tuple[str, ...] = ("mean", "median", "majority")
#: Scope of normalisation, imputation and outlier treatment: each year, or all years pooled.
SCOPES: tuple[str, ...] = ("year", "all")
#: Who a region is compared with (``peers_by``): every region, those of its kind
#: (kabupaten/kota) or those of its province (regions.csv).
PEERS_BY: tuple[str, ...] = ("all", "kind", "province")
#: Languages of every message and report.
LANGS: tuple[str, ...] = ("id", "en")
#: How often a report batch runs its template (``reports --per``): once per region and
#: year (the annual report), once per year, or once for the whole dataset.
PER_REGION_YEAR = "region-year"
PER_YEAR = "year"
PER_DATASET = "dataset"
REPORT_PER: tuple[str, ...] = (PER_REGION_YEAR, PER_YEAR, PER_DATASET)

# --- what a strength/weakness or a gap is measured against ---------------------------------
BASIS_TARGET = "target"
BASIS_PEERS = "peers"
BASES: tuple[str, ...] = (BASIS_TARGET, BASIS_PEERS)

KIND_STRENGTH = "strength"
KIND_WEAKNESS = "weakness"

# --- trajectory status to a masterplan target ----------------------------------------------
STATUS_ON_TRACK = "on track"
STATUS_AT_RISK = "at risk"
STATUS_OFF_TRACK = "off track"
STATUS_INSUFFICIENT = "insufficient data"
TRAJECTORY_STATUSES: tuple[str, ...] = (
    STATUS_ON_TRACK,
    STATUS_AT_RISK,
    STATUS_OFF_TRACK,
    STATUS_INSUFFICIENT,
)

# --- achievement bands of a gap to target (U4SSC verification reports) ---------------------
BAND_ACHIEVED = "achieved"
BAND_NEAR = "near"
BAND_MIDWAY = "midway"
BAND_FAR = "far"
ACHIEVEMENT_BANDS: tuple[str, ...] = (BAND_ACHIEVED, BAND_NEAR, BAND_MIDWAY, BAND_FAR)

# --- stages of an assessment (assessments.csv ``stage``) -----------------------------------
#: The region's own self-assessment; every other stage is an assessor's verification.
STAGE_SELF = "self"
#: One assessor's score (the default when ``stage`` is empty).
STAGE_ASSESSOR = "assessor"
#: A verified score (e.g. after the assessors' review).
STAGE_VERIFIED = "verified"
#: The documented stages (docs/registers.md); io.registers.STAGE_WORDS maps the accepted
#: spellings, Indonesian ones included ("penilaian mandiri" = self), onto them.
STAGES: tuple[str, ...] = (STAGE_SELF, STAGE_ASSESSOR, STAGE_VERIFIED)

# --- reproduction status ------------------------------------------------------------------
REPRODUCE_MATCH = "match"
REPRODUCE_MISMATCH = "mismatch"
REPRODUCE_NOT_COMPUTABLE = "not_computable"
REPRODUCE_STATUSES: tuple[str, ...] = (
    REPRODUCE_MATCH,
    REPRODUCE_MISMATCH,
    REPRODUCE_NOT_COMPUTABLE,
)

# --- which method choices an uncertainty analysis varied -----------------------------------
VARIED_NORMALISATION = "normalisation"
VARIED_AGGREGATION = "aggregation"
VARIED_WEIGHTS = "weights"
VARIED_IMPUTATION = "imputation"
VARIED_CHOICES: tuple[str, ...] = (
    VARIED_NORMALISATION,
    VARIED_AGGREGATION,
    VARIED_WEIGHTS,
    VARIED_IMPUTATION,
)

#: Scores are rounded to this many decimals before ranking and band lookup, everywhere, so
#: that two mathematically equal scores (computed in a different order) share a rank.
TIE_DECIMALS = 9

# --- the regional office's registers (programmes.csv, programme_status.csv, evidence.csv) --
#: Status of a masterplan programme in an evaluation year (programme_status.csv).
PROGRAMME_PLANNED = "planned"
PROGRAMME_ONGOING = "ongoing"
PROGRAMME_DONE = "done"
PROGRAMME_DROPPED = "dropped"
PROGRAMME_STATUSES: tuple[str, ...] = (
    PROGRAMME_PLANNED,
    PROGRAMME_ONGOING,
    PROGRAMME_DONE,
    PROGRAMME_DROPPED,
)
#: Status of a supporting document ("dokumen pendukung", "bukti dukung"; evidence.csv).
EVIDENCE_AVAILABLE = "available"
EVIDENCE_MISSING = "missing"
EVIDENCE_OUTDATED = "outdated"
EVIDENCE_STATUSES: tuple[str, ...] = (EVIDENCE_AVAILABLE, EVIDENCE_MISSING, EVIDENCE_OUTDATED)
#: Kinds of supporting document (evidence.csv ``kind``).
EVIDENCE_KINDS: tuple[str, ...] = (
    "regulation",
    "institution",
    "budget",
    "application inventory",
    "survey",
    "report",
    "other",
)
#: Kominfo's five evaluation dimensions (evidence.csv ``dimension``).
EVALUATION_DIMENSIONS: tuple[str, ...] = ("baseline", "output", "outcome", "impact", "quick win")
#: Scope of a published rank (published_ranks.csv ``scope``): among every region evaluated
#: nationally, or within the region's province (Kominfo's result letter gives both).
RANK_NATIONAL = "national"
RANK_PROVINCE = "province"
RANK_SCOPES: tuple[str, ...] = (RANK_NATIONAL, RANK_PROVINCE)
#: ``reproduce`` status of a published fact the dataset cannot recompute (a national rank
#: among regions the dataset does not hold); not a match, not a mismatch.
REPRODUCE_PUBLISHED_ONLY = "published_only"
