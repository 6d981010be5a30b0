"""The documentation site builds with ``mkdocs build --strict`` (broken links, anchors, missing
pages or unreadable docstrings fail), and the docs the code cites exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("Gulou", "São Tomé", "New Haven", "Chengdu", "Training")


def test_mkdocs_build_strict(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert (site / "index.html").is_file() and (site / "tutorial.ipynb").is_file()
    api = (site / "reference" / "api" / "index.html").read_text()
    assert "sim.api.run" in api and "sim.api.sweep_grid" in api  # the reference comes from the docstrings
    assert 'id="são-tomé"' in (site / "cases" / "index.html").read_text()


def test_case_headings_begin_with_the_words_the_code_cites():
    headings = [line[3:] for line in (ROOT / "docs" / "cases.md").read_text().splitlines() if line.startswith("## ")]
    for case in CASES:
        assert any(h.startswith(case) for h in headings), case
    cited = set()
    for path in (ROOT / "sim").rglob("*.py"):
        text = path.read_text()
        for line in text.splitlines():
            if "docs/cases.md" in line:
                cited.update(re.findall(r"§([A-ZÀ-Ý][^\s,;:)]*(?: [A-ZÀ-Ý][^\s,;:)]*)?)", line))
    assert cited and cited <= set(CASES), cited - set(CASES)


def test_no_reference_to_files_outside_the_project():
    files = [ROOT / "README.md", ROOT / "mkdocs.yml", *(ROOT / "docs").rglob("*.md"), *(ROOT / "sim").rglob("*.py"),
             ROOT / "docs" / "tutorial.ipynb"]
    assert [str(p) for p in files if "DOMAIN.md" in p.read_text()] == []
