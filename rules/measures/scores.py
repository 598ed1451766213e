"""Index scores (PAR INDEX points, SIPAS percentages): against a target, and parts that must add
up to their parent. A score above its criterion's maximum is refused as input, never seen here.

Column-wise over every unit at once. Scores are exact decimals: the fact tables and the evidence
keep each as `str(Fraction)` ("1053/125" for 8.424), which `Fraction(text)` reads back exactly;
the render layer writes them as decimals. The arithmetic is exact too: numerators and
denominators as Int128 columns, compared by cross-multiplying, parts added over their least
common denominator, results reduced by Euclid's algorithm run over all rows at once. Every
operand is kept below 2**62, so that no product or sum of two products leaves 128 bits; a score
beyond that (more digits than any index publishes) is computed with `Fraction` instead, for
those rows alone: the same result, only slower.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from fractions import Fraction

import polars as pl

from cchc.facts.tables import FactTables
from cchc.rules.measures.columns import (
    SPANS,
    closed,
    finish,
    gaps_around,
    leading_columns,
    units_of,
)
from cchc.rules.measures.common import decimal_text, sign, unique
from cchc.rules.schema import Rule, ScoreMeasure, ScoreSumMeasure

SCORE_VALUES = {"vs_target": pl.Int64}
SCORE_EVIDENCE = {
    "score": pl.Utf8,  # exact, as str(Fraction)
    "code": pl.Utf8,
    "source": pl.Utf8,  # the report the score came from, when not the judged period's own
    "wanted": pl.List(pl.Utf8),  # the scores no report covering `uncovered` gives
    "uncovered": SPANS,
    "absent": pl.List(pl.Utf8),  # never set: a report either gives all the scores or is not read
    "report": pl.Utf8,  # …so no `not_given` row; with_gaps reads the columns all the same
}
SUM_VALUES = {"parts_vs_total": pl.Int64}
SUM_EVIDENCE = {
    "parts": pl.Utf8,  # the sum of the parts, exact
    "whole": pl.Utf8,  # the parent's score, exact
    "part_scores": pl.List(pl.Utf8),  # each part's score, in the order of measure.parts
    "source": pl.Utf8,
    "wanted": pl.List(pl.Utf8),
    "uncovered": SPANS,
    "absent": pl.List(pl.Utf8),
    "report": pl.Utf8,
}
BOUND = 2**62  # operands below it: |a·b| < 2**124, and a sum of two such products fits Int128
HALF = 2**125  # a running sum below it may take one more term below 2**124


def decimal(value: Fraction) -> str:
    """8.424 as 8.424 (up to 6 places), exact: for the score tables and rule descriptions, which
    write scores outside any report (reports write them with their language's `decimal`)."""
    return decimal_text(value, 6)


def observe_score(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, ScoreMeasure) and rule.target is not None
    target = rule.target.value
    assert target is not None
    measured, lacking = _latest_with(rule, tables, [measure.code], as_of)
    score = pl.col("s0")
    n, d = _numerator(score), _denominator(score)
    p, q = _int(target.numerator), _int(target.denominator)
    exact = _small(n, d) & _fits(target.numerator, target.denominator)
    judged = measured.with_columns(
        pl.when(exact).then((n * q - p * d).sign()).cast(pl.Int64).alias("vs_target")
    )
    vs_target = _patched(
        judged["vs_target"], [judged["s0"]], lambda value: sign(Fraction(value), target)
    )
    rows = judged.with_columns(vs_target).select(
        *leading_columns("measured", "closed"),
        "vs_target",
        score.alias("e.score"),
        pl.lit(measure.code, pl.Utf8).alias("e.code"),
        pl.col("source").alias("e.source"),
    )
    return pl.concat(
        [finish(part, SCORE_VALUES, SCORE_EVIDENCE) for part in (rows, lacking)], how="vertical"
    )


def observe_sum(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, ScoreSumMeasure)
    codes = unique([measure.code, *measure.parts])
    measured, lacking = _latest_with(rule, tables, codes, as_of)
    parts = [f"s{codes.index(code)}" for code in measure.parts]  # in the order of measure.parts
    summed = measured.with_columns(_sum(measured, parts).alias("parts"))
    summed = summed.with_columns(
        _patched(
            summed["parts"],
            [summed[c] for c in parts],
            lambda *scores: str(sum((Fraction(s) for s in scores), Fraction(0))),
        )
    )
    total, whole = pl.col("parts"), pl.col("s0")
    exact = _small(_numerator(total), _denominator(total), _numerator(whole), _denominator(whole))
    difference = _numerator(total) * _denominator(whole) - _numerator(whole) * _denominator(total)
    judged = summed.with_columns(
        pl.when(exact).then(difference.sign()).cast(pl.Int64).alias("parts_vs_total")
    )
    parts_vs_total = _patched(
        judged["parts_vs_total"],
        [judged["parts"], judged["s0"]],
        lambda total, whole: sign(Fraction(total), Fraction(whole)),
    )
    rows = judged.with_columns(parts_vs_total).select(
        *leading_columns("measured", "closed"),
        "parts_vs_total",
        total.alias("e.parts"),
        whole.alias("e.whole"),
        pl.concat_list([pl.col(c) for c in parts]).alias("e.part_scores"),
        pl.col("source").alias("e.source"),
    )
    return pl.concat(
        [finish(part, SUM_VALUES, SUM_EVIDENCE) for part in (rows, lacking)], how="vertical"
    )


def score_gap(rule: Rule) -> dict[str, pl.Expr]:
    """The points a score not met lacks (exact, as `str(Fraction)`): `more` for a minimum,
    `more_than` for a strict one; `fewer`/`fewer_than` for a cap. Evaluated only when unmet."""
    target = rule.target
    assert target is not None and target.value is not None
    value = target.value
    key = {">=": "more", ">": "more_than", "<=": "fewer", "<": "fewer_than"}[target.op]
    below = target.op in (">=", ">")

    def points(scores: pl.Series) -> pl.Series:
        frame = scores.to_frame("score")
        n, d = _numerator(pl.col("score")), _denominator(pl.col("score"))
        p, q = _int(value.numerator), _int(value.denominator)
        exact = _small(n, d) & _fits(value.numerator, value.denominator)
        lacking = (p * d - n * q) if below else (n * q - p * d)
        fast = frame.select(
            pl.when(exact).then(lacking).alias("num"), pl.when(exact).then(q * d).alias("den")
        )
        text = _text(fast["num"], fast["den"])
        return _patched(
            text,
            [scores],
            lambda score: str(value - Fraction(score) if below else Fraction(score) - value),
        )

    return {key: pl.col("e.score").map_batches(points, return_dtype=pl.Utf8)}


def sum_gap(rule: Rule) -> dict[str, pl.Expr]:
    """How far the parts are from their parent: evaluated only when they do not add up."""

    def difference(pairs: pl.Series) -> pl.Series:
        frame = pairs.struct.unnest().rename({"e.parts": "parts", "e.whole": "whole"})
        total, whole = pl.col("parts"), pl.col("whole")
        tn, td = _numerator(total), _denominator(total)
        wn, wd = _numerator(whole), _denominator(whole)
        exact = _small(tn, td, wn, wd)
        fast = frame.select(
            pl.when(exact).then((tn * wd - wn * td).abs()).alias("num"),
            pl.when(exact).then(td * wd).alias("den"),
        )
        text = _text(fast["num"], fast["den"])
        return _patched(
            text,
            [frame["parts"], frame["whole"]],
            lambda parts, whole: str(abs(Fraction(parts) - Fraction(whole))),
        )

    return {
        "difference": pl.struct("e.parts", "e.whole").map_batches(difference, return_dtype=pl.Utf8)
    }


def _periods(rule: Rule) -> pl.DataFrame:
    """The judged periods, as the rule lists them, with their first and last day."""
    return pl.DataFrame(
        {
            "year": [p.year for p in rule.periods],
            "period": [str(p) for p in rule.periods],
            "start": [p.start for p in rule.periods],
            "end": [p.end for p in rule.periods],
        },
        schema={"year": pl.Int32, "period": pl.Utf8, "start": pl.Date, "end": pl.Date},
    )


def _latest_with(
    rule: Rule, tables: FactTables, codes: list[str], as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per unit × judged period, the report to read the scores from: the latest of the year that
    gives them all (its scores as columns s0, s1… in the order of `codes`, each once). Scores
    are as of one report, so once the period is over, one ending before it cannot decide.

    Returns the measured rows (unit, period, start, end, closed, source, s0…) and the no_data
    rows, whose evidence says which part of the period the latest report leaves uncovered."""
    units = units_of(tables, rule.applies_to).select("unit")
    years = sorted({period.year for period in rule.periods})
    given = tables.scores.filter(
        pl.col("code").is_in(codes), pl.col("start").dt.year().is_in(years)
    ).join(units, on="unit", how="semi")
    if len(codes) == 1:
        reports = given.select("unit", "period", "start", "end", pl.col("value").alias("s0"))
    else:  # the reports giving every code (each report gives a code at most once)
        reports = given.group_by("unit", "period", "start", "end").len()
        reports = reports.filter(pl.col("len") == len(codes)).drop("len")
    latest = (
        reports.with_columns(pl.col("start").dt.year().cast(pl.Int32).alias("year"))
        .sort([pl.col("end"), pl.col("end") - pl.col("start")], descending=True)
        .unique(["unit", "year"], keep="first", maintain_order=False)
    )
    if len(codes) > 1:  # the chosen reports' scores, one column per code
        names = [f"s{i}" for i in range(len(codes))]
        chosen = given.join(latest, on=["unit", "period"], how="semi").with_columns(
            pl.col("code").replace_strict(codes, names, return_dtype=pl.Utf8)
        )
        wide = chosen.pivot(on="code", index=["unit", "period"], values="value")
        missing = [name for name in names if name not in wide.columns]  # no report at all
        wide = wide.with_columns(pl.lit(None, pl.Utf8).alias(name) for name in missing)
        latest = latest.join(wide, on=["unit", "period"], how="left")
    latest = latest.rename({"period": "best_period", "start": "best_start", "end": "best_end"})
    judged = (
        units.join(_periods(rule), how="cross")
        .join(latest, on=["unit", "year"], how="left")
        .with_columns(closed(as_of).alias("closed"))
    )
    first, last = pl.col("best_start"), pl.col("best_end")
    start, end = pl.col("start"), pl.col("end")
    complete = ((first <= start) & (last >= end)).fill_null(False)
    usable = first.is_not_null() & (complete | ~pl.col("closed"))
    measured = judged.filter(usable).with_columns(
        pl.when(pl.col("best_period") != pl.col("period"))
        .then(pl.col("best_period"))
        .alias("source")
    )
    overlaps = (first <= end) & (last >= start)  # a report outside the period covers none of it
    lacking = (
        judged.filter(~usable)
        .with_columns(
            pl.when(overlaps).then(first).alias("best_start"),
            pl.when(overlaps).then(last).alias("best_end"),
        )
        .select(
            *leading_columns("no_data", "closed", "uncovered"),
            pl.lit(codes, pl.List(pl.Utf8)).alias("e.wanted"),
            gaps_around(first, last).alias("e.uncovered"),
        )
    )
    return measured, lacking


# Exact arithmetic on scores written as str(Fraction), over Int128 columns.


def _int(value: int) -> pl.Expr:
    """An integer operand as an Int128 literal (0 when beyond BOUND: `_fits` then turns the fast
    path off, and `_patched` computes the rows with Fraction)."""
    return pl.lit(value if abs(value) < BOUND else 0, pl.Int128)


def _fits(*values: int) -> pl.Expr:
    return pl.lit(all(abs(v) < BOUND for v in values))


def _numerator(text: pl.Expr) -> pl.Expr:
    """The numerator of "1053/125" or "17"; null when it does not fit 128 bits."""
    return text.str.split_exact("/", 1).struct.field("field_0").cast(pl.Int128, strict=False)


def _denominator(text: pl.Expr) -> pl.Expr:
    """The denominator of "1053/125" (1 for "17"); null when it does not fit 128 bits."""
    pieces = text.str.split_exact("/", 1)
    bottom = pieces.struct.field("field_1")
    return (
        pl.when(pieces.struct.field("field_0").is_not_null() & bottom.is_null())
        .then(pl.lit(1, pl.Int128))
        .otherwise(bottom.cast(pl.Int128, strict=False))
    )


def _small(*operands: pl.Expr) -> pl.Expr:
    """Every operand known and below BOUND: the Int128 arithmetic on them cannot overflow."""
    return pl.all_horizontal([(o.abs() < BOUND).fill_null(False) for o in operands])


def _gcd(a: pl.Series, b: pl.Series) -> pl.Series:
    """The greatest common divisor of two non-negative Int128 columns (null where either is),
    by Euclid's algorithm over every distinct pair at once: a loop over its steps (at most
    about 185 for 128 bits, some 20 for scores), never over rows."""
    pairs = pl.DataFrame({"a": a, "b": b}, schema={"a": pl.Int128, "b": pl.Int128})
    distinct = pairs.unique().drop_nulls()
    x, y = distinct["a"], distinct["b"]
    live = y != 0
    while live.any():
        x, y = y.zip_with(live, x), (x % y).zip_with(live, y)
        live = y != 0
    found = distinct.with_columns(x.alias("gcd"))
    return pairs.join(found, on=["a", "b"], how="left", maintain_order="left")["gcd"]


def _text(numerator: pl.Series, denominator: pl.Series) -> pl.Series:
    """numerator / denominator (denominator > 0) reduced and written as str(Fraction) writes it:
    "1053/125", or "17" when whole; null where either is null."""
    divisor = _gcd(numerator.abs(), denominator)
    frame = pl.DataFrame({"n": numerator, "d": denominator, "g": divisor})
    n, d = pl.col("n") // pl.col("g"), pl.col("d") // pl.col("g")
    text = pl.when(d == 1).then(n.cast(pl.Utf8)).otherwise(pl.format("{}/{}", n, d))
    return frame.select(text.alias("text"))["text"]


def _sum(frame: pl.DataFrame, columns: Sequence[str]) -> pl.Series:
    """The exact sum of the scores in `columns`, per row, as str(Fraction): the numerators
    brought to the least common denominator; null where an operand reaches BOUND."""
    common = pl.Series("l", [1] * frame.height, dtype=pl.Int128)
    parsed = frame.select(
        *[_numerator(pl.col(c)).alias(f"n{i}") for i, c in enumerate(columns)],
        *[_denominator(pl.col(c)).alias(f"d{i}") for i, c in enumerate(columns)],
    )
    for i in range(len(columns)):
        d = parsed[f"d{i}"]
        step = pl.DataFrame({"l": common, "d": d, "g": _gcd(common, d)})
        multiple = pl.col("l") // pl.col("g")
        lcm = pl.when(_small(multiple, pl.col("d"))).then(multiple * pl.col("d"))
        common = step.select(pl.when(_small(lcm)).then(lcm).alias("l"))["l"]
    work = parsed.with_columns(common.alias("l"), pl.lit(0, pl.Int128).alias("sum"))
    for i in range(len(columns)):
        n, scale = pl.col(f"n{i}"), pl.col("l") // pl.col(f"d{i}")
        term = pl.when(_small(n, scale)).then(n * scale)
        running = pl.when((pl.col("sum").abs() < HALF).fill_null(False)).then(pl.col("sum") + term)
        work = work.with_columns(running.alias("sum"))
    return _text(work["sum"], work["l"]).alias("parts")


def _patched(
    result: pl.Series, inputs: list[pl.Series], compute: Callable[..., object]
) -> pl.Series:
    """`result` with the rows the Int128 path left null although every input is given (an
    operand beyond BOUND) computed from the inputs' texts with Fraction, for those rows alone.
    Scores of up to about 18 significant digits never come here."""
    names = [f"i{k}" for k in range(len(inputs))]
    frame = pl.DataFrame(
        [result.alias("result"), *[s.alias(n) for s, n in zip(inputs, names, strict=True)]]
    )
    todo = frame.with_row_index("row").filter(
        pl.col("result").is_null(), *[pl.col(n).is_not_null() for n in names]
    )
    if todo.is_empty():
        return result
    values = [compute(*row) for row in todo.select(names).iter_rows()]
    return result.clone().scatter(todo["row"], values)
