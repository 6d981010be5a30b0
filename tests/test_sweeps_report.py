"""The sweep report renders: report.html with every figure embedded, the PNG files beside it,
and the sensitivity indices of a Sobol' design."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import prim
from analysis.__main__ import main as analysis_main
from analysis.design import make_design, parse_bounds
from sim.sweep.design_file import write_design

SMALL = ("community.n_residents=120", "steps=12", "leaders.n_initial=5", "issues.rate=5.0")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def sobol_sweep(run_sim, tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    design = base / "design.csv"
    write_design(design, make_design("sobol", parse_bounds(["community.interest_mean=0.2:0.6",
                                                            "officials.power_retained=0.3:1"]), 4, seed=1))
    folder = base / "sweep"
    result = run_sim("-m", f"sweep.design={design}", "sweep.chunk_size=8", "sweep.chunk=range(0,2)",
                     "sweep.replications=2", *SMALL, f"hydra.sweep.dir={folder}", "hydra/launcher=basic", cwd=base)
    assert result.returncode == 0, result.stderr
    return folder


def test_report_renders_every_figure(sobol_sweep, capsys):
    assert analysis_main(["report", str(sobol_sweep)]) == 0
    printed = capsys.readouterr()
    assert printed.out.strip() == str(sobol_sweep / "report.html")
    page = (sobol_sweep / "report.html").read_text()
    figures = ["ladder", "timeseries", "heatmap", "sensitivity"] + (["prim"] if prim.available() else [])
    for name in figures:
        assert f'<img alt="{name}" src="data:image/png;base64,' in page
        assert (sobol_sweep / "report" / f"{name}.png").read_bytes().startswith(PNG)
    written = sorted(p.name for p in (sobol_sweep / "report").iterdir())
    assert written == sorted([f"{name}.png" for name in figures] + ["sensitivity_indices.csv"])
    indices = pd.read_csv(sobol_sweep / "report" / "sensitivity_indices.csv", keep_default_na=False)
    assert {"outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf", "warning"} <= set(indices.columns)
    warned = indices[indices["warning"] != ""]
    assert len(warned) > 0  # a Sobol' design of n=4 cannot give readable indices
    assert printed.err.count("warning: ") == len(warned) and "too uncertain to read" in page
    assert page.count("<img") == len(figures)
    for words in ("Ladder of participation", "first-order", "S1_conf", "ST_conf", "noise share",
                  "officials.power_retained", "32"):
        assert words in page
    if not prim.available():
        assert "ema-workbench is not installed" in page
    assert not [p for p in sobol_sweep.iterdir() if p.name.startswith(".partial")]


def test_report_heatmap_axes_are_checked(sobol_sweep, capsys):
    assert analysis_main(["report", str(sobol_sweep), "--heatmap", "x", "community.interest_mean"]) == 2
    assert capsys.readouterr().err.strip().startswith("error: --heatmap: x is not a column of")
