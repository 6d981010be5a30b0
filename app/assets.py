"""The browser files Solara's page needs, kept on this machine so the app works offline.

Solara's page loads its JavaScript and CSS (the Vuetify app, RequireJS, Font Awesome) through
its own server from a cache folder, ``solara.server.settings.assets.proxy_cache_dir`` (by
default ``.venv/share/solara/cdn``), fetching missing files from a public CDN on first use. A
workshop room without internet, or a machine that may reach package registries only, never gets
them and shows a blank page. This module fills the cache from the npm registry with ``npm pack``
(the same packages the CDN serves) before the app starts:

    .venv/bin/python -m app.assets          # fetch what is missing (needs npm), then list
    .venv/bin/python -m app.assets --check  # only report; exit status 1 if anything is missing

The packages are read off Solara's own page template, so they follow Solara upgrades.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

_SPEC = re.compile(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@\d[\w.-]*)/")


def cache_dir() -> Path:
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def required_packages() -> list[str]:
    """``name@version`` of every package the page template loads (for the installed ipyvuetify)."""
    import solara.server.settings as server_settings
    import solara.util

    template = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
    specs = dict.fromkeys(_SPEC.findall(template.read_text(encoding="utf-8")))
    unused = "solara-vuetify-app@" if solara.util.IPYVUETIFY_V3 else "solara-vuetify3-app@"
    specs = [s for s in specs if unused not in s]
    if server_settings.assets.fontawesome_enabled:
        specs.append(server_settings.assets.fontawesome_path.strip("/").split("/")[0])
    return specs


def missing_packages(root: Path | None = None) -> list[str]:
    root = cache_dir() if root is None else root
    return [spec for spec in required_packages() if not (root / spec).is_dir()]


def fetch_package(spec: str, root: Path) -> None:
    """``npm pack`` one package and unpack it as ``root/<spec>/`` (moved into place when complete)."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is needed to fetch {spec} (or open the app once on a machine with internet)")
    target = root / spec
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", tmp],
                             capture_output=True, text=True, timeout=300, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"npm pack {spec} failed: {out.stderr.strip()[-500:]}")
        tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        (Path(tmp) / "package").rename(target)


def ensure_assets(root: Path | None = None) -> list[str]:
    """Fetch every missing package; returns the ones fetched."""
    root = cache_dir() if root is None else root
    todo = missing_packages(root)
    for spec in todo:
        fetch_package(spec, root)
    return todo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.assets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    args = parser.parse_args(argv)
    root = cache_dir()
    if not args.check:
        try:
            for spec in ensure_assets(root):
                print(f"fetched {spec}")
        except RuntimeError as error:
            print(f"app assets: {error}", file=sys.stderr)
            return 1
    missing = missing_packages(root)
    for spec in required_packages():
        print(f"{'missing' if spec in missing else 'present'}  {root / spec}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
