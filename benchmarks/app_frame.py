"""Frame time of the workshop app: one week stepped and everything on the page redrawn.

Two in-process measurements per community size, each over ``--frames`` frames after a warm-up:

* ``pictures``: step the model(s), draw the network(s), the five charts and the legend
  (:mod:`app.live`, :mod:`app.figures`, :func:`app.page.legend_html`);
* ``page``: the whole page rendered in-process by Solara after a Step press
  (:func:`app.page.step_once`): the pictures plus Solara's update of every widget. This is the
  server's work per frame; what remains is sending the images over the local websocket and the
  browser painting them.

And, with Debian's chromium at /usr/bin/chromium, one in the browser (``browser``): the app served
by ``python -m app``, played at the highest speed for ``--play-seconds``; from Chrome's own
performance counters (DevTools ``Performance.getMetrics``: task, script, layout and style time)
the browser's main-thread time per frame shown, the frames shown per second and the gaps between
them; then Pause, pressed five times: the time from the click to the button saying Play again (in
the browser), to the server's own state reaching the button, and to the model stopping (the
server's log, by the wall clock), and from the click reaching the server to the model stopping.

The target is at most 0.5 s per frame up to 500 residents, Pause within 0.3 s. Prints one JSON
object (ms).

    .venv/bin/python benchmarks/app_frame.py [--frames 40] [--sizes 100,300,500] [--play-seconds 20]
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pause_probe import pause_click  # noqa: E402

WARM_UP = 5


def workshop_settings(residents: int, compare: bool) -> Settings:
    """The empowerment-training preset at the given size, optionally side by side."""
    s = copy.deepcopy(Settings.from_scenario("empowerment_training"))
    s.values["community.n_residents"] = residents
    s.interventions["empowerment_training"].start = 5
    s.compare = ("empowerment_training",) if compare else None
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


CHROMIUM = Path("/usr/bin/chromium")
FRAME_WATCH = """() => {
  window.frameTimes = [];
  const label = document.querySelector('.week-label');
  new MutationObserver(() => window.frameTimes.push(performance.now()))
    .observe(label, {childList: true, characterData: true, subtree: true});
}"""
PAUSE_CLICK = pause_click(timeout_ms=30_000)  # tests/pause_probe.py, shared with the browser tests
PAUSES = 5  # Pause presses timed, each after a few seconds of Play


def time_browser(play_seconds: float) -> dict:
    """The app in chromium, played at the highest speed: browser time per frame, Pause latency."""
    import os
    import re
    import signal
    import socket
    import subprocess
    import tempfile
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
    server = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port), "--no-open"],
                              cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/?steps=520"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1600, "height": 900})
            page.goto(url)
            page.locator(".week-label").wait_for(timeout=120_000)
            page.locator(".ctl-speed [role=slider]").focus()
            page.keyboard.press("End")  # the highest speed
            page.locator(".ctl-speed").filter(has_text="20").wait_for(timeout=60_000)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.evaluate(FRAME_WATCH)
            before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            page.locator(".btn-play").click()
            page.wait_for_timeout(play_seconds * 1000)
            after = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            shown = page.evaluate("window.frameTimes")
            pauses = []
            for i in range(PAUSES):
                if i:  # again from week 0, so the run never ends before Pause
                    page.locator(".btn-reset").click()
                    page.locator(".week-label").filter(has_text=re.compile(r"^Week 0 of")).wait_for(timeout=60_000)
                    page.locator(".btn-play").click()
                    page.wait_for_timeout(3000)
                pauses.append(page.evaluate(PAUSE_CLICK))
                page.wait_for_timeout(1500)
            browser.close()
        time.sleep(1)
        log.flush()
        stops = re.findall(r"the model stopped (\d+) ms after Pause; clock ([\d.]+) s", Path(log.name).read_text())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        Path(log.name).unlink()
    frames = max(len(shown), 1)
    per_frame = {k: round((after[name] - before[name]) * 1000 / frames, 1)
                 for k, name in (("task", "TaskDuration"), ("script", "ScriptDuration"),
                                 ("layout", "LayoutDuration"), ("style", "RecalcStyleDuration"))}
    gaps = np.diff(shown) if len(shown) > 1 else np.zeros(1)
    return {"frames_shown": len(shown), "frames_per_second": round(len(shown) / play_seconds, 2),
            "browser_ms_per_frame": per_frame, "gap_between_frames": summary(list(gaps / 1000)),
            "pause_click_to_play_label_ms": [round(p["label"], 1) for p in pauses],
            "pause_click_to_server_state_ms": [round(p.get("confirmed", float("nan")), 1) for p in pauses],
            "pause_click_to_model_stopped_ms": [round(float(clock) * 1000 - p["clicked_at"]) for p, (_, clock)
                                                in zip(pauses, stops)],
            "pause_server_to_model_stopped_ms": [int(ms) for ms, _ in stops]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--sizes", default="100,300,500")
    parser.add_argument("--play-seconds", type=float, default=20.0)
    args = parser.parse_args()
    out = {"target_ms": 500, "frames": args.frames}
    if CHROMIUM.exists():
        out["browser_300_residents"] = time_browser(args.play_seconds)
    for n in (int(x) for x in args.sizes.split(",")):
        for compare in (False, True):
            s = workshop_settings(n, compare)
            label = f"{n}_residents" + ("_side_by_side" if compare else "")
            out[label] = {"pictures": time_pictures(s, args.frames), "page": time_page(s, args.frames)}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
