"""Write the notebooks of this folder from their source below (run after editing this file).

    python notebooks/build_notebooks.py          # rewrites the three notebooks
    python notebooks/build_notebooks.py --check  # exit 1 if a notebook differs from its source

The notebooks are generated so that they are reviewable as plain Python in this file and
byte-for-byte reproducible. Each has a kernelspec (python3) and one cell tagged
``parameters`` (papermill's convention); their code cells only call the public API of
``smartcity_eval`` and display results: no formulas, no loops, no definitions (the logic is
in the library, where it is tested).

* annual_report.ipynb: the evaluation report of one region and year (what
  ``smartcity-eval reports`` executes for every region and year). Only code cells, so that
  the HTML page (rendered without code cells) holds nothing but the report, in the
  language of ``lang``.
* explore.ipynb: a guided tour of the library for an analyst, on the default data.
* reproduce_findings.ipynb: reproduction of the published results and assessor agreement
  for a dataset and year.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def code(source: str, *tags: str) -> nbformat.NotebookNode:
    return new_code_cell(source.strip("\n"), metadata={"tags": list(tags)})


def md(source: str) -> nbformat.NotebookNode:
    return new_markdown_cell(source.strip("\n"), metadata={"tags": []})


def notebook(cells: list, title: str, title_id: str = "") -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    nb.metadata["title"] = title
    if title_id:  # the title of a batch's pages in Indonesian (reports.template.template_title)
        nb.metadata["title_id"] = title_id
    for i, cell in enumerate(nb.cells):  # stable ids: reproducible files, readable diffs
        cell["id"] = f"cell-{i:02d}"
    return nb


# ----------------------------------------------------------------------------- annual report
ANNUAL_PARAMETERS = """
# Parameters (papermill injects the values of a batch after this cell).
dataset = "kutai_timur"  # a dataset folder, or the name of a shipped dataset
region = "Kabupaten Kutai Timur"  # the region, as named in the dataset
year = 2023  # the evaluation year
lang = None  # id or en (None: the dataset's language)
settings = {}  # the method settings of the batch (Settings.to_dict); empty: the dataset's
normalise = None  # on top of settings (None: as there)
aggregate = None  # on top of settings (None: as there)
cache = None  # the batch cache written by smartcity-eval reports (optional)
"""


def annual_report() -> nbformat.NotebookNode:
    cells = [
        code(ANNUAL_PARAMETERS, "parameters"),
        code(
            """
from smartcity_eval.reports import sections
from smartcity_eval.reports.content import report_data, report_evaluation

evaluation = report_evaluation(
    dataset, settings, cache=cache, normalise=normalise, aggregate=aggregate
)
report = report_data(evaluation, region, year, lang, cache=cache)
"""
        ),
        code("sections.header(report)"),
        code("sections.headline(report)"),
        code("sections.key_messages(report)"),
        code("sections.profile(report)"),
        code("sections.spbe(report)"),
        code("sections.elements(report)"),
        code("sections.gaps(report)"),
        code("sections.trajectory(report)"),
        code("sections.change(report)"),
        code("sections.strengths(report)"),
        code("sections.self_assessment(report)"),
        code("sections.priorities(report)"),
        code("sections.who_does_what(report)"),
        code("sections.supporting_documents(report)"),
        code("sections.agreement(report)"),
        code("sections.coverage(report)"),
        code("sections.robustness(report)"),
        code("sections.provenance(report)"),
    ]
    return notebook(cells, "Smart-city evaluation report")


# ----------------------------------------------------------------------------- explore
def explore() -> nbformat.NotebookNode:
    cells = [
        md(
            """
# A guided tour of `smartcity_eval`

This notebook walks through the library on the default dataset, `kutai_timur`
(**illustrative data** for the ten regencies and cities of Kalimantan Timur, 2021-2024; see
its README). Every step is one call of the public API on one `Evaluation`: the dataset and
its method settings, with every result computed once and logged; change the parameters
below and run all cells again.
"""
        ),
        code(
            """
dataset = "kutai_timur"  # a dataset folder, or the name of a shipped dataset
region = "Kabupaten Kutai Timur"  # the region, as named in the dataset
year = 2023  # the evaluation year
lang = "en"  # id or en
""",
            "parameters",
        ),
        md(
            """
## 1. Load, check and evaluate a dataset
`evaluate` loads the dataset (`dataset.toml`, the framework and every table, all checked:
one `DataError` lists every problem, with file, row and column) and takes its method
settings from `dataset.toml [methods]`; keyword arguments change them.
"""
        ),
        code(
            """
import smartcity_eval as se

ev = se.evaluate(dataset)
ds = ev.dataset
ds.title, ds.regions, ds.years, list(ds.frameworks)
"""
        ),
        code("ev.settings"),
        md(
            """
## 2. The framework: an indicator tree
Pillars, elements and items (Kominfo's six smart-city dimensions, three elements each).
The effective weight of a node is its share of the index.
"""
        ),
        code("ds.framework.table().head(12)"),
        code('ev.effective_weights().query("level <= 1")'),
        md(
            """
## 3. Scores of every node, region and year
The dataset's `[methods]` say: no normalisation (the Kominfo index keeps the 1-5
maturity levels), arithmetic means. Ranks are within each year (1 = best).
"""
        ),
        code(
            """
scores = ev.scores
scores.query("code == @ds.framework.root and year == @year").sort_values("rank")
"""
        ),
        md(
            """
The same data scored against the Kominfo evaluation components (final index = 0.1
baseline + 0.2 output + 0.3 outcome + 0.2 impact + 0.2 quick wins) and against SPBE:
"""
        ),
        code(
            """
components = ev.scores_of("kominfo_components")
components.query("level == 0 and region == @region")
"""
        ),
        md("## 4. Gap analysis for one region: targets, trajectory, change, peers, priorities"),
        code(
            """
gaps = ev.gaps(region, year)
list(gaps)
"""
        ),
        code('gaps["targets"]'),
        code('gaps["trajectory"]'),
        code('gaps["priorities"]'),
        md("## 5. Self-assessment against the assessors, and assessor agreement"),
        code('gaps["self"].query("level <= 1")'),
        code('ev.agreement(by=("region", "year")).query("year == @year")'),
        md(
            """
## 6. Figures
The figures of the annual report are plain functions of `smartcity_eval.present.plots`; the
report's tables come from `smartcity_eval.reports.content.report_data`.
"""
        ),
        code(
            """
from smartcity_eval.present import plots
from smartcity_eval.reports.content import report_data

report = report_data(ev, region, year, lang)
profile = report["profile"]
plots.radar(
    profile["label"],
    profile["score"],
    peer=profile["peer_median"],
    target=profile["target"],
    lo=1,
    hi=5,
    title=f"{region} {year}: pillar profile",
    value_label="Score (level 1-5)",
    axis_label="Pillar",
    names={"region": region, "peer": "peer median", "target": "target"},
)
"""
        ),
        code(
            """
plots.heatmap(
    report["elements"],
    title=f"{region}: element scores",
    xlabel="Year",
    ylabel="Element",
    colorbar_label="Score (level 1-5)",
    vmin=1,
    vmax=5,
)
"""
        ),
        md(
            """
## 7. Other settings, side by side
`regen` evaluates the same data with changed settings; `compare` sets two evaluations side
by side per region, year and node (score and rank in both, and their differences). The log
records every step computed, with its parameters and the inputs' SHA-256.
"""
        ),
        code(
            """
minmax = ev.regen(normalise="minmax")
minmax.compare(ev).query("level == 0 and year == @year")
"""
        ),
        code('ev.log_frame()[["step", "parameters", "version", "seconds"]]'),
        md(
            """
## 8. Whole reports
`smartcity-eval reports kutai_timur --out reports/` executes the `annual_report.ipynb`
template for every region and year of one Evaluation and writes an HTML page per report,
an index page and a manifest. From Python: `smartcity_eval.reports.run_reports(ev)`.
"""
        ),
    ]
    return notebook(cells, "A guided tour of smartcity_eval")


# ----------------------------------------------------------------------------- reproduce
def reproduce_findings() -> nbformat.NotebookNode:
    # every heading and explanation comes from the catalogue in the language of ``lang``
    # (smartcity_eval.reports.findings.heading); no markdown cell, as in the annual report
    cells = [
        code(
            """
dataset = "kutai_timur"  # a dataset folder, or the name of a shipped dataset
year = None  # the evaluation year (None: every year)
lang = "en"  # id or en
settings = {}  # method settings as in the annual report (Settings.to_dict); empty: the dataset's
""",
            "parameters",
        ),
        code(
            """
import smartcity_eval as se
from smartcity_eval.reports import findings

ev = se.evaluate(dataset, **settings)
findings.heading("intro", lang)
findings.summary(ev, year, lang)
"""
        ),
        code('findings.heading("published", lang)'),
        code("findings.published(ev, year, lang)"),
        code('findings.heading("status_by_code", lang)'),
        code("findings.status_by_code(ev, year, lang)"),
        code('findings.heading("agreement", lang)'),
        code("findings.agreement(ev, year, lang)"),
        code('findings.heading("disagreement", lang)'),
        code("findings.disagreement(ev, year, lang)"),
        code('findings.heading("provenance", lang)'),
        code("findings.provenance(ev, year, lang)"),
    ]
    return notebook(
        cells, "Reproduction of the published results", "Reproduksi hasil yang dipublikasikan"
    )


NOTEBOOKS = {
    "annual_report.ipynb": annual_report,
    "explore.ipynb": explore,
    "reproduce_findings.ipynb": reproduce_findings,
}


def build() -> dict[str, str]:
    """The text of every notebook, by file name."""
    return {name: nbformat.writes(make(), version=4) + "\n" for name, make in NOTEBOOKS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the notebooks are current")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to")
    args = parser.parse_args(argv)
    stale = []
    for name, text in build().items():
        path = args.out / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        nbformat.validate(nbformat.reads(text, as_version=4))
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    if stale:
        print("out of date (run python notebooks/build_notebooks.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
