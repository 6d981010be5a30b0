"""Public issues: they arise, touch some residents with a stake, and close when decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from sim.ladder import Rung
from sim.streams import fold

if TYPE_CHECKING:
    from sim.model import CommunityModel


class IssueStatus(Enum):
    OPEN = "open"
    DECIDED = "decided"


@dataclass
class Issue:
    """A public matter (parking, safety, ...) with the residents it touches."""

    issue_id: int
    kind: str
    salience: float
    community_wide: bool
    touched: np.ndarray  # row indices of residents with a stake
    official_view: float  # the outcome officials would choose alone, in [0, 1]
    arisen_step: int
    stream_key: int  # names the issue in the random streams (sim/streams.py), whatever its id
    joined: list[np.ndarray] = field(default_factory=list)  # rows of representatives who joined it
    raised_by: int = -1  # row of the leader who raised it as the courtyard's proposal (-1: it arose)
    status: IssueStatus = IssueStatus.OPEN
    decision_rung: Rung | None = None
    decided_step: int | None = None


def arise_issues(model: CommunityModel) -> list[Issue]:
    """New issues this step.

    Courtyard-scope issues arise ~ Poisson(``issues.rate`` x residents / 1000) and each touches
    all residents of ``courtyards_touched`` random courtyards; community-scope issues arise
    ~ Poisson(``issues.community_rate``) and touch everybody. The kind is drawn by weight within
    its scope. Each touched resident gets a stake = salience x U(0.5, 1.5) (clipped to 1) and an
    opinion ~ Beta(4c, 4(1-c)) around the issue's centre c ~ U(0.2, 0.8); the issue becomes their
    current issue (a resident holds one current issue, the newest).

    Random numbers: the step's counts of both scopes come from the stream ``issues.count``; the
    k-th issue of a scope at a step draws everything else from its own stream, keyed by
    (scope, k), so an issue's draws never depend on what else happened before it.
    """
    cfg, state = model.config.issues, model.state
    expected = {"courtyard": cfg.rate * state.n / 1000, "community": cfg.community_rate}
    counts = model.streams.generator("issues.count").poisson(list(expected.values()))
    new = []
    for scope, count in zip(expected, counts):
        names = [k for k, spec in cfg.kinds.items() if spec.scope == scope and spec.weight > 0]
        if not names:
            continue
        cdf = np.cumsum([cfg.kinds[k].weight for k in names])
        for k in range(count):
            u = model.streams.uniform_one("issue.kind", scope, k)
            kind = names[min(int(np.searchsorted(cdf, u * cdf[-1], side="right")), len(names) - 1)]
            new.append(raise_issue(model, kind, stream_key=fold(model.steps, scope, k)))
    return new


def raise_issue(model: CommunityModel, kind: str, stream_key: int | None = None,
                courtyards: np.ndarray | None = None) -> Issue:
    """Put one issue of ``kind`` on the community's agenda (see :func:`arise_issues`).

    ``stream_key`` names the issue in every draw about it (its courtyards, stakes and opinions,
    reading its results, responses to its groups) whatever its id; an issue raised by hand
    (``stream_key`` None) is named by its step and id. ``courtyards`` fixes the courtyards a
    courtyard-scope issue touches (a leader's proposal: their own), instead of drawing them.
    Leaders touched by the issue hold their standing stance on it
    (:func:`sim.leadership.hold_stances`).
    """
    from sim.leadership import hold_stances

    cfg, state = model.config.issues, model.state
    if stream_key is None:
        stream_key = fold(model.steps, "raised", len(model.issues))
    rng = model.streams.generator("issue", stream_key)
    spec = cfg.kinds[kind]
    community_wide = spec.scope == "community"
    if community_wide:
        touched = np.arange(state.n)
    else:
        chosen = (rng.choice(model.n_courtyards, size=min(cfg.courtyards_touched, model.n_courtyards),
                             replace=False) if courtyards is None else np.asarray(courtyards))
        touched = model.residents_of(chosen)
    centre = rng.uniform(0.2, 0.8)
    issue = Issue(model.next_issue_id(), kind, spec.salience, community_wide, touched,
                  official_view=float(rng.uniform(0, 1)), arisen_step=model.steps, stream_key=stream_key)
    state.current_issue[touched] = issue.issue_id
    state.stake[touched] = np.minimum(1.0, spec.salience * rng.uniform(0.5, 1.5, len(touched)))
    state.opinion[touched] = rng.beta(4 * centre, 4 * (1 - centre), len(touched))
    hold_stances(model, touched)
    model.issues[issue.issue_id] = issue
    model.open_issues_by_id[issue.issue_id] = issue
    return issue


def close_issue(model: CommunityModel, issue: Issue, rung: Rung) -> None:
    """Record the decision and release the residents whose current issue it was (the touched
    residents and any representatives who joined its meeting)."""
    issue.status, issue.decision_rung, issue.decided_step = IssueStatus.DECIDED, rung, model.steps
    del model.open_issues_by_id[issue.issue_id]
    state = model.state
    candidates = np.concatenate([issue.touched, *issue.joined])  # everyone it was ever current for
    mine = candidates[state.current_issue[candidates] == issue.issue_id]
    state.current_issue[mine] = -1
    state.stake[mine] = 0.0
    state.opinion[mine] = np.nan
    model.decisions.append((model.steps, int(rung)))


def expire_issues(model: CommunityModel) -> list[Issue]:
    """Issues open for ``max_age`` steps with no meeting are decided by cadres alone (rung 1)."""
    expired = [i for i in model.open_issues()
               if model.steps - i.arisen_step >= model.config.issues.max_age]
    for issue in expired:
        close_issue(model, issue, Rung.MANIPULATION)
    return expired
