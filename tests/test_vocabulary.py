"""The fact vocabulary: every part of a whole names its whole, so no share can exceed 100%."""

from __future__ import annotations

import unicodedata
from collections import Counter
from itertools import chain
from pathlib import Path

import pytest
import yaml
from factsets import english

from cchc.facts.load import FactError, facts_from_document
from cchc.facts.vocabulary import (
    DOSSIER_FIELDS,
    INDICATORS,
    QUANTITIES,
    TABLES,
    _load,
    vocabulary_plans,
)
from cchc.rules.catalogue import Catalogue
from cchc.rules.schema import ShareMeasure

PART_WORDS = ("of those", "of them", "of which", "of the procedures", "among")


def _quantity(ref: str):
    group, _, name = ref.partition(".")
    return QUANTITIES[group][name]


def upper_bounds(ref: str, depth: int = 4) -> set[tuple[str, ...]]:
    """Every sum of counts the vocabulary guarantees `ref` never exceeds, itself included:
    bounds are followed transitively and a total may stand for its parts."""
    found = {(ref,)}
    for _ in range(depth):
        grown = set(found)
        for bound in found:
            for index, name in enumerate(bound):
                quantity = _quantity(name)
                group = quantity.group
                options = list(quantity.at_most)
                if quantity.total_of:
                    options.append(tuple(f"{group}.{part}" for part in quantity.total_of))
                for option in options:
                    grown.add(bound[:index] + option + bound[index + 1 :])
        found = grown
    return found


def bounded_by(numerator: list[str], denominator: list[str]) -> bool:
    """True when each numerator count fits, by its bounds, in its own share of the denominator."""
    if not numerator:
        return True
    first, rest = numerator[0], numerator[1:]
    available = Counter(denominator)
    for bound in upper_bounds(first):
        needed = Counter(bound)
        fits = all(available[ref] >= count for ref, count in needed.items())
        if fits and bounded_by(rest, list((available - needed).elements())):
            return True
    return False


def _lower_bound_shares(catalogue: Catalogue) -> list:
    return [
        rule
        for rule in catalogue.rules
        if isinstance(rule.measure, ShareMeasure)
        and rule.target is not None
        and rule.target.op in (">=", ">")
    ]


def test_every_share_of_the_catalogue_divides_a_part_by_its_whole(catalogue: Catalogue) -> None:
    unbounded = [
        f"{rule.id}: {rule.measure.numerator} / {rule.measure.denominator}"
        for rule in _lower_bound_shares(catalogue)
        if not bounded_by(list(rule.measure.numerator), list(rule.measure.denominator))
    ]
    assert unbounded == []


def test_every_quantity_described_as_a_part_names_its_whole() -> None:
    parts = [
        quantity.ref
        for quantity in chain(DOSSIER_FIELDS.values(), INDICATORS.values())
        if quantity.meaning.lower().startswith(PART_WORDS) and not quantity.at_most
    ]
    assert parts == []


def _one_report(dossiers: dict[str, int], indicators: dict[str, int]) -> dict:
    return {
        "units": [{"id": "u", "name": "Phường", "kind": "commune"}],
        "reports": [
            {"unit": "u", "period": "2024", "dossiers": dossiers, "indicators": indicators}
        ],
    }


@pytest.mark.parametrize(
    ("dossiers", "indicators", "refused"),
    [
        # fully online dossiers are among those received in the period (Thanh Xuân 2024)
        (
            {"received_online": 600, "received_in_person": 300, "received_postal": 100},
            {"dossiers_fully_online": 1100},
            True,
        ),
        (
            {"received_online": 600, "received_in_person": 300, "received_postal": 100},
            {"dossiers_fully_online": 1000},
            False,
        ),
        # a bound is checked only when the whole is known
        ({}, {"dossiers_fully_online": 1100}, False),
    ],
)
def test_a_part_above_its_whole_across_groups_is_refused(
    dossiers: dict[str, int], indicators: dict[str, int], refused: bool
) -> None:
    document = _one_report(dossiers, indicators)
    if refused:
        with pytest.raises(FactError) as error:
            facts_from_document(document)
        assert "reports[0].indicators.dossiers_fully_online" in "".join(
            english(error.value.problems)
        )
    else:
        facts_from_document(document)


def test_every_bound_names_an_existing_quantity() -> None:
    for quantity in chain(DOSSIER_FIELDS.values(), INDICATORS.values()):
        for bound in quantity.at_most:
            for ref in bound:
                _quantity(ref)  # raises KeyError when the vocabulary names a missing whole


# The Vietnamese letters with a diacritic: ă â đ ê ô ơ ư, and every vowel with a tone mark.
VIETNAMESE_LETTERS = frozenset(
    "ăâđêôơưĂÂĐÊÔƠƯ"
    + "".join(
        unicodedata.normalize("NFC", vowel + tone)
        for vowel in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
        for tone in "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
    )
)


def test_every_word_has_a_vietnamese_meaning() -> None:
    """A template's column header and a report's wording read `meaning_vi`: it must be there,
    be Vietnamese, and not be the English meaning copied over."""
    wrong = [
        f"{group}.{name}: {word.meaning_vi!r}"
        for group, table in TABLES.items()
        for name, word in table.items()
        if not word.meaning_vi.strip()
        or word.meaning_vi.strip() == word.meaning.strip()
        or not VIETNAMESE_LETTERS.intersection(word.meaning_vi)
    ]
    assert wrong == []
    assert sum(len(table) for table in TABLES.values()) > 100  # every group was read


@pytest.mark.parametrize(
    ("group", "spec"),
    [
        ("dossiers", {"meaning": "dossiers received by fax", "unit": "hồ sơ"}),
        ("indicators", {"meaning": "fax machines", "unit": "máy"}),
        ("duties", {"meaning": "the unit bought a fax machine"}),
        ("events", {"meaning": "a fax sent", "needs_subject": False}),
        ("indicators", {"meaning": "fax machines", "meaning_vi": " ", "unit": "máy"}),
    ],
)
def test_a_vocabulary_file_with_a_word_lacking_meaning_vi_is_refused(
    tmp_path: Path, group: str, spec: dict
) -> None:
    path = tmp_path / "fax-plan-2030.yaml"
    path.write_text(
        yaml.safe_dump({group: {"fax_word": spec}}, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="meaning_vi") as error:
        _load(path)
    assert str(path) in str(error.value)
    assert "'fax_word'" in str(error.value)
    # Refused whole: nothing of the file reached the module's tables.
    assert all("fax_word" not in table for table in TABLES.values())
    assert "fax-plan-2030" not in vocabulary_plans()
