"""End-to-end: the workshop app in headless Chromium (Debian's /usr/bin/chromium) via Playwright.

Starts ``python -m app`` on a free localhost port, loads the page, picks a scenario, switches a
programme on, steps and plays the run, checks that the charts and the rung counts changed,
switches to Chinese, and saves a screenshot to ``test-artifacts/app_e2e.png``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """The app served on a free port; yields its URL, stops it afterwards."""
    port = free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(port), "--no-open"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "SOLARA_HOME": str(tmp_path / "solara-home")})
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the app did not start:\n" + (tmp_path / "server.log").read_text()[-3000:])
            time.sleep(0.3)
    from app.assets import missing_packages

    if missing_packages():
        proc.kill()
        pytest.fail(f"Solara's browser files are missing ({missing_packages()}): run .venv/bin/python -m app.assets")
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def week_of(page) -> int:
    return int(re.search(r"\d+", page.locator(".week-label").inner_text()).group())


def settled_week(page, quiet_ms: int = 2500) -> int:
    """The week shown once it has stopped changing for ``quiet_ms``."""
    week = week_of(page)
    for _ in range(12):
        page.wait_for_timeout(quiet_ms)
        now = week_of(page)
        if now == week:
            return week
        week = now
    pytest.fail(f"the week kept changing after Pause (now {week})")


def rung_counts(page) -> list[int]:
    return [int(x) for x in page.locator('.rung-count[data-panel="0"]').all_inner_texts()]


def chart_sources(page) -> list[str]:
    return page.locator(".chart-image").evaluate_all("imgs => imgs.map(i => i.src)")


def test_workshop_in_the_browser(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1600, "height": 1900})  # tall: the whole page in one screenshot
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(server)
            expect(page.locator(".week-label")).to_have_text(re.compile(r"Week 0 of \d+"), timeout=60_000)
            expect(page.locator(".network-image")).to_be_visible()

            # pick a scenario
            page.locator(".ctl-scenario").click()
            page.get_by_role("option", name="Leaders assigned at random (São Tomé)").click()
            expect(page.locator(".ctl-scenario")).to_contain_text("Leaders assigned at random")

            # switch a programme on: its start-week slider appears
            page.locator(".switch-empowerment_training input").check()
            expect(page.locator(".ctl-empowerment_training-start")).to_be_visible()

            counts_before, charts_before = rung_counts(page), chart_sources(page)
            assert sum(counts_before) == 300 and counts_before[0] == 300  # everyone starts on rung 1
            latest_before = page.locator(".latest-participation").inner_text()

            for week in (1, 2, 3):
                page.locator(".btn-step").click()
                expect(page.locator(".week-label")).to_contain_text(f"Week {week} of")

            # play until a meeting lifts residents off rung 1, then pause
            page.locator(".btn-play").click()
            page.wait_for_function(
                "() => Number(document.querySelector('.rung-count[data-panel=\"0\"]').textContent) < 300",
                timeout=45_000)
            page.locator(".btn-play").click()  # now labelled Pause
            expect(page.locator(".btn-play")).to_have_text(re.compile("play", re.I), timeout=15_000)
            paused_at = settled_week(page)  # a week already under way when Pause came is finished
            assert paused_at > 3
            page.wait_for_timeout(2000)
            assert week_of(page) == paused_at  # paused means paused

            counts_after = rung_counts(page)
            assert counts_after != counts_before and counts_after[0] < 300 and sum(counts_after) == 300
            charts_after = chart_sources(page)
            assert len(charts_after) == len(charts_before) == 5
            assert all(a != b for a, b in zip(charts_after, charts_before))
            assert page.locator(".latest-participation").inner_text() != latest_before

            # switch to Chinese
            page.locator(".lang-zh").click()
            expect(page.locator(".legend")).to_contain_text("非参与")
            expect(page.locator(".week-label")).to_contain_text(f"第 {paused_at} 周")
            expect(page.get_by_text("参与阶梯：按最高台阶划分的居民")).to_be_visible()
            expect(page.locator(".btn-step")).to_have_text("单步")  # the sidebar too
            expect(page.locator(".app-title")).to_have_text("社区参与：现场工作坊")  # and the title bar
            page.mouse.move(1590, 1890)  # no tooltip over the picture
            page.wait_for_timeout(400)

            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "app_e2e.png"), full_page=True)
        finally:
            browser.close()
