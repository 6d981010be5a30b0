"""Start the workshop app: ``python -m app`` (then open the address it prints).

    .venv/bin/python -m app                  English, http://localhost:8765, opens a browser
    .venv/bin/python -m app --lang zh        Chinese labels from the start
    .venv/bin/python -m app --port 9000 --no-open

Before the server starts, the page's browser files are checked (:mod:`app.assets`) and fetched
if missing, so the app also runs where the internet is out of reach.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from app.assets import ensure_assets, missing_packages
from app.i18n import LANGS, t

ROOT = Path(__file__).resolve().parents[1]


def solara_command(host: str, port: int, open_browser: bool) -> list[str]:
    """The ``solara run`` arguments serving :mod:`app.page` (through :mod:`app.web.page`, which makes
    Solara use the templates in ``app/templates/``) in production mode."""
    args = ["run", "app.web.page", "--host", host, "--port", str(port), "--production"]
    return args if open_browser else [*args, "--no-open"]


def server_environment(lang: str) -> dict[str, str]:
    """Environment for the server: the project on the import path, the start language, no telemetry,
    and Solara's page chrome made the workshop's: the tab title in the start language, the loading
    screen of ``app/templates/loader-workshop.html``, no "runs on Solara" banner."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "COMMUNITY_APP_LANG": lang, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
            "SOLARA_THEME_TITLE": t("title", lang), "SOLARA_THEME_LOADER": "workshop",
            "SOLARA_THEME_SHOW_BANNER": "False"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Live workshop app (Solara).")
    parser.add_argument("--lang", choices=LANGS, default="en", help="language of the labels at start (default en)")
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-open", action="store_true", help="do not open a browser window")
    args = parser.parse_args(argv)
    os.environ.update(server_environment(args.lang))  # before Solara reads its settings
    try:
        ensure_assets()
    except RuntimeError as error:
        print(f"warning: {error}; the page needs internet access the first time.", file=sys.stderr)
    if missing_packages():
        print("warning: some browser files are missing (python -m app.assets lists them)", file=sys.stderr)
    sys.path.insert(0, str(ROOT))
    from solara.__main__ import main as solara_main

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("app", "sim"):  # the app's own messages, errors with their tracebacks, reach the log
        logging.getLogger(name).setLevel(logging.INFO)
    print(f"workshop app: http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    sys.argv = ["solara", *solara_command(args.host, args.port, not args.no_open)]
    return solara_main()


if __name__ == "__main__":
    raise SystemExit(main())
