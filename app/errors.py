"""Errors as the page shows them: one translated sentence, never a traceback.

The server log gets the full traceback (:mod:`app.live`, :func:`app.page.guarded`); the page gets
:func:`explain`: for a :class:`~sim.schema.ConfigError` the setting by its label, the refused value
and the allowed range, in the page's language; for anything else a translated sentence saying
what stopped, with the technical one-liner available under a closed "details" fold.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import STRINGS, t
from sim.schema import ConfigError


@dataclass(frozen=True)
class Explained:
    message: str  # in the page's language
    details: str  # the exception's own one-line text (English), for the details fold


def _setting_name(key: str, lang: str) -> str | None:
    label = STRINGS.get(f"param.{key}")
    if label is None:
        return None
    return t(f"param.{key}", lang, value="").rstrip(":： ")


def _allowed(key: str, lang: str) -> str:
    from app.settings import schema_bounds

    try:
        lo, hi, _ = schema_bounds(key)
    except (KeyError, TypeError):
        return t("error.allowed.unknown", lang)
    if lo is not None and hi is not None:
        return t("error.allowed.range", lang, lo=f"{lo:g}", hi=f"{hi:g}")
    if lo is not None:
        return t("error.allowed.min", lang, lo=f"{lo:g}")
    if hi is not None:
        return t("error.allowed.max", lang, hi=f"{hi:g}")
    return t("error.allowed.unknown", lang)


def explain(error: BaseException | None, lang: str, when: str = "run") -> Explained:
    """The page's text for ``error`` (``when``: ``run`` for a model failure, ``page`` for the page's own)."""
    if error is None:
        return Explained("", "")
    details = f"{type(error).__name__}: {error}"
    if isinstance(error, ConfigError):
        name = _setting_name(error.key, lang)
        if name is not None:
            return Explained(t("error.config", lang, name=name, value=error.value, allowed=_allowed(error.key, lang)),
                             details)
        return Explained(t("error.config.other", lang), details)
    return Explained(t(f"error.{when}", lang), details)
