"""Effect estimators on a unit-by-period panel, each returning estimate, standard error,
confidence interval and p-value.

Notation: ``Y`` is (n units x T periods); ``first[i]`` the 0-based period from which unit i is
treated (-1: never); D_it = 1{first_i >= 0 and t >= first_i}; B the pre-test (baseline)
period and P the post-test (last) period of the design; c(i) the unit's cluster: the unit itself,
or its site when whole sites were assigned (cluster at the level of assignment, Abadie, Athey,
Imbens & Wooldridge 2023); b(i) the unit's block when the design assigned within blocks (a
stratified design): difference in means and difference in differences are then the blocked
estimators, with the blocked variance. Units with a missing value in a cell an estimator needs are
left out.

Every point estimate is linear in Y for a given assignment, which randomization inference uses to
invert its test into a confidence interval. The regressions are computed in closed form (numpy)
because re-drawn assignments call them thousands of times; tests/test_experiments_estimators.py
checks them against statsmodels (OLS with HC2 and cluster-robust errors) and linearmodels
(PanelOLS with two-way effects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import stdtr, stdtrit

NEVER = -1


@dataclass(frozen=True)
class Context:
    """What the estimators need besides Y and the assignment (fixed by the design)."""

    baseline: int
    post: int
    cluster: np.ndarray
    confidence: float = 0.95
    block: np.ndarray | None = None  # the design's blocks (stratified designs), else None


@dataclass(frozen=True)
class Estimate:
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float

    @classmethod
    def missing(cls) -> Estimate:
        return cls(*([float("nan")] * 5))

    @classmethod
    def from_t(cls, estimate: float, se: float, df: float, confidence: float) -> Estimate:
        """t-based interval and two-sided p-value."""
        if not (np.isfinite(se) and se > 0 and df > 0):
            return cls(float(estimate), float(se), float("nan"), float("nan"), float("nan"))
        q = stdtrit(df, 0.5 + confidence / 2)
        p = 2 * stdtr(df, -abs(estimate / se))
        return cls(float(estimate), float(se), float(estimate - q * se), float(estimate + q * se), float(p))

    def covers(self, value: float) -> bool:
        return bool(self.ci_low <= value <= self.ci_high)


def treated_panel(first: np.ndarray, n_periods: int) -> np.ndarray:
    """D_it as floats."""
    t = np.arange(n_periods)
    return ((first[:, None] >= 0) & (t[None, :] >= first[:, None])).astype(float)


def _codes(cluster: np.ndarray) -> np.ndarray:
    return np.unique(cluster, return_inverse=True)[1]


def _clustered_se(x: np.ndarray, resid: np.ndarray, codes: np.ndarray, n_params: int) -> tuple[float, int]:
    """CR1 standard error of the slope of a regression whose regressor, partialled out of the other
    regressors (Frisch-Waugh-Lovell), is x: sqrt(c sum_g (sum_{i in g} x_i e_i)^2) / sum x_i^2 with
    c = G/(G-1) (N-1)/(N-K) (Cameron & Miller 2015, eq. 11-12; statsmodels' "cluster"); and G."""
    n_clusters, n = int(codes.max()) + 1, len(x)
    sums = np.bincount(codes, weights=x * resid, minlength=n_clusters)
    c = n_clusters / (n_clusters - 1) * (n - 1) / (n - n_params)
    return float(np.sqrt(c * (sums ** 2).sum()) / (x ** 2).sum()), n_clusters


def _regression_effect(y: np.ndarray, d: np.ndarray, cluster: np.ndarray, confidence: float) -> Estimate:
    """OLS of y on (1, d): the coefficient of d, mean(y | d=1) - mean(y | d=0), with HC2 errors
    (= Neyman's conservative variance s1^2/n1 + s0^2/n0, t with n-2 df) or, when units share
    clusters, CR1 cluster-robust errors (t with G-1 df; Cameron & Miller 2015)."""
    keep = np.isfinite(y)
    y, d, codes = y[keep], d[keep].astype(bool), _codes(cluster[keep])
    n1, n0 = d.sum(), (~d).sum()
    if n1 < 2 or n0 < 2:
        return Estimate.missing()
    tau = y[d].mean() - y[~d].mean()
    if codes.max() + 1 == len(y):
        se = np.sqrt(y[d].var(ddof=1) / n1 + y[~d].var(ddof=1) / n0)
        return Estimate.from_t(tau, se, len(y) - 2, confidence)
    if codes.max() + 1 < 3:
        return Estimate.missing()
    x = d - d.mean()
    resid = y - np.where(d, y[d].mean(), y[~d].mean())
    se, n_clusters = _clustered_se(x, resid, codes, 2)
    return Estimate.from_t(tau, se, n_clusters - 1, confidence)


def _ever_treated(first: np.ndarray, ctx: Context) -> np.ndarray:
    return ((first >= 0) & (first <= ctx.post)).astype(float)


def _mean_gap(y: np.ndarray, d: np.ndarray) -> float:
    keep = np.isfinite(y)
    y, d = y[keep], d[keep].astype(bool)
    if not d.any() or d.all():
        return float("nan")
    return float(y[d].mean() - y[~d].mean())


def _block_cells(y: np.ndarray, d: np.ndarray, block: np.ndarray):
    """Per block: units, treated, controls, and the arms' means and variances (ddof 1)."""
    keep = np.isfinite(y)
    y, d, codes = y[keep], d[keep].astype(bool), _codes(block[keep])
    n_blocks = int(codes.max()) + 1 if len(codes) else 0
    cells = []
    for arm in (d, ~d):
        n = np.bincount(codes[arm], minlength=n_blocks).astype(float)
        total = np.bincount(codes[arm], weights=y[arm], minlength=n_blocks)
        squares = np.bincount(codes[arm], weights=y[arm] ** 2, minlength=n_blocks)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / n
            var = (squares - n * mean ** 2) / (n - 1)
        cells.append((n, mean, var))
    return cells


def _blocked_gap(y: np.ndarray, d: np.ndarray, block: np.ndarray) -> float:
    """tau_B = sum_b (n_b / n) (mean(y | d=1, b) - mean(y | d=0, b)); nan if a block lacks an arm."""
    (n1, m1, _), (n0, m0, _) = _block_cells(y, d, block)
    if len(n1) == 0 or (n1 < 1).any() or (n0 < 1).any():
        return float("nan")
    w = (n1 + n0) / (n1 + n0).sum()
    return float((w * (m1 - m0)).sum())


def _blocked_effect(y: np.ndarray, d: np.ndarray, block: np.ndarray, confidence: float) -> Estimate:
    """The blocked estimator tau_B = sum_b w_b tau_b, w_b = n_b / n, with the blocked Neyman variance
    sum_b w_b^2 (s1b^2 / n1b + s0b^2 / n0b) and t with n - 2B df (Gerber & Green 2012, ch. 4, block
    random assignment). A block with a single treated unit or a single control has no variance of
    its own: the interval then uses the unblocked Neyman variance (conservative when the blocks
    explain the outcome), with n - 2 df. Missing if a block lacks an arm."""
    (n1, m1, v1), (n0, m0, v0) = _block_cells(y, d, block)
    if len(n1) == 0 or (n1 < 1).any() or (n0 < 1).any():
        return Estimate.missing()
    n_b = n1 + n0
    w = n_b / n_b.sum()
    tau = float((w * (m1 - m0)).sum())
    if (n1 < 2).any() or (n0 < 2).any():
        keep = np.isfinite(y)
        y, d = y[keep], d[keep].astype(bool)
        se = np.sqrt(y[d].var(ddof=1) / d.sum() + y[~d].var(ddof=1) / (~d).sum())
        return Estimate.from_t(tau, float(se), len(y) - 2, confidence)
    se = float(np.sqrt((w ** 2 * (np.maximum(v1, 0) / n1 + np.maximum(v0, 0) / n0)).sum()))
    return Estimate.from_t(tau, se, n_b.sum() - 2 * len(n_b), confidence)


def _two_arm_effect(y: np.ndarray, d: np.ndarray, ctx: Context) -> Estimate:
    """The blocked estimator for a blocked design, else the regression on (1, d)."""
    if ctx.block is not None:
        return _blocked_effect(y, d, ctx.block, ctx.confidence)
    return _regression_effect(y, d, ctx.cluster, ctx.confidence)


def _two_arm_gap(y: np.ndarray, d: np.ndarray, ctx: Context) -> float:
    return _blocked_gap(y, d, ctx.block) if ctx.block is not None else _mean_gap(y, d)


# -- difference in means ----------------------------------------------------------------------
def difference_in_means_point(Y, first, ctx) -> float:
    return _two_arm_gap(Y[:, ctx.post], _ever_treated(first, ctx), ctx)


def difference_in_means(Y: np.ndarray, first: np.ndarray, ctx: Context) -> Estimate:
    """Post-test difference in means, tau = mean(Y_iP | treated) - mean(Y_iP | control)
    (Neyman 1923; Gerber & Green 2012, eq. 3.4 and 3.6 for the variance); blocked in a blocked design."""
    return _two_arm_effect(Y[:, ctx.post], _ever_treated(first, ctx), ctx)


# -- difference in differences ----------------------------------------------------------------
def difference_in_differences_point(Y, first, ctx) -> float:
    return _two_arm_gap(Y[:, ctx.post] - Y[:, ctx.baseline], _ever_treated(first, ctx), ctx)


def difference_in_differences(Y: np.ndarray, first: np.ndarray, ctx: Context) -> Estimate:
    """Pre-test/post-test difference in differences on change scores,
    tau = mean(Y_iP - Y_iB | treated) - mean(Y_iP - Y_iB | control)
    (Card & Krueger 1994; Angrist & Pischke 2009, ch. 5); errors as in difference in means."""
    change = Y[:, ctx.post] - Y[:, ctx.baseline]
    return _two_arm_effect(change, _ever_treated(first, ctx), ctx)


# -- two-way fixed effects --------------------------------------------------------------------
def _two_way_demean(a: np.ndarray) -> np.ndarray:
    return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()


def _complete(Y: np.ndarray) -> np.ndarray:
    return np.isfinite(Y).all(axis=1)


def twfe_point(Y, first, ctx) -> float:
    keep = _complete(Y)
    dd = _two_way_demean(treated_panel(first[keep], Y.shape[1]))
    denom = (dd ** 2).sum()
    return float((dd * _two_way_demean(Y[keep])).sum() / denom) if denom > 1e-12 else float("nan")


def twfe(Y: np.ndarray, first: np.ndarray, ctx: Context) -> Estimate:
    """Naive two-way fixed effects, Y_it = a_i + l_t + beta D_it + e_it, fitted by OLS on the
    two-way demeaned panel (Frisch-Waugh-Lovell; fixed effects absorbed), CR1 errors clustered by
    c(i) with the factor G/(G-1) and t with G-1 df; the absorbed unit effects are nested in the
    clusters and not counted as parameters (Cameron & Miller 2015, sec. VI.B). With staggered
    timing and effects that change over time beta is a weighted average of 2x2 comparisons, some
    with negative weights, and can be far from any average effect (Goodman-Bacon 2021;
    de Chaisemartin & D'Haultfoeuille 2020)."""
    keep = _complete(Y)
    n_periods = Y.shape[1]
    dd = _two_way_demean(treated_panel(first[keep], n_periods)).ravel()
    denom = (dd ** 2).sum()
    groups = np.repeat(_codes(ctx.cluster[keep]), n_periods)
    if denom < 1e-12 or groups.max() + 1 < 3:
        return Estimate.missing()
    yy = _two_way_demean(Y[keep]).ravel()
    beta = (dd * yy).sum() / denom
    se, n_clusters = _clustered_se(dd, yy - beta * dd, groups, 1)
    return Estimate.from_t(beta, se, n_clusters - 1, ctx.confidence)


# -- Callaway & Sant'Anna group-time effects ---------------------------------------------------
@dataclass
class CohortPanel:
    """ATT(g, t) of every cohort g (units first treated in period g) at every period t, on the
    complete-case panel, with what their influence functions need."""

    Y: np.ndarray
    first: np.ndarray
    cluster: np.ndarray
    groups: np.ndarray  # cohorts g >= 1 (0-based periods)
    att: np.ndarray  # (cohorts x T); NaN at the base period t = g - 1
    share: np.ndarray  # p_g = n_g / n
    never: np.ndarray  # never-treated units (the comparison group)

    @property
    def n(self) -> int:
        return len(self.first)


def group_time_effects(Y: np.ndarray, first: np.ndarray, cluster: np.ndarray) -> CohortPanel:
    """ATT(g, t) = E[Y_t - Y_{g-1} | G = g] - E[Y_t - Y_{g-1} | never treated] for every cohort g
    and period t != g-1 (universal base period g-1; never-treated controls, no covariates;
    Callaway & Sant'Anna 2021, eq. 2.6 unconditional). A cohort treated from the first period has
    no base period and is left out."""
    keep = _complete(Y) & (first != 0)
    Y, first, cluster = Y[keep], first[keep], cluster[keep]
    never = first == NEVER
    groups = np.unique(first[first > 0]) if never.sum() >= 2 else np.zeros(0, dtype=np.int64)
    if len(groups) == 0:
        return CohortPanel(Y, first, cluster, groups, np.zeros((0, Y.shape[1])), np.zeros(0), never)
    cohort_mean = np.stack([Y[first == g].mean(axis=0) for g in groups])
    control_mean = Y[never].mean(axis=0)
    rows, base = np.arange(len(groups)), groups - 1
    att = (cohort_mean - cohort_mean[rows, base][:, None]) - (control_mean[None, :] - control_mean[base][:, None])
    att[rows, base] = np.nan
    share = np.array([(first == g).mean() for g in groups])
    return CohortPanel(Y, first, cluster, groups, att, share, never)


def aggregate(panel: CohortPanel, select: np.ndarray) -> tuple[float, np.ndarray]:
    """theta = sum_k w_k ATT(g_k, t_k) over the selected cells (a cohorts x T mask), with weights
    w_k = p_g(k) / S, S = sum_k p_g(k); and its influence function, which adds the estimation of
    the weights (Callaway & Sant'Anna 2021, sec. 4). Per cohort g with m_g selected periods, let
    A_i = sum_{t selected} (Y_it - Y_i,g-1) and B_g = sum_{t selected} ATT(g, t); then
    psi_i = sum_g [1{G_i=g} (A_i - mean_g A) - p_g/p_C 1{C_i} (A_i - mean_C A)
                   + (1{G_i=g} - p_g)(B_g - theta m_g)] / S,
    so that theta_hat - theta = mean(psi) + o_p(n^-1/2)."""
    select = select & np.isfinite(panel.att)
    m = select.sum(axis=1)
    total = float((panel.share * m).sum())
    if total == 0:
        return float("nan"), np.zeros(panel.n)
    b = np.where(select, panel.att, 0.0).sum(axis=1)
    theta = float((panel.share * b).sum() / total)
    p_c = panel.never.mean()
    psi = np.zeros(panel.n)
    for k, g in enumerate(panel.groups):
        if m[k] == 0:
            continue
        in_g = panel.first == g
        a = panel.Y[:, select[k]].sum(axis=1) - m[k] * panel.Y[:, g - 1]
        psi += in_g * (a - a[in_g].mean()) - panel.share[k] / p_c * panel.never * (a - a[panel.never].mean())
        psi += (in_g - panel.share[k]) * (b[k] - theta * m[k])
    return theta, psi / total


def _after(panel: CohortPanel, e: int | None = None) -> np.ndarray:
    """Cells t >= g (e None), or the cells e periods after treatment starts, t - g = e."""
    gap = np.arange(panel.att.shape[1])[None, :] - panel.groups[:, None]
    return gap >= 0 if e is None else gap == e


def _influence_estimate(theta: float, psi: np.ndarray, cluster: np.ndarray, confidence: float) -> Estimate:
    """Cluster-robust variance from the influence function, V = G/(G-1) sum_c (sum_{i in c} psi_i)^2 / n^2,
    t with G-1 df."""
    if not np.isfinite(theta):
        return Estimate.missing()
    codes = _codes(cluster)
    n_clusters = codes.max() + 1
    if n_clusters < 3:
        return Estimate.missing()
    sums = np.bincount(codes, weights=psi)
    se = np.sqrt(n_clusters / (n_clusters - 1) * (sums ** 2).sum()) / len(psi)
    return Estimate.from_t(theta, se, n_clusters - 1, confidence)


def callaway_santanna_point(Y, first, ctx) -> float:
    panel = group_time_effects(Y, first, ctx.cluster)
    select = _after(panel) & np.isfinite(panel.att)
    total = (panel.share * select.sum(axis=1)).sum()
    return float((panel.share * np.where(select, panel.att, 0.0).sum(axis=1)).sum() / total) if total else float("nan")


def callaway_santanna(Y: np.ndarray, first: np.ndarray, ctx: Context) -> Estimate:
    """Average of the post-treatment ATT(g, t), weighted by cohort size ("simple" aggregation of
    Callaway & Sant'Anna 2021): the mean effect over treated unit-periods."""
    panel = group_time_effects(Y, first, ctx.cluster)
    theta, psi = aggregate(panel, _after(panel))
    return _influence_estimate(theta, psi, panel.cluster, ctx.confidence)


def event_study(Y: np.ndarray, first: np.ndarray, ctx: Context) -> dict[int, Estimate]:
    """Dynamic aggregation theta(e) = sum_g w_g ATT(g, g+e), weights by cohort size among cohorts
    observed e periods after (before) treatment (Callaway & Sant'Anna 2021, eq. 3.4); e = -1 is the
    base period and is not estimated."""
    panel = group_time_effects(Y, first, ctx.cluster)
    if len(panel.groups) == 0:
        return {}
    gaps = np.arange(panel.att.shape[1])[None, :] - panel.groups[:, None]
    out = {}
    for e in sorted(set(gaps[np.isfinite(panel.att)].tolist())):
        theta, psi = aggregate(panel, _after(panel, e))
        out[e] = _influence_estimate(theta, psi, panel.cluster, ctx.confidence)
    return out


# -- randomization inference -------------------------------------------------------------------
def randomization_inference(Y: np.ndarray, first: np.ndarray, ctx: Context, statistic: str,
                            redraw: Callable[[], np.ndarray], draws: int) -> Estimate:
    """Fisher randomization test of the sharp null of no effect for any unit: the statistic (a point
    estimator above) is recomputed on ``draws`` assignments A_m re-drawn from the design actually
    used; p = (1 + #{|T_m| >= |T_obs|}) / (1 + draws) (Gerber & Green 2012, sec. 3.4; Young 2019).
    The interval inverts the test of a constant effect tau on treated unit-periods
    (Y(0) = Y - tau D): each statistic is linear in Y and equals 1 on its own treatment indicator,
    so under the hypothesis T_m - tau = T(Y, A_m) - tau T(D_obs, A_m), compared with T_obs - tau;
    the interval is every tau with p(tau) > 1 - confidence, on a grid of 1,601 points over
    +-8 null sd (Rosenbaum 2002, ch. 2; Gerber & Green 2012, sec. 3.5). The standard error is the
    sd of the null distribution."""
    point = POINT_ESTIMATORS[statistic]
    d_obs = treated_panel(first, Y.shape[1])
    t_obs = point(Y, first, ctx)
    if not np.isfinite(t_obs):
        return Estimate.missing()
    a, b = np.empty(draws), np.empty(draws)
    for m in range(draws):
        f_m = redraw()
        a[m], b[m] = point(Y, f_m, ctx), point(d_obs, f_m, ctx)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if len(a) < 2:
        return Estimate.missing()
    tol = 1e-10 * (1 + abs(t_obs))
    p_value = (1 + np.sum(np.abs(a) >= abs(t_obs) - tol)) / (1 + len(a))
    se = float(a.std(ddof=1))
    scale = se if se > 0 else max(abs(t_obs), 1e-6)
    tau = t_obs + scale * np.linspace(-8, 8, 1601)
    null = np.abs(a[None, :] - tau[:, None] * b[None, :])
    p_tau = (1 + np.sum(null >= np.abs(t_obs - tau)[:, None] - tol, axis=1)) / (1 + len(a))
    accepted = tau[p_tau > 1 - ctx.confidence]
    low, high = (accepted.min(), accepted.max()) if len(accepted) else (float("nan"), float("nan"))
    return Estimate(float(t_obs), se, float(low), float(high), float(p_value))


POINT_ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray, Context], float]] = {
    "difference_in_means": difference_in_means_point,
    "difference_in_differences": difference_in_differences_point,
    "twfe": twfe_point,
    "callaway_santanna": callaway_santanna_point,
}
ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray, Context], Estimate] | None] = {
    "difference_in_means": difference_in_means,
    "difference_in_differences": difference_in_differences,
    "twfe": twfe,
    "callaway_santanna": callaway_santanna,
    "randomization_inference": None,  # needs the design: see randomization_inference()
}
# what each estimator targets: the ATT at the post-test, or the ATT over all treated unit-periods
ESTIMANDS = {
    "difference_in_means": "post",
    "difference_in_differences": "post",
    "twfe": "cells",
    "callaway_santanna": "cells",
}
