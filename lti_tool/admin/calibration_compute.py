"""What a calibration run computes, from responses and a snapshot of the items (no database).

- operational items (every answered item that is not a pilot): Bayes-modal EM
  (``item_bank.irt.calibration.calibrate``), the prior mean of ``b`` being the item's expert
  difficulty (``ItemRecord.difficulty_prior``); item fit on the same data; a drift check of the
  items that already had parameters, against those stored parameters;
- pilot items (``piloted`` without parameters, whose responses never counted): online calibration
  (MEM) with the operational items fixed at their new values, so that everything applied together
  is on one scale; a pilot is *ready* for promotion with enough responses, small enough standard
  errors and no misfit.

The result is plain JSON (stored in ``CalibrationRun.result``): one line per item with its
parameters before and after, standard errors, number of responses, fit, drift and readiness, and
whether applying the run writes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from item_bank.irt.calibration import (
    ItemParameters,
    Priors,
    ResponseData,
    calibrate,
    calibrate_online,
    check_drift,
    item_fit,
)
from item_bank.irt.models import Model

#: ``progress(fraction, message_code)``; message codes are translated by ``labels.run_message``.
Progress = Callable[[float, str], None]

DEFAULTS: dict[str, Any] = {
    "model": "2PL",
    "min_pilot_responses": 100,
    "max_se": 0.5,
    "fit_alpha": 0.01,
    "max_iter": 500,
}


class CalibrationFailed(Exception):
    """A run that cannot produce results; ``code`` is its stored message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ItemSnapshot:
    """What a run needs to know of an item, read once at the start."""

    id: str
    topic: str
    level: int
    status: str
    prior: float
    params: dict[str, Any] | None  # stored parameters (model, a, b, c, se_a, se_b, n) or None

    @property
    def pilot(self) -> bool:
        # The pool serves these items unscored (``lti_tool.quiz.pool``): the ones to calibrate
        # online rather than in the batch.
        return self.status == "piloted" and self.params is None


def _num(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else round(number, 6)


class _Stage:
    """Turns EM cycles into a fraction between ``start`` and ``end``: the log of the largest
    change, from the first cycle's down to the tolerance, is a fair measure of the way left."""

    def __init__(self, progress: Progress, code: str, start: float, end: float, tol: float):
        self.progress, self.code = progress, code
        self.start, self.end, self.tol = start, end, tol
        self.first: float | None = None
        self.done = 0.0

    def __call__(self, cycle: int, max_cycles: int, delta: float) -> None:
        delta = max(delta, 1e-12)
        if self.first is None:
            self.first = max(delta, self.tol * 10)
        span = math.log(self.first / self.tol)
        by_delta = math.log(self.first / delta) / span if span > 0 else 1.0
        self.done = max(self.done, min(max(by_delta, cycle / max_cycles), 0.99))
        fraction = self.start + (self.end - self.start) * self.done
        self.progress(fraction, f"{self.code}:{cycle}:{delta:.2g}")


def compute(
    items: dict[str, ItemSnapshot],
    triples: Sequence[tuple[str, str, bool]],
    settings: dict[str, Any],
    progress: Progress,
) -> dict[str, Any]:
    """Calibrate (see the module docstring); raise ``CalibrationFailed`` when it cannot."""
    settings = {**DEFAULTS, **settings}
    model = Model(settings["model"])
    triples = [t for t in triples if t[1] in items]
    if not triples:
        raise CalibrationFailed("no_data")
    data = ResponseData.from_triples(triples, duplicates="first")
    pilot_ids = [i for i in data.item_ids if items[i].pilot]
    op_ids = [i for i in data.item_ids if not items[i].pilot]
    if not op_ids:
        raise CalibrationFailed("no_operational")

    op_data = data.subset_items(op_ids)
    priors = Priors(b_levels={i: items[i].prior for i in data.item_ids})
    em = calibrate(
        op_data,
        model,
        priors,
        max_iter=int(settings["max_iter"]),
        on_iteration=_Stage(progress, "em", 0.05, 0.6, 1e-4),
    )
    progress(0.62, "fit")
    fit = item_fit(op_data, em, alpha=float(settings["fit_alpha"]))
    # Items left at their prior (too few responses) keep their stored parameters as anchors.
    est = {i: k for k, i in enumerate(em.params.item_ids)}
    anchor_a, anchor_b, anchor_c = [], [], []
    for i in op_ids:
        k = est[i]
        stored = items[i].params
        if em.status[k] == "prior" and stored is not None:
            anchor_a.append(stored["a"])
            anchor_b.append(stored["b"])
            anchor_c.append(stored["c"])
        else:
            anchor_a.append(em.params.a[k])
            anchor_b.append(em.params.b[k])
            anchor_c.append(em.params.c[k])
    anchor = ItemParameters.build(op_ids, anchor_a, anchor_b, anchor_c, model)

    progress(0.7, "drift")
    drift = _drift(op_data, items)

    lines = []
    for i in op_ids:
        k = est[i]
        lines.append(
            _line(
                items[i],
                "operational",
                n=int(em.n_responses[k]),
                estimate=em.status[k],
                after=(em.params.a[k], em.params.b[k], em.params.c[k]),
                se=(em.se_a[k], em.se_b[k], em.se_c[k]),
                fit=_fit_of(fit, k),
                drift=drift.get(i),
                model=model,
            )
        )
    online_info = None
    if pilot_ids:
        online = calibrate_online(
            data,
            anchor,
            pilot_items=pilot_ids,
            model=model,
            priors=priors,
            on_iteration=_Stage(progress, "online", 0.75, 0.95, 1e-3),
        )
        online_info = {"cycles": online.cycles, "converged": bool(online.converged)}
        combined = ItemParameters.build(
            (*anchor.item_ids, *online.params.item_ids),
            np.concatenate([anchor.a, online.params.a]),
            np.concatenate([anchor.b, online.params.b]),
            np.concatenate([anchor.c, online.params.c]),
            model,
        )
        pilot_fit = item_fit(data, combined, alpha=float(settings["fit_alpha"]))
        fit_index = {i: k for k, i in enumerate(pilot_fit.item_ids)}
        for k, i in enumerate(online.params.item_ids):
            line = _line(
                items[i],
                "pilot",
                n=int(online.n_responses[k]),
                estimate=online.status[k],
                after=(online.params.a[k], online.params.b[k], online.params.c[k]),
                se=(online.se_a[k], online.se_b[k], online.se_c[k]),
                fit=_fit_of(pilot_fit, fit_index[i]),
                drift=None,
                model=model,
            )
            _readiness(line, settings, model)
            lines.append(line)
    progress(0.98, "fit")
    return {
        "model": model.value,
        "settings": settings,
        "n_responses": data.n_obs,
        "n_persons": data.n_persons,
        "n_operational": len(op_ids),
        "n_pilot": len(pilot_ids),
        "em": {
            "iterations": em.iterations,
            "converged": bool(em.converged),
            "log_likelihood": _num(em.log_likelihood),
        },
        "online": online_info,
        "items": sorted(lines, key=lambda line: (line["kind"] != "pilot", line["id"])),
    }


def _drift(op_data: ResponseData, items: dict[str, ItemSnapshot]) -> dict[str, dict[str, Any]]:
    stored = [i for i in op_data.item_ids if items[i].params is not None]
    if not stored:
        return {}
    params = ItemParameters.build(
        stored,
        [items[i].params["a"] for i in stored],  # type: ignore[index]
        [items[i].params["b"] for i in stored],  # type: ignore[index]
        [items[i].params["c"] for i in stored],  # type: ignore[index]
    )
    report = check_drift(op_data.subset_items(stored), params)
    return {
        i: {
            "b_live": _num(report.b_live[k]),
            "se": _num(report.se_b_live[k]),
            "z": _num(report.z[k]),
            "p": _num(report.p_adjusted[k]),
            "flagged": bool(report.flagged[k]),
        }
        for k, i in enumerate(report.item_ids)
    }


def _fit_of(fit: Any, k: int) -> dict[str, Any]:
    return {
        "x2": _num(fit.statistic[k]),
        "df": int(fit.df[k]),
        "p": _num(fit.p_value[k]),
        "misfit": bool(fit.flagged[k]),
    }


def _line(
    item: ItemSnapshot,
    kind: str,
    *,
    n: int,
    estimate: str,
    after: tuple[float, float, float],
    se: tuple[float, float, float],
    fit: dict[str, Any],
    drift: dict[str, Any] | None,
    model: Model,
) -> dict[str, Any]:
    return {
        "id": item.id,
        "topic": item.topic,
        "level": item.level,
        "kind": kind,
        "status": item.status,
        "n": n,
        "estimate": estimate,
        "prior": item.prior,
        "before": item.params,
        "after": {
            "model": model.value,
            "a": _num(after[0]),
            "b": _num(after[1]),
            "c": _num(after[2]),
            "se_a": _num(se[0]),
            "se_b": _num(se[1]),
            "se_c": _num(se[2]),
        },
        "fit": fit,
        "drift": drift,
        "ready": None,
        "reasons": [],
        # Items left at their prior are not written; retired items are never served again.
        "update": kind == "operational" and estimate != "prior" and item.status != "retired",
    }


def _readiness(line: dict[str, Any], settings: dict[str, Any], model: Model) -> None:
    """A pilot is promoted (and only then written: written parameters make it scored) when it has
    enough responses, precise enough parameters and no misfit."""
    reasons = []
    after, max_se = line["after"], float(settings["max_se"])
    if line["n"] < int(settings["min_pilot_responses"]) or line["estimate"] == "prior":
        reasons.append("few_responses")
    if after["se_b"] is None or after["se_b"] > max_se:
        reasons.append("se_b")
    # A slope fixed by the small-sample rule (``b_only``) has no standard error to check.
    slope_estimated = model is not Model.ONE_PL and line["estimate"] in ("full", "no_c")
    if slope_estimated and (after["se_a"] is None or after["se_a"] > max_se):
        reasons.append("se_a")
    if line["fit"]["misfit"]:
        reasons.append("misfit")
    line["reasons"] = reasons
    line["ready"] = not reasons
    line["update"] = not reasons and line["status"] == "piloted"
