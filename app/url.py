"""The settings in the page's address, so a reload, a bookmark or a link restores them.

    ?lang=zh&scenario=empowerment_training&seed=7&community.n_residents=200&officials.openness=0.5
        &programmes=empowerment_training:13:100:26;random_leader_assignment:5:10:0&compare=empowerment_training

Only what differs from the scenario preset is written (language, scenario, seed, size and weeks
always). ``programmes`` lists every programme switched on as ``name:start:dose:period`` (dose ``-``
when a programme has none); when it is absent the preset's programmes are on; ``programmes=`` with
nothing after it switches them all off. :func:`settings_from_query` ignores what it cannot read
and names it, so a mistyped link still opens the page.
"""

from __future__ import annotations

import copy
from urllib.parse import parse_qsl, quote

from app.i18n import LANGS
from app.settings import CONTROL_BY_KEY, DEFAULT_SCENARIO, SEED_MAX, Settings
from sim.cli import known_scenarios


def settings_query(settings: Settings, lang: str) -> str:
    """The address query (without ``?``) that :func:`settings_from_query` reads back as ``settings``."""
    preset = settings.preset()
    parts = [("lang", lang), ("scenario", settings.scenario), ("seed", str(settings.seed))]
    for key, value in settings.values.items():
        if key in ("community.n_residents", "steps") or value != preset.values[key]:
            parts.append((key, f"{value:g}" if isinstance(value, float) else str(value)))
    on = {n: iv for n, iv in settings.interventions.items() if iv.on}
    preset_on = {n: iv for n, iv in preset.interventions.items() if iv.on}
    if [(n, iv.start, iv.dose, iv.period) for n, iv in on.items()] != \
            [(n, iv.start, iv.dose, iv.period) for n, iv in preset_on.items()]:
        parts.append(("programmes", ";".join(
            f"{n}:{iv.start}:{'-' if iv.dose is None else f'{iv.dose:g}'}:{iv.period}" for n, iv in on.items())))
    if settings.compare:
        parts.append(("compare", ",".join(settings.compare)))
    return "&".join(f"{k}={quote(v, safe=':;,.-_')}" for k, v in parts)


def _number(text: str, kind: str):
    value = float(text)
    if kind == "int":
        if value != int(value):
            raise ValueError(text)
        return int(value)
    return value


def settings_from_query(query: str | None) -> tuple[Settings, str | None, list[str]]:
    """(settings, language or None, the parts that were ignored) from an address query."""
    items = parse_qsl((query or "").lstrip("?"), keep_blank_values=True)
    given = dict(items)
    ignored: list[str] = []
    lang = given.get("lang") if given.get("lang") in LANGS else None
    scenario = given.get("scenario", DEFAULT_SCENARIO)
    if scenario not in known_scenarios():
        ignored.append(f"scenario={scenario}")
        scenario = DEFAULT_SCENARIO
    settings = copy.deepcopy(Settings.from_scenario(scenario))
    for key, text in items:
        try:
            if key in ("lang", "scenario", "programmes", "compare"):
                continue
            if key == "seed":
                seed = int(text)
                if not 0 <= seed <= SEED_MAX:
                    raise ValueError(text)
                settings.seed = seed
                continue
            control = CONTROL_BY_KEY[key]
            value = text if control.kind == "choice" else _number(text, control.kind)
            if control.kind == "choice" and value not in control.choices:
                raise ValueError(text)
            if control.kind != "choice" and not control.lo <= value <= control.hi:
                raise ValueError(text)
            settings.values[key] = value
        except (KeyError, ValueError):
            ignored.append(f"{key}={text}")
    listed = given.get("programmes")
    if listed is not None:
        for iv in settings.interventions.values():
            iv.on = False
    for item in filter(None, (listed or "").split(";")):
        try:
            name, start, dose, period = item.split(":")
            iv = settings.interventions[name]
            iv.on, iv.start, iv.period = True, int(start), int(period)
            if dose != "-" and iv.dose is not None:
                iv.dose = _number(dose, "float" if isinstance(iv.dose, float) else "int")
        except (KeyError, ValueError):
            ignored.append(f"programmes={item}")
    if given.get("compare"):
        bundle = tuple(n for n in given["compare"].split(",") if n in settings.interventions)
        ignored += [f"compare={n}" for n in given["compare"].split(",") if n not in settings.interventions]
        settings.compare = bundle or None
    return settings.clamped(), lang, ignored
