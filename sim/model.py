"""CommunityModel: one community on a social network, stepped one week at a time.

Each step (``CommunityModel.step``), in order:

1. interventions act (:mod:`sim.interventions`); where legacy meetings ran for years, officials'
   practice drifts back toward what it was (:func:`sim.entrenchment.revert_practice`)
2. public issues arise (:func:`sim.issues.arise_issues`) and leaders raise their courtyards'
   proposals (:func:`sim.leadership.raise_proposals`)
3. on a deliberation day (every ``meeting_interval`` steps of the rules in force, if issues are open):
   residents decide whether to take part (:func:`sim.participation.decide_participation`),
   meetings are held (:func:`sim.deliberation.hold_meetings`), officials respond
   (:func:`sim.response.officials_respond`), residents learn (:func:`sim.attitudes.learn_from_meetings`),
   the deliberated issues close and rungs are recorded (:mod:`sim.ladder`)
4. every resident's habit of taking part fades (:func:`sim.habit.fade_habit`)
5. issues nobody discussed for ``issues.max_age`` steps are decided by cadres alone
6. leaders emerge and step down (:mod:`sim.leadership`)
7. organisations found, recruit, convert, decay, dissolve (:mod:`sim.organisations`)
8. interventions' after-step hooks run (``Intervention.after_step``, a no-op by default)
9. the reporters record one row (:data:`sim.indicators.REPORTERS`)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from copy import deepcopy

import mesa
import numpy as np
import pandas as pd

from sim.agents import Official, OfficialRole, Organisation, Purpose
from sim.attitudes import learn_from_meetings, learn_from_unheard
from sim.config import ModelConfig, validate_config
from sim.deliberation import Meetings, hold_meetings
from sim.entrenchment import entrenchment, remember_practice, revert_practice
from sim.habit import fade_habit, record_attendance
from sim.indicators import REPORTERS
from sim.interventions import REGISTRY, Intervention
from sim.issues import Issue, arise_issues, close_issue, expire_issues
from sim.ladder import Response, Rung, ladder_shares
from sim.modes import ONLINE_MODES
from sim.leadership import emerge_leaders, promote, raise_proposals, step_down_leaders
from sim.network import build_network
from sim.microdata import draw_residents
from sim.organisations import update_organisations
from sim.participation import decide_participation
from sim.reporters import WeeklyCollector
from sim.response import Responses, gather_proposals, officials_respond
from sim.roster import LazyResidents
from sim.state import ResidentState
from sim.streams import Streams


class CommunityModel(LazyResidents, mesa.Model):
    """A community of residents, leaders, organisations and officials (see module docstring)."""

    def __init__(self, config: ModelConfig | Mapping | None = None):
        cfg = config if isinstance(config, ModelConfig) else validate_config(config)
        super().__init__(rng=cfg.seed)
        self.config = cfg
        # every rule draws from named streams (common random numbers, sim/streams.py); Mesa's own
        # generator self.rng is left to Mesa and never drawn from by a rule
        self.streams = Streams(cfg.seed, clock=self.current_step)

        net = build_network(cfg, self.streams.generator("network"))
        self.node_labels = net.labels
        self.adjacency = net.adjacency()
        self.degree = np.diff(self.adjacency.indptr)
        draw = draw_residents if cfg.community.residents else ResidentState.draw  # survey microdata or not
        self.state = draw(cfg.community, net.courtyard, net.household, self.streams.generator("residents"))
        self.n_courtyards = int(net.courtyard.max()) + 1
        # residents by courtyard: rows courtyard_rows[courtyard_start[c]:courtyard_start[c + 1]]
        self.courtyard_rows = np.argsort(net.courtyard, kind="stable")
        self.courtyard_start = np.searchsorted(net.courtyard[self.courtyard_rows], np.arange(self.n_courtyards + 1))
        self._roster_for(net)  # model.residents and model.space: built on first use (sim.roster)

        o = cfg.officials
        self.cadres = [Official(self, OfficialRole.CADRE, o.responsiveness, o.admin_load, o.openness,
                                o.power_retained) for _ in range(o.n_cadres)]
        self.street_office = Official(self, OfficialRole.STREET_OFFICE, o.responsiveness, o.admin_load,
                                      o.openness, o.power_retained)
        self.officials = [*self.cadres, self.street_office]
        self.entrenchment = entrenchment(self)  # weight of the legacy meetings' way of working
        remember_practice(self)

        self.organisations_by_id: dict[int, Organisation] = {}
        self.organisation_id_counter = 0
        self.issues: dict[int, Issue] = {}
        self.open_issues_by_id: dict[int, Issue] = {}  # the open ones, in order of arrival
        self._issue_counter = 0
        self.decisions: list[tuple[int, int]] = []  # (step, rung) of every decided issue
        self.meetings: Meetings | None = None
        self.attendees = np.zeros(0, dtype=np.int64)
        self.meeting_log: list[dict[str, np.ndarray]] = []  # one entry per deliberation day
        self.chat_groups: list[tuple[int, np.ndarray]] = []  # (step, courtyards) of online deliberation
        self.is_deliberation_day = False
        self.ladder = ladder_shares(self.state.rung)  # shares of residents by highest rung

        self._choose_initial_leaders()
        self._choose_representatives()
        # the deliberation rules in force: a copy of config.deliberation that programmes may change
        # (e.g. switch to cloud mode, raise facilitation); the config itself stays as it was run
        self.deliberation_rules = dataclasses.replace(cfg.deliberation)
        self.interventions: list[Intervention] = [self._build(name, params) for name, params in cfg.interventions.items()]
        self.datacollector = WeeklyCollector(REPORTERS)

    def _build(self, name: str, params) -> Intervention:
        intervention = REGISTRY[name](params)
        intervention.streams = self.streams.child(intervention.name)
        return intervention

    def branch(self, config: ModelConfig) -> CommunityModel:
        """A copy of this run, continued under ``config``: the same config plus programmes that have
        not started yet (each programme's ``schedule.start`` after the current step). Kept
        programmes carry their state; added ones start fresh, as they would in a run with them from
        the start: every draw comes from keyed streams, so the copy continues exactly as that run
        would (tests/test_branching.py checks it for every programme). Only what a programme tallies
        for its report before its start is missing in the copy (cloud deliberation's "before" figures)."""
        if branch_point(self.config, config) <= self.steps:
            raise ValueError(f"cannot branch at step {self.steps}: the configs differ before it")
        copy = deepcopy(self)
        kept = {iv.name: iv for iv in copy.interventions}
        copy.config = config
        copy.interventions = [kept[name] if name in self.config.interventions else copy._build(name, params)
                              for name, params in config.interventions.items()]
        return copy

    def current_step(self) -> int:
        """The streams' clock (a method, not a closure, so a model can be copied or pickled)."""
        return self.steps

    # -- set-up -------------------------------------------------------------------------------
    def _choose_initial_leaders(self) -> None:
        """Leaders are the active residents: drawn without replacement with weight capacity x interest."""
        k = self.config.leaders.n_initial
        if k == 0:
            return
        w = self.state.capacity * self.state.interest + 1e-9
        promote(self, self.streams.weighted_sample("leaders.initial", np.arange(self.state.n), k, w))

    def _choose_representatives(self) -> None:
        """Council members (council mode) and one representative per household (all-member mode)."""
        s, d = self.state, self.config.deliberation
        score = s.interest + s.capacity + s.is_leader + 0.1 * self.streams.normal("representatives", np.arange(s.n))
        self.council_member = np.zeros(s.n, dtype=bool)
        self.council_member[np.argsort(-score, kind="stable")[: d.council_size]] = True
        self.legacy_member = self.council_member.copy()  # the set-up council: the legacy meeting's members
        order = np.lexsort((-s.interest, s.household))
        first = np.r_[True, s.household[order][1:] != s.household[order][:-1]]
        self.household_representative = np.zeros(s.n, dtype=bool)
        self.household_representative[order[first]] = True
        self.elite_interest_cutoff = float(np.quantile(s.interest, d.elite_interest_quantile))

    @property
    def leader_assignment(self) -> str:
        """The leader-assignment rule in force: ``deliberation_rules.leader_assignment``."""
        return self.deliberation_rules.leader_assignment

    @leader_assignment.setter
    def leader_assignment(self, rule: str) -> None:
        self.deliberation_rules.leader_assignment = rule

    # -- bookkeeping used by the submodels ----------------------------------------------------
    def next_issue_id(self) -> int:
        self._issue_counter += 1
        return self._issue_counter - 1

    def next_organisation_id(self) -> int:
        self.organisation_id_counter += 1
        return self.organisation_id_counter - 1

    def residents_of(self, courtyards: np.ndarray) -> np.ndarray:
        """Rows of the residents living in the given courtyards, ascending."""
        parts = [self.courtyard_rows[self.courtyard_start[c]:self.courtyard_start[c + 1]] for c in courtyards]
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def open_issues(self) -> list[Issue]:
        return list(self.open_issues_by_id.values())

    def organisations(self) -> list[Organisation]:
        return list(self.organisations_by_id.values())

    def public_good_member(self) -> np.ndarray:
        """Boolean per resident: member of a public-good organisation."""
        public = np.zeros(self.organisation_id_counter + 1, dtype=bool)
        for org in self.organisations_by_id.values():
            public[org.org_id] = org.purpose is Purpose.PUBLIC_GOOD
        return public[self.state.organisation]  # index -1 hits the trailing False

    # -- the weekly step ----------------------------------------------------------------------
    def step(self) -> None:
        for intervention in self.interventions:
            intervention.step(self)
        revert_practice(self)
        arise_issues(self)
        raise_proposals(self)
        self.meetings, self.attendees = None, np.zeros(0, dtype=np.int64)
        self.state.rung_now[:] = Rung.MANIPULATION
        self.is_deliberation_day = (self.steps % self.deliberation_rules.meeting_interval == 0
                                    and bool(self.open_issues()))
        if self.is_deliberation_day:
            self.deliberation_day()
        fade_habit(self.state, self.config.participation)
        for issue in expire_issues(self):
            learn_from_unheard(self, issue.touched)
        emerge_leaders(self)
        step_down_leaders(self)
        update_organisations(self)
        for intervention in self.interventions:
            intervention.after_step(self)
        self.ladder = ladder_shares(self.state.rung)
        self.datacollector.collect(self)

    def deliberation_day(self) -> None:
        """Participation, meetings, responses, learning, and the rungs they reach."""
        s = self.state
        self.attendees = decide_participation(self)
        if len(self.attendees) == 0:
            return
        self.meetings = meetings = hold_meetings(self, self.attendees)
        responses = officials_respond(meetings, gather_proposals(self, meetings),
                                      self.public_good_member()[meetings.members], self.config.officials,
                                      self.streams)
        record_attendance(s, meetings.members, self.steps, self.config.participation)
        if self.deliberation_rules.mode in ONLINE_MODES:  # the courtyards' chat groups deliberated
            online = meetings.members[s.online[meetings.members]]
            self.chat_groups.append((self.steps, np.unique(s.courtyard[online])))
        learn_from_meetings(self, meetings, responses)
        self.record_rungs(meetings, responses)
        self.meeting_log.append(self._meeting_rows(meetings, responses))

    def record_rungs(self, meetings: Meetings, responses: Responses) -> None:
        """Attendees get their group's rung; when results are published, touched residents who read
        them (chance = interest) reach rung 3; each issue closes at its best group's rung."""
        s = self.state
        s.rung_now[meetings.members] = responses.rung[meetings.member_group]
        for issue_id in np.unique(meetings.issue_id):
            issue = self.issues[int(issue_id)]
            of_issue = meetings.issue_id == issue_id
            rung = Rung(int(responses.rung[of_issue].max()))
            if (responses.response[of_issue] != Response.IGNORED).any():  # results published
                reader = self.streams.uniform("results.read", issue.touched, issue.stream_key) < s.interest[issue.touched]
                told = issue.touched[reader & (s.rung_now[issue.touched] < Rung.INFORMING)]
                s.rung_now[told] = Rung.INFORMING
            close_issue(self, issue, rung)
        np.maximum(s.rung, s.rung_now, out=s.rung)

    def _meeting_rows(self, m: Meetings, r: Responses) -> dict[str, np.ndarray]:
        """The day's rows of the meeting log, as columns (the frame is built once, when asked for)."""
        return {
            "step": np.full(len(m.issue_id), self.steps, dtype=np.int64), "issue_id": m.issue_id,
            "group_size": m.size, "chair": m.chair, "chair_opinion": m.chair_opinion,
            "initial_mean_opinion": m.initial_mean, "final_mean_opinion": m.final_mean,
            "chair_distance": m.chair_distance, "steered": m.steered, "response": r.response, "rung": r.rung,
        }

    # -- results ------------------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "step", np.arange(1, len(df) + 1))
        return df

    def meetings_frame(self) -> pd.DataFrame:
        """One row per discussion group held during the run."""
        days = self.meeting_log or [self._meeting_rows(Meetings.empty(), Responses.empty())]
        return pd.DataFrame({name: np.concatenate([day[name] for day in days]) for name in days[0]})


def branch_point(trunk: ModelConfig, config: ModelConfig) -> int:
    """The first step on which a run of ``config`` may differ from a run of ``trunk``: the earliest
    start of a programme ``config`` adds, when that is all that differs (steps + 1 if nothing
    does); 1 when anything else differs (a parameter, a programme's params, a removed programme)."""
    same_rest = dataclasses.replace(config, interventions=trunk.interventions) == trunk
    kept = all(config.interventions.get(name) == params for name, params in trunk.interventions.items())
    if not (same_rest and kept):
        return 1
    added = [p.schedule.start for name, p in config.interventions.items() if name not in trunk.interventions]
    return min(added, default=config.steps + 1)

