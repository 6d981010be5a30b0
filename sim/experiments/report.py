"""The experiment's report: ``report.html`` with its figures as PNG files beside it (also embedded,
so the HTML file alone is complete).

* ``event_study.png``: Callaway-Sant'Anna effects by event time with their intervals, and the
  true effect by event time from the counterfactual runs, per design (columns) and outcome (rows);
* ``estimates_vs_truth.png``: every design and estimator's estimate and interval beside the truth;
* ``replications.png``: coverage rate and bias of each estimator over re-drawn assignments;
* ``power_curve.png``: power against the number treated, and the minimum detectable effect.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.experiments.config import RANKS
from sim.indicators import PERIOD, unit_of

TRUTH_COLOUR, ESTIMATE_COLOUR = "#c0392b", "#1f4e79"


def _save(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=110, bbox_inches="tight")


POLL_UNITS = {"opinion": "scale 0-1", "support": "share of participants", "single_peaked": "share of participants"}


def outcome_unit(outcome: str) -> str:
    """The unit of an experiment outcome: a measure's (sim.indicators) or a poll answer's."""
    if outcome in RANKS:
        return "rank among the communities (1 = highest)"
    found = unit_of(outcome, PERIOD)
    answers = [unit for answer, unit in POLL_UNITS.items() if outcome.startswith(answer + "_")]
    return found or (answers[0] if answers else "outcome units")


def event_study_figure(events: pd.DataFrame, path: Path) -> None:
    designs, outcomes = list(dict.fromkeys(events["design"])), list(dict.fromkeys(events["outcome"]))
    fig = Figure(figsize=(3.4 * len(designs), 2.9 * len(outcomes)), layout="constrained")
    axes = fig.subplots(len(outcomes), len(designs), squeeze=False)
    for i, outcome in enumerate(outcomes):
        for j, design in enumerate(designs):
            ax = axes[i][j]
            d = events[(events["design"] == design) & (events["outcome"] == outcome)].sort_values("event_time")
            err = np.vstack([d["estimate"] - d["ci_low"], d["ci_high"] - d["estimate"]])
            ax.errorbar(d["event_time"], d["estimate"], yerr=err, fmt="o", ms=3, color=ESTIMATE_COLOUR,
                        capsize=2, label="estimate (CS)")
            ax.plot(d["event_time"], d["true_effect"], "-", color=TRUTH_COLOUR, lw=1.5, label="truth")
            ax.axhline(0, color="grey", lw=0.7)
            ax.axvline(-0.5, color="grey", lw=0.7, ls="--")
            ax.set_title(f"{design}: {outcome}", fontsize=9)
            ax.tick_params(labelsize=7)
        axes[i][0].set_ylabel(f"effect ({outcome_unit(outcome)})", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("periods since treatment", fontsize=8)
    axes[0][0].legend(fontsize=7)
    _save(fig, path)


def estimates_figure(effects: pd.DataFrame, path: Path) -> None:
    outcomes = list(dict.fromkeys(effects["outcome"]))
    n_rows = effects.groupby("outcome").size().max()
    fig = Figure(figsize=(3.2 + 3.4 * len(outcomes), 0.3 * n_rows + 1.2), layout="constrained")
    axes = fig.subplots(1, len(outcomes), squeeze=False, sharey=True)[0]
    for k, (ax, outcome) in enumerate(zip(axes, outcomes)):
        d = effects[effects["outcome"] == outcome].reset_index(drop=True)
        y = np.arange(len(d))[::-1]
        err = np.vstack([d["estimate"] - d["ci_low"], d["ci_high"] - d["estimate"]])
        ax.errorbar(d["estimate"], y, xerr=err, fmt="o", ms=4, color=ESTIMATE_COLOUR, capsize=2, label="estimate")
        ax.plot(d["true_effect"], y, "D", ms=5, color=TRUTH_COLOUR, label="truth")
        ax.axvline(0, color="grey", lw=0.7)
        if k == 0:
            ax.set_yticks(y, [f"{a} / {b}" for a, b in zip(d["design"], d["estimator"])], fontsize=7)
        ax.set_title(outcome, fontsize=9)
        ax.set_xlabel(f"effect ({outcome_unit(outcome)})", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    axes[0].legend(fontsize=7)
    _save(fig, path)


def replications_figure(operating: pd.DataFrame, confidence: float, path: Path) -> None:
    outcomes = list(dict.fromkeys(operating["outcome"]))
    n_rows = operating.groupby("outcome").size().max()
    fig = Figure(figsize=(9, (0.3 * n_rows + 1.2) * len(outcomes)), layout="constrained")
    axes = fig.subplots(len(outcomes), 2, squeeze=False)
    for i, outcome in enumerate(outcomes):
        d = operating[operating["outcome"] == outcome].reset_index(drop=True)
        y = np.arange(len(d))[::-1]
        labels = [f"{a} / {b}" for a, b in zip(d["design"], d["estimator"])]
        ax = axes[i][0]
        ax.barh(y, d["coverage"], color=ESTIMATE_COLOUR)
        ax.axvline(confidence, color=TRUTH_COLOUR, lw=1, ls="--")
        ax.set_xlim(0, 1)
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_title(f"{outcome}: coverage of the {confidence:.0%} interval", fontsize=9)
        ax.set_xlabel("share of replications covering the truth", fontsize=8)
        ax = axes[i][1]
        ax.errorbar(d["bias"], y, xerr=d["sd_estimate"], fmt="o", ms=4, color=ESTIMATE_COLOUR, capsize=2)
        ax.axvline(0, color=TRUTH_COLOUR, lw=1, ls="--")
        ax.set_yticks(y, [])
        ax.set_title("mean bias (bars: sd of the estimates)", fontsize=9)
        ax.set_xlabel(f"bias ({outcome_unit(outcome)})", fontsize=8)
        for a in axes[i]:
            a.tick_params(axis="x", labelsize=7)
    _save(fig, path)


def power_figure(power: pd.DataFrame, mde: pd.DataFrame, target: float, label: str, path: Path,
                 unit: str = "outcome units") -> None:
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    additive = power["effect"] == "additive"
    for (effect, size), d in power[additive].groupby(["effect", "effect_size"], sort=False):
        left.plot(d["n_treated"], d["power"], "o-", ms=3, label=f"additive {size:g}")
    none = power[power["effect"] == "none"]
    left.plot(none["n_treated"], none["power"], "o:", ms=3, color="grey", label="no effect (size of the test)")
    sim = power[power["effect"] == "simulated"]
    if len(sim):
        left.plot(sim["n_treated"], sim["power"], "o-", color=TRUTH_COLOUR, lw=2,
                  label=f"simulated bundle (mean true effect {sim['effect_size'].mean():.3g})")
    left.axhline(target, color="grey", ls="--", lw=0.8)
    left.set_ylim(0, 1)
    left.set_xlabel(label)
    left.set_ylabel("power (share of replications rejecting no effect)")
    left.legend(fontsize=7)
    right.plot(mde["n_treated"], mde["mde_bloom"], "o-", label="Bloom: 2.8 x design SE")
    right.plot(mde["n_treated"], mde["mde_simulated"], "s--", label="simulated")
    if len(sim):
        right.axhline(abs(sim["effect_size"].mean()), color=TRUTH_COLOUR, lw=1, label="|simulated bundle's effect|")
    right.set_xlabel(label)
    right.set_ylabel(f"minimum detectable effect ({unit}, {target:.0%} power)")
    right.legend(fontsize=7)
    _save(fig, path)


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda x: f"{x:.4g}", na_rep="", border=0, classes="t")


def _image(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)} (<a href=\"{path.name}\">{path.name}</a>)</figcaption></figure>")


NOTES = {
    "communities": (
        "Each unit is a simulated community (sim.model.CommunityModel) with its own seed; treated "
        "communities are also run untreated from the same seed, so the true effect on the treated is "
        "known. Outcomes are community indicators per period (docs/experiments.md, Measurement)."),
    "poll": (
        "Each unit is a poll participant. Treated participants deliberate in randomly formed groups with "
        "the model's discussion rule (sim.deliberation.discuss); controls are surveyed twice. That views "
        "on a salient issue move less, and where the briefing points, are assumptions of the model."),
}


def write_report(outdir: Path, plan, results) -> Path:
    exp = plan.exp
    parts = [f"<h1>Experiment {html.escape(exp.name)}</h1>",
             f"<p>{exp.n_units} units ({exp.kind}), {exp.n_periods} periods, seed {plan.seed}, "
             f"designs: {', '.join(exp.designs)}; treatment: {', '.join(exp.treatment) or 'deliberation'}.</p>",
             f"<p>{html.escape(NOTES[exp.kind])}</p>",
             "<h2>Estimates and the truth</h2>",
             "<p>bias = estimate - true effect; covered: the interval contains the true effect.</p>"]
    estimates_figure(results.effects, outdir / "estimates_vs_truth.png")
    parts.append(_image(outdir / "estimates_vs_truth.png", "Estimates with intervals, and the true effect"))
    cols = ["design", "outcome", "estimator", "estimate", "std_error", "ci_low", "ci_high", "p_value",
            "true_effect", "bias", "covered", "n_treated"]
    parts.append(_table(results.effects[cols]))
    parts.append("<h2>Outcome means by arm</h2><p>pre_test: the period before treatment; post_test: the last "
                 "period; post_test_untreated: the same units' counterfactual runs.</p>")
    parts.append(_table(results.means))
    if results.interference is not None:
        parts.append("<h2>Interference: direct and spillover effects</h2><p>At the post-test, against a "
                     "district where nobody is treated: the direct effect on the treated, the spillover on "
                     "the controls (with and without a treated community in their street office), and their "
                     "difference, which an estimator assuming no interference targets. Its bias against the "
                     "direct effect is the spillover on the controls it compares with.</p>")
        parts.append(_table(results.interference))
    if results.saturation is not None and len(results.saturation):
        parts.append("<h2>Saturation design: effects against pure-control street offices</h2><p>For each "
                     "saturation level, the treated and the untreated of its offices against the offices "
                     "with nobody treated, on change scores with errors clustered by office; the truth nets "
                     "out what reaches the pure controls too (the district's training).</p>")
        parts.append(_table(results.saturation.drop(columns=["contrast"])))
    parts.append("<h2>Event study</h2><p>Group-time effects aggregated by periods since treatment "
                 "(Callaway &amp; Sant'Anna 2021), base period -1, with the true effect by event time.</p>")
    event_study_figure(results.events, outdir / "event_study.png")
    parts.append(_image(outdir / "event_study.png", "Event-study estimates and the truth"))
    if results.operating is not None:
        parts.append(f"<h2>Bias and coverage over {exp.truth.replications} re-drawn assignments</h2>"
                     "<p>Each design is re-drawn; every draw is estimated and compared with its own "
                     "true effect.</p>")
        replications_figure(results.operating, exp.confidence, outdir / "replications.png")
        parts.append(_image(outdir / "replications.png", "Coverage and bias of each design and estimator"))
        parts.append(_table(results.operating))
    if results.power is not None:
        design = exp.designs[exp.power.design]
        parts.append(f"<h2>Power: {html.escape(exp.power.design)} design, {html.escape(exp.power.estimator)}, "
                     f"{html.escape(exp.power.outcome)}</h2>")
        power_figure(results.power, results.mde, exp.power.target_power, design.treated_label,
                     outdir / "power_curve.png", outcome_unit(exp.power.outcome))
        parts.append(_image(outdir / "power_curve.png", "Power curve and minimum detectable effect"))
        parts.append(_table(results.mde))
        power = results.power.assign(scenario=[
            f"additive {size:g}" if effect == "additive" else effect
            for effect, size in zip(results.power["effect"], results.power["effect_size"])])
        wide = power.pivot_table(index="n_treated", columns="scenario", values="power", sort=False)
        parts.append("<p>Power by effect scenario (none: the share of false rejections).</p>")
        parts.append(_table(wide.reset_index()))
    if results.heterogeneity is not None and len(results.heterogeneity):
        from sim.experiments.heterogeneity import figure as heterogeneity_figure

        parts.append("<h2>Effect heterogeneity</h2><p>Each community's true effect at the post-test "
                     "(its treated run minus its untreated run; common random numbers make the "
                     "difference the treatment's alone), against the community's attributes. The fit: "
                     "change in the effect per standard deviation of each attribute (OLS).</p>")
        heterogeneity_figure(results.heterogeneity, outdir / "heterogeneity.png")
        parts.append(_image(outdir / "heterogeneity.png", "True effect by community attribute"))
        parts.append(_table(results.heterogeneity_fit))
    style = ("body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em}"
             "table.t{border-collapse:collapse;font-size:12px}table.t td,table.t th{padding:2px 6px;"
             "border-bottom:1px solid #ddd;text-align:right}img{max-width:100%}figcaption{font-size:12px}")
    page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(exp.name)}</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
    path = outdir / "report.html"
    path.write_text(page)
    return path
