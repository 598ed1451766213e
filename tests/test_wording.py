"""The render layer's words: every sentence comes from a message catalogue, and a language is a
catalogue, not a code change."""

from __future__ import annotations

import ast
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from factsets import ON_TIME_SHARE, a_rule, evaluate_rule

from cchc.reports import wording
from cchc.reports.wording.catalogues import MESSAGES_DIR, language

REPORTS_DIR = Path(wording.__file__).parents[1]
KEY = re.compile(r"^[a-z_]+\.[a-z_]+$")


def used_keys() -> set[str]:
    """Every string in the render layer (reports/, wording and formats) shaped like a message
    key (`shares.more`, `report.summary`): keys are chosen in expressions (`"a" if late else
    "b"`), so every such literal counts as asked for."""
    sources = [*REPORTS_DIR.rglob("*.py"), REPORTS_DIR.parent / "cli.py"]
    return {
        node.value
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value)
    }


def test_every_message_the_code_asks_for_is_in_the_english_catalogue() -> None:
    missing = used_keys() - set(language("en").messages)
    assert not missing


def test_the_english_catalogue_has_no_message_nobody_uses() -> None:
    shared = {"_thousands", "_decimal_point"}
    # Keys built at run time: status and strength words, by the value they name; notices by
    # their code (tests/test_warnings.py checks each code has its message).
    # Problems, places and error headings by their code too (tests/test_problems.py); a
    # dossier's reason and a progress step by theirs (tests/test_dossiers.py).
    built = ("status.", "strength.", "notice.", "area.", "problem.", "error.", "place.")
    built += ("dossiers.reason.", "progress.")
    dynamic = {k for k in language("en").messages if k.startswith(built)}
    unused = set(language("en").messages) - used_keys() - shared - dynamic
    assert not unused


@pytest.mark.parametrize(
    ("value", "near", "shown"),
    [
        (Fraction(1843, 1950), Fraction(95, 100), "94.51%"),
        (Fraction(189_999, 200_000), Fraction(95, 100), "94.9995%"),  # never "95%" below 95%
        (Fraction(19, 20), Fraction(19, 20), "95%"),
        (Fraction(2, 3), None, "66.67%"),
    ],
)
def test_percentages_never_round_onto_a_target_they_miss(
    value: Fraction, near: Fraction | None, shown: str
) -> None:
    assert language("en").percent(value, near) == shown


def test_a_new_language_is_a_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalogue `xx` with its own separators and sentences, and no code: every finding of a
    failing share is worded from it."""
    shutil.copytree(MESSAGES_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "xx").mkdir()
    for path in (MESSAGES_DIR / "en").glob("*.yaml"):
        messages = yaml.safe_load(path.read_text(encoding="utf-8"))
        translated = {
            key: text if key.startswith("_") else f"XX {text}" for key, text in messages.items()
        }
        if "_thousands" in translated:
            translated.update({"_thousands": ".", "_decimal_point": ","})
        (tmp_path / "xx" / path.name).write_text(yaml.safe_dump(translated), encoding="utf-8")
    monkeypatch.setattr("cchc.reports.wording.catalogues.MESSAGES_DIR", tmp_path)
    language.cache_clear()
    try:
        rule = a_rule(2019, measure=ON_TIME_SHARE, target={"op": ">=", "value": "95%"})
        counts = {"resolved_early": 0, "resolved_on_time": 1843, "resolved_late": 107}
        evaluation = evaluate_rule(
            rule, [{"unit": "q", "period": "2019", "dossiers": counts}], "2020-01-15", "python"
        )
        (finding,) = evaluation.findings
        words = wording.word(rule, finding, "xx")
        assert words.actual == "XX 1.843 / 1.950 = 94,51%"
        assert words.gap is not None and words.gap.startswith("XX 10 more")
    finally:
        language.cache_clear()


def test_an_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="zz"):
        language("zz")


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_score_exactly_at_a_strict_bound_names_the_bound_not_zero_points(lang: str) -> None:
    from cchc.engine.findings import Finding
    from cchc.reports.wording import word
    from cchc.rules.catalogue import load_catalogue

    plan = load_catalogue().plans["thua-thien-hue-cchc-2018"]
    rule = next(r for r in plan.rules if r.id == "TTH2018-II.2.a-01c")
    at_bound = Finding(
        rule.id, "u", "2018", "fail", "measured", {"score": "80"}, {"more_than": "0"}
    )
    above = Finding(rule.id, "u", "2018", "fail", "measured", {"score": "79"}, {"more_than": "1"})
    words = language(lang)
    assert word(rule, at_bound, lang).gap == words("score.above", target="80")
    assert word(rule, above, lang).gap == words("score.more_than", points="1")
