"""An index table (PAR INDEX, SIPAS) becomes rules: one `score` rule per row with a target, one
`score_sum` rule per row whose parts must add up to it; and the table's own arithmetic is checked
against itself, because source tables do not always add up."""

from __future__ import annotations

from fractions import Fraction

from cchc.rules.measures.scores import decimal
from cchc.rules.schema import (
    Citation,
    Example,
    Rule,
    ScoreMeasure,
    ScoreRow,
    ScoreSumMeasure,
    ScoreTable,
    Target,
    short_title,
)

STEP = Fraction(1, 1000)  # the tables give points to three decimals


def children_of(table: ScoreTable) -> dict[str, list[ScoreRow]]:
    children: dict[str, list[ScoreRow]] = {}
    for row in table.rows:
        if row.parent_code is not None:
            children.setdefault(row.parent_code, []).append(row)
    return children


def _example(table: ScoreTable, name: str, expect: str, scores: dict[str, Fraction]) -> Example:
    report = {
        "period": str(table.period),
        "scores": {code: decimal(value) for code, value in scores.items()},
    }
    return Example(
        name=name, as_of=f"{table.period.year + 1}-03-01", expect=expect, reports=[report]
    )


def _score_rule(table: ScoreTable, row: ScoreRow) -> Rule:
    code = f"{table.code_prefix}{row.code}"
    target = row.target_value
    strict = row.target_op == ">"
    meets = target + STEP if strict else target
    short = target if strict else target - STEP
    examples = [
        _example(
            table, f"a score of {decimal(meets)} meets the {row.target} aim", "pass", {code: meets}
        ),
        _example(
            table, f"a score of {decimal(short)} misses the {row.target} aim", "fail", {code: short}
        ),
    ]
    notes = [
        f"Source row: maximum {decimal(row.maximum) if row.maximum is not None else '–'}, "
        f"result before {decimal(row.baseline) if row.baseline is not None else '–'}, "
        f"target “{row.target}”.",
        "A target written with “>” is strict; one written as a bare number is read as “at least”.",
        *table.notes,
        *row.notes,
    ]
    return Rule(
        id=f"{table.id_prefix}-{row.code}",
        title=short_title(row.title),  # the source's words in both languages: no translation is law
        title_vi=short_title(row.title),
        area=table.area,
        citation=Citation(clause=f"{table.clause}, {row.code}", quote=row.title),
        applies_to=table.applies_to,
        strength=table.strength,
        measure=ScoreMeasure(kind="score", code=code, maximum=row.maximum),
        target=Target(op=row.target_op, value=target),
        periods=[table.period],
        notes=notes,
        examples=examples,
    )


def _sum_rule(table: ScoreTable, row: ScoreRow, parts: list[ScoreRow]) -> Rule:
    codes = [f"{table.code_prefix}{part.code}" for part in parts]
    whole = f"{table.code_prefix}{row.code}"
    good = {code: Fraction(1) for code in codes} | {whole: Fraction(len(codes))}
    bad = good | {whole: Fraction(len(codes)) + STEP}
    return Rule(
        id=f"{table.id_prefix}-{row.code}-SUM",
        title=f"Reported parts of {row.code} add up to it",
        title_vi=f"Điểm các tiêu chí thành phần của {row.code} cộng lại bằng điểm của {row.code}",
        area=table.area,
        citation=Citation(clause=f"{table.clause}, {row.code}", quote=row.title),
        applies_to=table.applies_to,
        strength="firm",
        measure=ScoreSumMeasure(kind="score_sum", code=whole, parts=codes),
        periods=[table.period],
        notes=[
            "A consistency check of the reported scores, not a target of the plan: a parent's "
            "points are the sum of its parts'."
        ],
        examples=[
            _example(table, "parts that add up to their parent are consistent", "pass", good),
            _example(table, "parts 0.001 short of their parent are inconsistent", "fail", bad),
        ],
    )


def score_table_rules(table: ScoreTable) -> list[Rule]:
    rules = [_score_rule(table, row) for row in table.rows if row.target is not None]
    if table.aggregate == "sum":
        rows = {row.code: row for row in table.rows}
        rules += [
            _sum_rule(table, rows[code], parts)
            for code, parts in children_of(table).items()
            if code in rows and rows[code].parts_listed == "all"
        ]
    return rules


def table_discrepancies(table: ScoreTable) -> list[str]:
    """Where the printed parts do not add up to the printed parent (maximum, result, target)."""
    if table.aggregate != "sum":
        return []
    rows = {row.code: row for row in table.rows}
    found = []
    for code, parts in children_of(table).items():
        parent = rows.get(code)
        if parent is None:
            continue
        partial = (
            "; the table lists only some of its parts" if parent.parts_listed == "some" else ""
        )
        for column in ("maximum", "baseline", "target"):
            values = [_column(part, column) for part in parts]
            whole = _column(parent, column)
            if whole is None or any(v is None for v in values):
                continue
            total = sum(values, Fraction(0))  # type: ignore[arg-type]
            if total != whole:
                found.append(
                    f"{table.clause} {code} {column}: the parts add up to "
                    f"{decimal(total)}, the table says {decimal(whole)}{partial}"
                )
    return found


def _column(row: ScoreRow, column: str) -> Fraction | None:
    if column == "target":
        return row.target_value if row.target is not None else None
    return getattr(row, column)
