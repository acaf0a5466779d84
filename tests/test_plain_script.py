"""``run_reports`` from a plain script, one without an ``if __name__ == "__main__":`` guard
(issue 16): a real batch of two Kutai Timur reports on two worker processes; the script's
top-level code runs once (not again in every worker, as ``spawn`` would make it) and the
reports are made."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["Kabupaten Berau", "Kabupaten Kutai Timur"]


def test_run_reports_from_a_script_without_a_main_guard(tmp_path):
    log = tmp_path / "ran.txt"
    out = tmp_path / "out"
    script = tmp_path / "plain.py"
    script.write_text(
        "import os\n"
        "import smartcity_eval as se\n"
        f"with open({str(log)!r}, 'a', encoding='utf-8') as f:\n"
        "    f.write(f'top-level code ran in {os.getpid()}\\n')\n"
        f"result = se.run_reports({str(ROOT / 'data' / 'kutai_timur')!r}, {str(out)!r},\n"
        f"    years=[2024], regions={REGIONS!r}, jobs=2, progress=False)\n"
        "print('made', sum(r['status'] == 'ok' for r in result.results), flush=True)\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"}
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines == [f"top-level code ran in {lines[0].rsplit(' ', 1)[-1]}"], lines
    assert "made 2" in done.stdout, done.stdout + done.stderr
    manifest = json.loads((out / "kutai_timur" / "manifest.json").read_text(encoding="utf-8"))
    made = {r["region"]: r for r in manifest["reports"] if r["status"] == "ok"}
    assert sorted(made) == REGIONS
    for region in REGIONS:
        folder = out / "kutai_timur" / region.lower().replace(" ", "-") / "2024"
        page = (folder / "report.html").read_text(encoding="utf-8")
        assert region in page
        assert "Indeks Smart City" in page
