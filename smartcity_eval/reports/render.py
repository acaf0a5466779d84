"""Rendering executed notebooks: HTML without code cells, and PDF through headless Chromium.

HTML is made in-process by nbconvert's ``HTMLExporter`` with ``exclude_input=True`` (the
same result as ``jupyter nbconvert --to html --no-input``) and the prompts removed, so the
page shows the report, not the code; figures are embedded as base64 PNG, so one file is
the whole report. References to JavaScript on CDNs (require.js, MathJax) are left out:
a report needs neither, and a page opened offline must not wait for them.

PDF is printed by a headless Chromium (``--headless --print-to-pdf``) where one is
installed; where none is, :func:`find_chromium` returns None and the runner says so once.
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
    "notebook_to_html",
    "find_chromium",
    "html_to_pdf",
    "screenshot",
    "CHROMIUM_NAMES",
    "PdfError",
]

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


def notebook_to_html(nb: Any, title: str | None = None) -> str:
    """The HTML page of an executed notebook, without code cells (figures embedded).

    ``title`` becomes the page's ``<title>`` (default: the notebook's ``metadata.title``).
    """
    resources: dict[str, Any] = {"metadata": {"name": title or nb.metadata.get("title", "")}}
    body, _ = html_exporter().from_notebook_node(nb, resources=resources)
    body = _MATHJAX_BLOCK.sub("", body)
    return _CDN_SCRIPT.sub("", body)


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
    """Print an HTML file to PDF with headless Chromium (A4, no header/footer)."""
    src = Path(html_path).resolve()
    dest = Path(pdf_path).resolve()
    _chromium([f"--print-to-pdf={dest}", "--no-pdf-header-footer", src.as_uri()], chromium, timeout)
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
