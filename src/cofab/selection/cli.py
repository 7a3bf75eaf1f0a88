"""``cofab select``: score and rank partner candidates from a JSON file, no database needed."""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from cofab.core.i18n import N_, cli_locale, translate
from cofab.selection.aggregation import AGGREGATION_LABELS
from cofab.selection.analysis import METHODS, Analysis, analyse
from cofab.selection.analysis_export import analysis_as_dict
from cofab.selection.evaluation_document import load_evaluation
from cofab.selection.montecarlo import (
    DEFAULT_CONCENTRATION,
    DEFAULT_DRAWS,
    MSG_CONCENTRATION,
    MSG_DRAWS,
)
from cofab.selection.problems import Problem, SelectionInputError
from cofab.selection.robustness import FlipTable

app = typer.Typer(
    help="Partner selection: rank candidates by weighted sum and TOPSIS, test robustness.",
    no_args_is_help=True,
)

T_PROBLEMS = N_("The evaluation has {count} problem(s); nothing was computed:")
T_WEIGHTS_DIRECT = N_("Weights: set directly")
T_WEIGHTS_AHP = N_("Weights: AHP (λmax {lambda_max:.3f}, CI {ci:.3f}, CR {cr:.3f})")
T_RANKING = N_("Ranking")
T_CANDIDATE = N_("Candidate")
T_WEIGHTED_SUM = N_("Weighted sum")
T_TOPSIS = N_("TOPSIS closeness")
T_RANK = N_("Rank")
T_ROBUST_WEIGHTS = N_(
    "Weight change that changes the leader (other weights rescaled proportionally)"
)
T_LEADER = N_("Leader: weighted sum {ws}, TOPSIS {topsis}")
T_CRITERION = N_("Criterion")
T_WEIGHT = N_("Weight")
T_WS_LOWER = N_("Weighted sum: lower to")
T_WS_RAISE = N_("Weighted sum: raise to")
T_TP_LOWER = N_("TOPSIS: lower to")
T_TP_RAISE = N_("TOPSIS: raise to")
T_NO_CHANGE = N_("no change")
T_FLIP_CELL = N_("{weight:.1f} % ({delta:+.1f} pt) → {candidate}")
T_MONTE_CARLO = N_(
    "Monte Carlo over weights: {draws} Dirichlet draws, concentration {concentration:g}, "
    "seed {seed}"
)
T_P_FIRST_WS = N_("P(first) weighted sum")
T_P_FIRST_TP = N_("P(first) TOPSIS")
T_RANKS_WS = N_("P(rank 1 / 2 / 3) weighted sum")
T_RANKS_TP = N_("P(rank 1 / 2 / 3) TOPSIS")
T_INCOMPLETE = N_("Incomplete candidates (not ranked)")
T_MISSING = N_("Missing")
T_PROVISIONAL = N_("Provisional score")
T_COVERED = N_("Weight scored")
T_WARNINGS = N_("Warnings")
T_PROGRESS = N_("Monte Carlo draws")
T_EVALUATORS = N_("{count} evaluator(s), aggregated by {method}")


@app.callback()
def main() -> None:
    """Partner selection without the database."""


@app.command("rank")
def rank(
    evaluation: Path = typer.Argument(
        ...,
        help="Evaluation JSON: criteria, weights or AHP matrix, candidates, scores "
        "(format: docs/selection-input.md).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the Monte Carlo weight draws."),
    draws: int = typer.Option(DEFAULT_DRAWS, "--draws", help="Number of Monte Carlo draws."),
    concentration: float = typer.Option(
        DEFAULT_CONCENTRATION,
        "--concentration",
        help="Dirichlet concentration: larger means more confidence in the chosen weights.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON instead."),
) -> None:
    """Rank candidates by weighted sum and TOPSIS side by side, with the robustness tables."""
    locale = cli_locale()
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    option_problems: list[Problem] = []
    if draws < 1:
        option_problems.append(Problem("mc_draws", "--draws", MSG_DRAWS, {"draws": draws}))
    if not concentration > 0 or math.isinf(concentration):
        option_problems.append(
            Problem(
                "mc_concentration",
                "--concentration",
                MSG_CONCENTRATION,
                {"concentration": concentration},
            )
        )
    try:
        if option_problems:
            raise SelectionInputError(option_problems)
        parsed = load_evaluation(evaluation)
        n_candidates = len(parsed.candidates)
        if err.is_terminal and not as_json and draws * max(1, n_candidates) >= 5_000_000:
            with Progress(
                TextColumn(translate(T_PROGRESS, locale)),
                BarColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("mc", total=draws)
                result = analyse(
                    parsed,
                    draws=draws,
                    concentration=concentration,
                    seed=seed,
                    progress=lambda done: bar.update(task, completed=done),
                )
        else:
            result = analyse(parsed, draws=draws, concentration=concentration, seed=seed)
    except SelectionInputError as error:
        _print_problems(error.problems, locale, out if as_json else err, as_json)
        raise typer.Exit(1) from None
    if as_json:
        text = json.dumps(analysis_as_dict(result, locale), ensure_ascii=False, indent=2)
        out.print(text, markup=False, highlight=False, soft_wrap=True)
        return
    _print_analysis(result, locale, out)


def _print_problems(
    problems: tuple[Problem, ...], locale: str, console: Console, as_json: bool
) -> None:
    if as_json:
        body = {"errors": [p.as_dict(locale) for p in problems]}
        console.print(json.dumps(body, ensure_ascii=False, indent=2), markup=False, soft_wrap=True)
        return
    console.print(translate(T_PROBLEMS, locale, count=len(problems)), markup=False)
    for problem in problems:
        where = f"{problem.field}: " if problem.field else ""
        console.print(f"  {where}{problem.render(locale)}", markup=False, soft_wrap=True)


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value * 100:.1f} %"


def _print_analysis(result: Analysis, locale: str, out: Console) -> None:
    ev = result.evaluation

    def t(msgid: str, **params: object) -> str:
        return translate(msgid, locale, **params)

    names = [c.name(locale) for c in ev.candidates]
    if ev.title(locale):
        out.print(ev.title(locale), style="bold", markup=False)
    if ev.evaluators and ev.evaluators != ("",):
        out.print(
            t(T_EVALUATORS, count=len(ev.evaluators), method=t(AGGREGATION_LABELS[ev.aggregation]))
        )
    if result.ahp is None:
        out.print(t(T_WEIGHTS_DIRECT))
    else:
        a = result.ahp
        out.print(
            t(
                T_WEIGHTS_AHP,
                lambda_max=a.lambda_max,
                ci=a.consistency_index,
                cr=a.consistency_ratio,
            )
        )

    ws, tp = (result.rankings[m] for m in METHODS)
    ranked = [i for i in range(len(names)) if result.complete[i]]
    ranked.sort(key=lambda i: (ws.rank[i], tp.rank[i]))
    table = Table(title=t(T_RANKING))
    table.add_column(t(T_CANDIDATE))
    table.add_column(t(T_WEIGHTED_SUM), justify="right")
    table.add_column(t(T_RANK), justify="right")
    table.add_column(t(T_TOPSIS), justify="right")
    table.add_column(t(T_RANK), justify="right")
    for i in ranked:
        table.add_row(
            names[i], f"{ws.score[i]:.4f}", str(ws.rank[i]), f"{tp.score[i]:.4f}", str(tp.rank[i])
        )
    out.print(table)

    if result.flips:
        _print_flips(result, names, locale, out)
        _print_monte_carlo(result, names, ranked, locale, out)

    if result.incomplete:
        table = Table(title=t(T_INCOMPLETE))
        for title in (T_CANDIDATE, T_MISSING, T_PROVISIONAL, T_COVERED):
            table.add_column(t(title))
        for item in result.incomplete:
            missing = ", ".join(ev.criteria[j].name(locale) for j in item.missing)
            provisional = (
                "—" if math.isnan(item.provisional_score) else (f"{item.provisional_score:.4f}")
            )
            table.add_row(names[item.index], missing, provisional, _pct(item.weight_covered))
        out.print(table)

    if result.warnings:
        out.print(f"[bold yellow]{t(T_WARNINGS)}[/bold yellow]")
        for warning in result.warnings:
            out.print(f"  {warning.field}: {warning.render(locale)}", markup=False, soft_wrap=True)


def _flip_cell(table: FlipTable, j: int, lower: bool, names: list[str], locale: str) -> str:
    to = table.decrease_to[j] if lower else table.increase_to[j]
    who = table.decrease_leader[j] if lower else table.increase_leader[j]
    if math.isnan(to) or who < 0:
        return translate(T_NO_CHANGE, locale)
    return translate(
        T_FLIP_CELL,
        locale,
        weight=to * 100,
        delta=(to - table.weights[j]) * 100,
        candidate=names[who],
    )


def _print_flips(result: Analysis, names: list[str], locale: str, out: Console) -> None:
    ws, tp = result.flips["weighted_sum"], result.flips["topsis"]
    table = Table(
        title=translate(T_ROBUST_WEIGHTS, locale),
        caption=translate(T_LEADER, locale, ws=names[ws.leader], topsis=names[tp.leader]),
    )
    table.add_column(translate(T_CRITERION, locale))
    table.add_column(translate(T_WEIGHT, locale), justify="right")
    for title in (T_WS_LOWER, T_WS_RAISE, T_TP_LOWER, T_TP_RAISE):
        table.add_column(translate(title, locale))
    for j, criterion in enumerate(result.evaluation.criteria):
        table.add_row(
            criterion.name(locale),
            _pct(result.weights[j]),
            _flip_cell(ws, j, True, names, locale),
            _flip_cell(ws, j, False, names, locale),
            _flip_cell(tp, j, True, names, locale),
            _flip_cell(tp, j, False, names, locale),
        )
    out.print(table)


def _print_monte_carlo(
    result: Analysis, names: list[str], ranked: list[int], locale: str, out: Console
) -> None:
    ws, tp = result.monte_carlo["weighted_sum"], result.monte_carlo["topsis"]
    table = Table(
        title=translate(
            T_MONTE_CARLO,
            locale,
            draws=result.draws,
            concentration=result.concentration,
            seed=result.seed,
        )
    )
    table.add_column(translate(T_CANDIDATE, locale))
    for title in (T_P_FIRST_WS, T_RANKS_WS, T_P_FIRST_TP, T_RANKS_TP):
        table.add_column(translate(title, locale), justify="right")
    for i in ranked:
        table.add_row(
            names[i],
            _pct(ws.first[i]),
            " / ".join(_pct(p) for p in ws.rank_probability[i]),
            _pct(tp.first[i]),
            " / ".join(_pct(p) for p in tp.rank_probability[i]),
        )
    out.print(table)
