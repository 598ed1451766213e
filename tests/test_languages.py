"""The languages a report is worded in: English and Vietnamese say the same things (the same
messages, with the same placeholders), each writes numbers, dates and periods its own way, and
each reads the plan's phrases in its own language where the plan gives them."""

from __future__ import annotations

import string
import unicodedata
from datetime import date
from types import SimpleNamespace

import pytest
import yaml
from factsets import ON_TIME_SHARE, a_rule, evaluate_rule

from cchc.engine.examples import ExampleResult
from cchc.reports import wording
from cchc.reports.wording.catalogues import MESSAGES_DIR, language
from cchc.rules.catalogue import Catalogue


def _files(code: str) -> dict[str, dict[str, str]]:
    """Each YAML file of a catalogue: its messages, as written."""
    return {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((MESSAGES_DIR / code).glob("*.yaml"))
    }


def _placeholders(text: str) -> set[str]:
    """The names a template fills: `{count}`, `{month:02d}` and `{quarter:roman}` name count,
    month and quarter."""
    return {
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(text)
        if field is not None
    }


def test_both_catalogues_have_the_same_files_and_each_file_the_same_keys() -> None:
    """Every message is in both catalogues, in the file of the same name and in no other."""
    english, vietnamese = _files("en"), _files("vi")
    assert sorted(vietnamese) == sorted(english)
    differ = {
        name: sorted(set(english[name]) ^ set(vietnamese[name]))
        for name in english
        if set(english[name]) != set(vietnamese[name])
    }
    assert differ == {}


def test_each_message_fills_the_same_placeholders_in_both_languages() -> None:
    english, vietnamese = language("en").messages, language("vi").messages
    differ = {
        key: (sorted(_placeholders(text)), sorted(_placeholders(vietnamese[key])))
        for key, text in english.items()
        if key in vietnamese and _placeholders(text) != _placeholders(vietnamese[key])
    }
    assert differ == {}


def test_the_vietnamese_catalogue_is_written_in_nfc() -> None:
    """Full diacritics, composed: "Đạt", never a base letter and combining marks."""
    for path in (MESSAGES_DIR / "vi").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, path.name


@pytest.mark.parametrize(
    ("key", "word"),
    [
        ("status.pass", "Đạt"),
        ("status.fail", "Không đạt"),
        ("status.pending", "Chưa đến hạn"),
        ("status.missing", "Thiếu số liệu"),
        ("status.not_applicable", "Không áp dụng"),
        ("strength.firm", "bắt buộc"),
        ("strength.aspirational", "phấn đấu"),
    ],
)
def test_the_vietnamese_status_and_strength_words(key: str, word: str) -> None:
    assert language("vi")(key) == word


def test_every_example_finding_is_worded_in_vietnamese(
    catalogue: Catalogue, example_results: dict[str, dict[tuple[str, int], ExampleResult]]
) -> None:
    """Every rule example of the shipped plans, whatever its measure, worded from the Vietnamese
    catalogue: no message or placeholder missing; and every family of wording is exercised."""
    rules = {rule.id: rule for plan in catalogue.plans.values() for rule in plan.rules}
    worded: set[str] = set()
    for (rule_id, _), result in example_results["python"].items():
        if result.finding is None:
            continue
        rule = rules[rule_id]
        words = wording.word(rule, result.finding, "vi")
        texts = [words.actual, words.target, words.arithmetic, words.gap, words.detail]
        assert all("{" not in text for text in texts if text), (rule_id, words)
        worded.add(rule.measure.kind)
    assert set(wording.FAMILIES) - worded == set()


def _on_time(counted_vi: str | None) -> tuple[object, object]:
    """A share of dossiers on time, 1843 of 1950 against 95%: the rule and its one finding."""
    measure = {**ON_TIME_SHARE, "counted_vi": counted_vi}
    rule = a_rule(2019, measure=measure, target={"op": ">=", "value": "95%"})
    counts = {"resolved_early": 0, "resolved_on_time": 1843, "resolved_late": 107}
    evaluation = evaluate_rule(
        rule, [{"unit": "q", "period": "2019", "dossiers": counts}], "2020-01-15", "python"
    )
    (finding,) = evaluation.findings
    return rule, finding


def test_vietnamese_numbers_group_thousands_with_dots_and_decimals_with_commas() -> None:
    rule, finding = _on_time("hồ sơ giải quyết đúng hạn và trước hạn")
    vietnamese = wording.word(rule, finding, "vi")  # type: ignore[arg-type]
    assert vietnamese.actual == "1.843 / 1.950 = 94,51%"
    assert "1.843 / 1.950 = 94,51% < 95%" in vietnamese.arithmetic
    assert vietnamese.gap is not None and "1.853/1.950" in vietnamese.gap
    english = wording.word(rule, finding, "en")  # type: ignore[arg-type]
    assert english.actual == "1,843 / 1,950 = 94.51%"


@pytest.mark.parametrize(
    ("counted_vi", "vi_phrase"),
    [
        ("hồ sơ giải quyết đúng hạn và trước hạn", "hồ sơ giải quyết đúng hạn và trước hạn"),
        (None, "dossiers on time"),  # not translated yet: the plan's English phrase
    ],
)
def test_a_gap_names_what_is_counted_in_the_readers_language(
    counted_vi: str | None, vi_phrase: str
) -> None:
    rule, finding = _on_time(counted_vi)
    vietnamese = wording.word(rule, finding, "vi")  # type: ignore[arg-type]
    english = wording.word(rule, finding, "en")  # type: ignore[arg-type]
    assert vietnamese.gap is not None and vi_phrase in vietnamese.gap
    assert english.gap is not None and "dossiers on time" in english.gap
    assert "hồ sơ" not in english.gap


def test_plan_phrases_in_the_readers_language() -> None:
    vietnamese, english = language("vi"), language("en")
    measure = SimpleNamespace(counted="dialogues", counted_vi="cuộc đối thoại")
    untranslated = SimpleNamespace(counted="dialogues", counted_vi=None)
    assert vietnamese.counted(measure) == "cuộc đối thoại"
    assert vietnamese.counted(untranslated) == "dialogues"
    assert english.counted(measure) == "dialogues"
    rule = SimpleNamespace(title="Dialogues held", title_vi="Tổ chức đối thoại")
    assert vietnamese.title(rule) == "Tổ chức đối thoại"
    assert vietnamese.title(SimpleNamespace(title="Dialogues held", title_vi=None)) == (
        "Dialogues held"
    )
    assert english.title(rule) == "Dialogues held"


@pytest.mark.parametrize(
    ("day", "en", "vi"),
    [
        (date(2024, 3, 5), "05/03/2024", "05/3/2024"),
        ("2024-03-05", "05/03/2024", "05/3/2024"),
        (date(2019, 12, 31), "31/12/2019", "31/12/2019"),
    ],
)
def test_dates_in_each_language(day: date | str, en: str, vi: str) -> None:
    assert language("en").day(day) == en
    assert language("vi").day(day) == vi


@pytest.mark.parametrize(
    ("period", "vi"),
    [
        ("2019", "năm 2019"),
        ("2019-Q1", "quý I/2019"),
        ("2019-Q2", "quý II/2019"),
        ("2019-Q3", "quý III/2019"),
        ("2019-Q4", "quý IV/2019"),
        ("2019-H1", "6 tháng đầu năm 2019"),
        ("2019-H2", "6 tháng cuối năm 2019"),
        ("2019-9M", "9 tháng năm 2019"),
        ("2019-M03", "tháng 3/2019"),
        ("2019-M12", "tháng 12/2019"),
    ],
)
def test_periods_in_each_language(period: str, vi: str) -> None:
    """Vietnamese names a period as reports do; English shows it as plans and facts write it."""
    assert language("vi").period(period) == vi
    assert language("en").period(period) == period


@pytest.mark.parametrize(
    ("period", "title"),
    [
        ("2019", "2019 annual"),
        ("2019-Q1", "Q1 2019"),
        ("2019-H1", "first-half 2019"),
        ("2019-H2", "second-half 2019"),
        ("2019-9M", "nine-month 2019"),
        ("2019-M03", "2019-M03"),
    ],
)
def test_a_reports_title_in_each_language(period: str, title: str) -> None:
    """A deadline's report: "the first-half 2019 report" in English; in Vietnamese, by the
    period: "báo cáo 6 tháng đầu năm 2019"."""
    assert language("en").period(period, "title") == title
    assert language("vi").period(period, "title") == language("vi").period(period)


def test_text_that_is_not_a_period_is_shown_as_it_is() -> None:
    assert language("vi").period("the plan's year") == "the plan's year"
