"""The catalogue documents itself: every rule cites, explains and demonstrates itself."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from cchc.engine.evaluation import available_engines
from cchc.reports.catalogue import section_of
from cchc.rules.catalogue import CatalogueError, load_catalogue, load_plan

ENGINES = available_engines()

CATALOGUE = load_catalogue()
RULE_EXAMPLES = [
    pytest.param(rule.id, index, engine, id=f"{rule.id}-{engine}-{example.name}")
    for plan in CATALOGUE.plans.values()
    for rule in plan.rules
    for index, example in enumerate(rule.examples)
    for engine in ENGINES
]


@pytest.mark.parametrize(("rule_id", "index", "engine"), RULE_EXAMPLES)
def test_rule_example_gives_the_status_it_states(
    rule_id: str, index: int, engine: str, example_results: dict
) -> None:
    result = example_results[engine][(rule_id, index)]
    assert result.ok, result.problem


@pytest.mark.parametrize("rule", CATALOGUE.rules, ids=lambda r: r.id)
def test_every_rule_documents_itself(rule) -> None:
    assert rule.title.strip() and rule.citation.clause.strip() and rule.citation.quote.strip()
    expected = [example.expect for example in rule.examples]
    assert "pass" in expected and "fail" in expected, "a passing and a failing example at least"
    assert len({example.name for example in rule.examples}) == len(rule.examples)


def test_hanoi_2019_encodes_all_26_targets_of_section_ii_and_all_26_appendix_tasks() -> None:
    plan = CATALOGUE.plans["hanoi-cchc-2019"]
    sections = [section_of(rule.citation.clause) for rule in plan.rules]
    assert sections.count("II") == 26
    assert sections.count("Phụ lục") == 26
    assert sections.count("III (Chế độ báo cáo)") == 4  # two groups of reporters × two deadlines
    bullets = {
        re.search(r"gạch đầu dòng (\d+)", rule.citation.clause).group(1)
        for rule in plan.rules
        if section_of(rule.citation.clause) == "II"
    }
    assert bullets == {str(n) for n in range(1, 23)}, "each of the 22 bullets of section II"


def test_phan_dau_targets_are_aspirational_and_others_firm() -> None:
    for rule in CATALOGUE.rules:
        aim = re.search(r"ph[âấầ]n đ[ầấ]u", rule.citation.quote, re.IGNORECASE)
        if aim:
            assert rule.strength == "aspirational", rule.id
    strengths = {rule.id: rule.strength for rule in CATALOGUE.rules}
    assert strengths["HN2019-II-12c"] == "aspirational"  # "phân đầu" governs the whole sentence
    assert strengths["HN2019-II-06"] == "firm"


def _broken_copy(tmp_path: Path, edit) -> Path:
    source = Path(CATALOGUE.plans["hanoi-cchc-2019"].file)
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(document)
    target = tmp_path / "broken.yaml"
    target.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return target


def test_a_loading_error_names_the_file_the_rule_and_the_key_path(tmp_path: Path) -> None:
    def drop_numerator(document: dict) -> None:
        rule = next(r for r in document["rules"] if r["id"] == "HN2019-II-06")
        rule["measure"]["numerator"] = ["dossiers.resolved_in_time"]

    path = _broken_copy(tmp_path, drop_numerator)
    with pytest.raises(CatalogueError) as error:
        load_plan(path)
    message = str(error.value)
    assert "broken.yaml" in message and "(HN2019-II-06)" in message
    assert "measure.share.numerator[0]" in message and "resolved_in_time" in message


def test_a_rule_without_a_failing_example_is_refused(tmp_path: Path) -> None:
    def only_passing(document: dict) -> None:
        rule = document["rules"][0]
        rule["examples"] = [e for e in rule["examples"] if e["expect"] == "pass"] * 2

    with pytest.raises(CatalogueError, match="at least one `pass` and one `fail`"):
        load_plan(_broken_copy(tmp_path, only_passing))


def test_rule_ids_are_unique_across_plans(tmp_path: Path) -> None:
    source = Path(CATALOGUE.plans["hanoi-cchc-2019"].file)
    (tmp_path / "a.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    copy = source.read_text(encoding="utf-8").replace("id: hanoi-cchc-2019", "id: hanoi-copy")
    (tmp_path / "b.yaml").write_text(copy, encoding="utf-8")
    with pytest.raises(CatalogueError, match="id already used"):
        load_catalogue(tmp_path)


def test_the_par_index_table_adds_up_except_where_it_lists_only_some_parts() -> None:
    plan = CATALOGUE.plans["hanoi-par-sipas-2022"]
    partial = "; the table lists only some of its parts"
    assert plan.table_discrepancies == [
        f"Phụ lục A 7.1 maximum: the parts add up to 2, the table says 7.25{partial}",
        f"Phụ lục A 7.1 baseline: the parts add up to 0.586, the table says 5.836{partial}",
        f"Phụ lục A 7.1 target: the parts add up to 1.63, the table says 6.45{partial}",
        f"Phụ lục A 7.2 maximum: the parts add up to 0.5, the table says 1.5{partial}",
        f"Phụ lục A 7.2 baseline: the parts add up to 0.19, the table says 1.19{partial}",
        f"Phụ lục A 7.2 target: the parts add up to 0.25, the table says 1.22{partial}",
    ]
    ids = {rule.id for rule in plan.rules}
    assert "HN192-PAR-total" in ids and "HN192-PAR-total-SUM" in ids
    assert "HN192-PAR-7.1-SUM" not in ids and "HN192-PAR-7.2-SUM" not in ids
    _, total = CATALOGUE.rule("HN192-PAR-total")
    assert total.target.value == Fraction("92.55") and total.measure.maximum == 100
