"""What a unit must report under a plan (`cchc facts needs`): derived from the rules' measures,
restricted to the rules that reach the unit's kind or agency, rendered in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc.app import InputError
from cchc.facts.format import UNIT_KINDS
from cchc.needs_app import needs_text, plan_needs
from cchc.reports.needs import render
from cchc.rules.catalogue import Catalogue
from cchc.rules.needs import GROUPS, needs

ROOT = Path(__file__).resolve().parents[1]
TX = "thanh-xuan-cchc-2024"


def _refs(catalogue: Catalogue, plan: str, kind: str | None, agency: str | None = None) -> set:
    return {need.ref for need in needs(catalogue, plan, kind, agency).items}


@pytest.mark.parametrize(
    ("plan", "kind", "agency", "reports", "not_reported"),
    [
        # A Thanh Xuân ward: its dossiers on time, its feedback, its monthly staff evaluation…
        (
            TX,
            "commune",
            None,
            [
                "dossiers.resolved_late",
                "fields.tai-nguyen-moi-truong",
                "indicators.tthc_feedback_handled_in_time",
                "events.staff_evaluation",
                "duties.cchc_plan_issued",
                "reports.submitted",
                "reports.data_to",
            ],
            # …but not the district's payroll, SIPAS or budget, nor the divisions' thematic report.
            [
                "indicators.payroll_public_employees",
                "scores.SIPAS",
                "indicators.recurrent_spending",
                "reports.thematic_submitted",
                "duties.par_sipas_plan_issued",
            ],
        ),
        (
            TX,
            "district",
            None,
            ["scores.SIPAS", "indicators.payroll_cadres_civil_servants", "events.dialogue"],
            ["reports.submitted", "events.staff_evaluation", "duties.cchc_plan_issued"],
        ),
        # Phòng Nội vụ: a division, and the agency the district inspection plan is addressed to.
        (
            TX,
            "division",
            "phong-noi-vu",
            ["reports.thematic_submitted", "duties.district_inspection_plan_issued"],
            ["duties.tthc_control_plan_issued", "dossiers.resolved_late"],
        ),
        # Thừa Thiên Huế 2018: Sở Tư pháp's appendix tasks reach it, not a commune.
        (
            "thua-thien-hue-cchc-2018",
            "department",
            "so-tu-phap",
            ["tasks.TTH2018-PL-I-1a", "tasks.TTH2018-PL-VI-4"],
            ["tasks.TTH2018-PL-VI-1"],
        ),
        (
            "thua-thien-hue-cchc-2018",
            "commune",
            None,
            ["tasks.TTH2018-PL-II-4", "duties.iso_9001_2015_applied"],
            ["tasks.TTH2018-PL-I-1a", "scores.hai-long-tthc", "events.inspection"],
        ),
    ],
)
def test_what_a_unit_reports_and_what_it_does_not(
    catalogue: Catalogue,
    plan: str,
    kind: str,
    agency: str | None,
    reports: list[str],
    not_reported: list[str],
) -> None:
    found = _refs(catalogue, plan, kind, agency)
    assert set(reports) <= found
    assert not set(not_reported) & found


def test_a_field_reads_the_dossier_counts_of_that_field(catalogue: Catalogue) -> None:
    wanted = needs(catalogue, TX, "commune")
    (field,) = [n for n in wanted.group("fields") if n.name == "tai-nguyen-moi-truong"]
    assert field.counts == ("resolved_early", "resolved_on_time", "resolved_late")
    assert set(field.rule_ids) == {"TX2024-II.3.1-ONTIME", "TX2024-II.3.1-ONTIME-TNMT"}


def test_a_total_whose_parts_are_read_is_asked_for_to_check_them(catalogue: Catalogue) -> None:
    wanted = {n.ref: n for n in needs(catalogue, TX, "commune").items}
    total = wanted["dossiers.resolved_total"]
    assert "dossiers.resolved_late" in total.checks and total.readers
    # received_total is also carried-over dossiers, which no rule reads: it would check nothing.
    assert "dossiers.received_total" not in wanted


def test_a_compared_figure_is_asked_for_the_baseline_year_too(catalogue: Catalogue) -> None:
    wanted = {n.ref: n for n in needs(catalogue, TX, "district").items}
    assert [str(p) for p in wanted["indicators.payroll_public_employees"].periods] == [
        "2021",
        "2024",
    ]


@pytest.mark.parametrize("plan", ["hanoi-cchc-2019", "hanoi-papi-2018", TX])
@pytest.mark.parametrize("kind", [None, *UNIT_KINDS])
def test_every_item_has_a_rule_a_period_and_a_known_group(
    catalogue: Catalogue, plan: str, kind: str | None
) -> None:
    for need in needs(catalogue, plan, kind).items:
        assert need.readers and need.periods and need.group in GROUPS
        assert all(reader.quote for reader in need.readers)


def test_every_rule_of_a_plan_is_read_by_some_kind(catalogue: Catalogue) -> None:
    """With no kind, every rule of the plan reads something."""
    for plan in catalogue.plans.values():
        read = {rule_id for n in needs(catalogue, plan.id).items for rule_id in n.rule_ids}
        assert read == {rule.id for rule in plan.rules}, plan.id


def test_json_output_shape() -> None:
    document = json.loads(needs_text(TX, "commune", fmt="json", lang="en"))
    assert document["schema"] == "cchc-needs/1"
    assert document["plan"] == TX and document["kind"] == "commune"
    item = document["items"][0]
    assert set(item) == {"group", "name", "meaning", "unit", "periods", "checks", "counts", "rules"}
    assert set(item["rules"][0]) == {"id", "title", "clause", "quote", "periods"}
    assert all(entry["rules"] for entry in document["items"])


@pytest.mark.parametrize("code", ["vi", "en"])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_both_languages_render_with_every_placeholder_filled(
    catalogue: Catalogue, code: str, fmt: str
) -> None:
    for plan in catalogue.plans.values():
        for kind in [None, *plan.info.units]:
            text = render(needs(catalogue, plan.id, kind), fmt, code)  # type: ignore[arg-type]
            shown = _strings(json.loads(text)) if fmt == "json" else [text]
            assert not any("{" in part for part in shown), (plan.id, kind)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_the_vietnamese_table_names_groups_and_periods_in_vietnamese() -> None:
    text = needs_text(TX, "commune")
    assert "Những gì đơn vị loại xã, phường, thị trấn phải báo cáo" in text
    assert "Hồ sơ theo lĩnh vực" in text and "quý I/2024" in text
    assert "hằng tháng năm 2024" in text  # the monthly evaluation's twelve months


def test_a_unit_of_a_units_file_reports_by_its_kind_and_agency() -> None:
    units = ROOT / "examples" / "thanh-xuan-2024" / "units.yaml"
    wanted = plan_needs(TX, unit_file=units, unit_id="phong-vhtt")
    assert (wanted.kind, wanted.agency) == ("division", "phong-vhtt")
    assert "cchc_propaganda_plan_issued" in wanted.names("duties")


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"plan_id": "nope"}, "--plan nope"),
        ({"plan_id": TX, "kind": "village"}, "--kind village"),
        ({"plan_id": TX, "kind": "department"}, "--kind department"),
        (
            {
                "plan_id": TX,
                "unit_file": ROOT / "examples/thanh-xuan-2024/units.yaml",
                "unit_id": "x",
            },
            "--unit x",
        ),
    ],
)
def test_bad_input_names_the_option(options: dict, option: str) -> None:
    with pytest.raises(InputError) as raised:
        plan_needs(**options)
    assert any(option in p.place.path for p in raised.value.problems if not isinstance(p, str))
