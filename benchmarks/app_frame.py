"""Frame time of the workshop app: one week stepped and everything on the page redrawn.

Two measurements per community size, each over ``--frames`` frames after a short warm-up:

* ``pictures``: step the model(s), draw the network(s), the five charts and the legend
  (:mod:`app.live`, :mod:`app.figures`, :func:`app.page.legend_html`);
* ``page``: the whole page rendered in-process by Solara after a Step press
  (:func:`app.page.step_once`): the pictures plus Solara's update of every widget. This is the
  server's work per frame; what remains is sending the images over the local websocket and the
  browser painting them.

The target is at most 0.5 s per frame up to 500 residents. Prints one JSON object (ms).

    .venv/bin/python benchmarks/app_frame.py [--frames 40] [--sizes 100,300,500]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.figures import CHART_SERIES, ChartPicture, NetworkPicture  # noqa: E402
from app.live import LiveRun  # noqa: E402
from app.settings import Settings  # noqa: E402

WARM_UP = 5


def workshop_settings(residents: int, compare: bool) -> Settings:
    """The empowerment-training preset at the given size, optionally side by side."""
    s = copy.deepcopy(Settings.from_scenario("empowerment_training"))
    s.values["community.n_residents"] = residents
    s.interventions["empowerment_training"].start = 5
    s.compare = "empowerment_training" if compare else None
    return s.clamped()


def summary(seconds: list[float]) -> dict:
    ms = np.array(seconds) * 1000
    return {"mean": round(float(ms.mean()), 1), "p95": round(float(np.percentile(ms, 95)), 1),
            "max": round(float(ms.max()), 1)}


def time_pictures(settings: Settings, frames: int) -> dict:
    from app.page import legend_html

    run = LiveRun(settings)
    nets = [NetworkPicture(p.model, run.layout) for p in run.panels] if run.layout else []
    charts = {k: ChartPicture(k, run.steps, len(run.panels)) for k in CHART_SERIES}
    times = []
    for i in range(WARM_UP + frames):
        started = time.perf_counter()
        run.step()
        for net, panel in zip(nets, run.panels):
            net.png(panel.model)
        tables = [p.model.timeseries() for p in run.panels]
        for kind, chart in charts.items():
            chart.png(tables[:1] if kind == "ladder" else tables)
        legend_html(run, "en")
        if i >= WARM_UP:
            times.append(time.perf_counter() - started)
    return summary(times)


def time_page(settings: Settings, frames: int) -> dict:
    import solara

    import app.page as page

    page.settings.set(settings)
    page.run.set(None)
    box, rc = solara.render(page.Page(), handle_error=False)
    times = []
    for i in range(WARM_UP + frames):
        started = time.perf_counter()
        page.step_once()
        if i >= WARM_UP:
            times.append(time.perf_counter() - started)
    rc.close()
    return summary(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--sizes", default="100,300,500")
    args = parser.parse_args()
    out = {"target_ms": 500, "frames": args.frames}
    for n in (int(x) for x in args.sizes.split(",")):
        for compare in (False, True):
            s = workshop_settings(n, compare)
            label = f"{n}_residents" + ("_side_by_side" if compare else "")
            out[label] = {"pictures": time_pictures(s, args.frames), "page": time_page(s, args.frames)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
