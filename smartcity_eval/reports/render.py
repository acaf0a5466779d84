"""Rendering executed notebooks: HTML without code cells, and PDF through headless Chromium.

HTML is made in-process by nbconvert's ``HTMLExporter`` with ``exclude_input=True`` (the
same result as ``jupyter nbconvert --to html --no-input``) and the prompts removed, so the
page shows the report, not the code; figures are embedded as base64 PNG, so one file is
the whole report. References to JavaScript on CDNs (require.js, MathJax) are left out:
a report needs neither, and a page opened offline must not wait for them.

PDF is printed by a headless Chromium (``--headless --print-to-pdf``) where one is
installed; where none is, :func:`find_chromium` returns None and the runner says so once.
The page is laid out for paper by :func:`print_css`, added to every HTML page: CSS
``@page`` with the paper size (A4, or F4 = 215 x 330 mm, the folio Indonesian offices
use), margins, a running header with the report's title (region and year) and page
numbers ("page / pages") in the page-margin boxes, which Chromium prints (version 131 and
later); tables take the page width, cells wrap (long hashes anywhere), so no column is cut
off; a heading stays with what follows it, table rows and figures are not split, and the
notebook's own "never split an output" rule, which leaves near-empty pages before every
long section, is lifted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "html_exporter",
    "add_print_css",
    "notebook_to_html",
    "find_chromium",
    "html_to_pdf",
    "screenshot",
    "CHROMIUM_NAMES",
    "PdfError",
    "PAPERS",
    "print_css",
    "tool_found",
]

#: Paper sizes ``--paper`` accepts: CSS ``@page`` size.
PAPERS = {"a4": "210mm 297mm", "f4": "215mm 330mm", "letter": "8.5in 11in"}

#: Executables tried, in order, by :func:`find_chromium` (``SMARTCITY_CHROMIUM`` wins).
CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
)

_CDN_SCRIPT = re.compile(
    r"<script[^>]*src=\"https://(?:cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net|unpkg\.com)[^\"]*\"[^>]*>\s*</script>\s*",
    re.IGNORECASE,
)
_MATHJAX_BLOCK = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->\s*", re.DOTALL
)


class PdfError(RuntimeError):
    """Chromium could not print a page."""


@lru_cache(maxsize=1)
def html_exporter() -> Any:
    """A configured ``nbconvert.HTMLExporter`` (cached: building one loads the templates)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.embed_images = True
    return exporter


def _css_string(text: str) -> str:
    return '"' + re.sub(r'["\\\n]', " ", text) + '"'


def print_css(title: str = "", paper: str = "a4") -> str:
    """The print style sheet of a report page (see the module docstring)."""
    size = PAPERS.get(paper, PAPERS["a4"])
    return f"""<style id="sce-print">
@page {{ size: {size}; margin: 18mm 14mm 16mm 14mm;
  @top-left {{ content: {_css_string(title)}; font: 8pt sans-serif; color: #52606d; }}
  @bottom-right {{ content: counter(page) " / " counter(pages); font: 8pt sans-serif;
    color: #52606d; }} }}
@media print {{
  html, body {{ background: #fff !important; }}
  body {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  .jp-Notebook, body.jp-Notebook {{ max-width: none !important; padding: 0 !important;
    margin: 0 !important; }}
  .jp-Cell, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output,
  .jp-Cell-outputWrapper, .jp-RenderedHTMLCommon {{ overflow: visible !important;
    break-inside: auto !important; page-break-inside: auto !important; padding: 0 !important; }}
  .jp-OutputPrompt, .jp-InputPrompt, .jp-Collapser {{ display: none !important; }}
  .sce {{ font-size: 9.5pt; }}
  .sce h1 {{ font-size: 17pt; }}
  .sce h2, .sce h3 {{ break-after: avoid; page-break-after: avoid; }}
  .sce h2 {{ font-size: 13pt; margin-top: 10pt; }}
  .sce .explain {{ break-after: avoid; }}
  .sce table, .jp-RenderedHTMLCommon table {{ width: 100% !important; max-width: 100% !important;
    table-layout: auto; font-size: 7.5pt !important; }}
  .sce th, .sce td, .jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td {{
    white-space: normal !important; overflow-wrap: break-word; word-break: normal;
    hyphens: manual;
    padding: 2pt 3pt !important; max-width: none !important; }}
  .sce td.num {{ white-space: nowrap !important; overflow-wrap: normal; }}
  .sce td.hash, .sce td code {{ word-break: break-all; overflow-wrap: anywhere; font-size: 6.5pt; }}
  thead {{ display: table-header-group; }}
  tr, figure, img, .card {{ break-inside: avoid; page-break-inside: avoid; }}
  .sce figure img {{ max-width: 100% !important; height: auto; }}
  .sce .cards {{ gap: 6pt; }} .sce .card .value {{ font-size: 20pt; }}
  a {{ color: inherit; text-decoration: none; }}
}}
</style>"""


def notebook_to_html(nb: Any, title: str | None = None, paper: str = "a4") -> str:
    """The HTML page of an executed notebook, without code cells (figures embedded).

    ``title`` becomes the page's ``<title>`` (default: the notebook's ``metadata.title``)
    and the running header of its printed pages on ``paper`` (:data:`PAPERS`).
    """
    name = title or nb.metadata.get("title", "")
    resources: dict[str, Any] = {"metadata": {"name": name}}
    body, _ = html_exporter().from_notebook_node(nb, resources=resources)
    body = _MATHJAX_BLOCK.sub("", body)
    body = _CDN_SCRIPT.sub("", body)
    return add_print_css(body, name, paper)


def add_print_css(page: str, title: str = "", paper: str = "a4") -> str:
    """``page`` with :func:`print_css` added at the end of its ``<head>``."""
    css = print_css(title, paper)
    if "</head>" in page:
        return page.replace("</head>", css + "\n</head>", 1)
    return css + page


def find_chromium() -> str | None:
    """Path of a headless-capable Chromium/Chrome, or None (``SMARTCITY_CHROMIUM`` overrides;
    set it to an empty string to disable PDF output)."""
    forced = os.environ.get("SMARTCITY_CHROMIUM")
    if forced is not None:
        return shutil.which(forced) or (forced if forced and Path(forced).is_file() else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def tool_found(fmt: str) -> bool:
    """Whether the tool that makes ``fmt`` is installed now: Chromium for ``pdf``, pandoc
    for ``docx`` (a report made without it is made again once it is)."""
    if fmt == "pdf":
        return find_chromium() is not None
    if fmt == "docx":
        from smartcity_eval.reports.docx import find_pandoc

        return find_pandoc() is not None
    return True


def _chromium(args: list[str], chromium: str | None, timeout: float) -> None:
    exe = chromium or find_chromium()
    if exe is None:
        raise PdfError("no headless Chromium found (install chromium)")
    cmd = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        *args,
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PdfError(f"Chromium did not finish within {timeout:g} s") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise PdfError(f"Chromium failed (exit {done.returncode}): {' '.join(tail)}")


def html_to_pdf(
    html_path: Path | str,
    pdf_path: Path | str,
    *,
    chromium: str | None = None,
    timeout: float = 120.0,
) -> Path:
    """Print an HTML file to PDF with headless Chromium (paper, margins, header and page
    numbers from the page's CSS ``@page``, see :func:`print_css`; Chromium's own
    date/URL header and footer are turned off)."""
    src = Path(html_path).resolve()
    dest = Path(pdf_path).resolve()
    _chromium(
        [
            f"--print-to-pdf={dest}",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
            src.as_uri(),
        ],
        chromium,
        timeout,
    )
    if not dest.is_file() or dest.stat().st_size == 0:
        raise PdfError("Chromium wrote no PDF")
    return dest


def screenshot(
    html_path: Path | str,
    png_path: Path | str,
    *,
    width: int = 1280,
    height: int = 2400,
    chromium: str | None = None,
    timeout: float = 120.0,
) -> Path:
    """A PNG screenshot of an HTML file at ``width`` x ``height`` pixels (headless Chromium)."""
    src = Path(html_path).resolve()
    dest = Path(png_path).resolve()
    _chromium(
        [f"--screenshot={dest}", f"--window-size={width},{height}", src.as_uri()],
        chromium,
        timeout,
    )
    if not dest.is_file():
        raise PdfError("Chromium wrote no screenshot")
    return dest
