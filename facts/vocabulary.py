"""The names a fact file may use, what each means, and the arithmetic that ties them together.

Counts are whole numbers. A name a fact file uses that is not listed here is an error, so a typo
never silently becomes "no data".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Quantity:
    name: str
    meaning: str
    unit: str
    at_most: tuple[str, ...] = ()  # this quantity can never exceed these
    total_of: tuple[str, ...] = ()  # when given, it must equal the sum of these


# Biểu 06/VPCP/KSTT (Thông tư 02/2017/TT-VPCP) counts dossiers this way; the online and postal
# rows below it are the extra counts the Hà Nội targets divide by.
DOSSIER_FIELDS: dict[str, Quantity] = {
    q.name: q
    for q in [
        Quantity("received_online", "dossiers received online in the period", "hồ sơ"),
        Quantity("received_in_person", "dossiers received in person in the period", "hồ sơ"),
        Quantity("received_postal", "dossiers received by public postal service (BCCI)", "hồ sơ"),
        Quantity("carried_over", "dossiers carried over from the previous period", "hồ sơ"),
        Quantity(
            "received_total",
            "all dossiers to resolve: received in the period plus carried over",
            "hồ sơ",
            total_of=("received_online", "received_in_person", "received_postal", "carried_over"),
        ),
        Quantity("resolved_early", "resolved before the appointment date (trước hạn)", "hồ sơ"),
        Quantity("resolved_on_time", "resolved on the appointment date (đúng hạn)", "hồ sơ"),
        Quantity("resolved_late", "resolved after the appointment date (quá hạn)", "hồ sơ"),
        Quantity(
            "resolved_total",
            "all dossiers resolved",
            "hồ sơ",
            total_of=("resolved_early", "resolved_on_time", "resolved_late"),
        ),
        Quantity("pending_within_due", "being resolved, not yet due (trong hạn)", "hồ sơ"),
        Quantity("pending_past_due", "being resolved, past due (quá hạn)", "hồ sơ"),
        Quantity("returned_total", "results returned to applicants", "hồ sơ"),
        Quantity(
            "returned_postal",
            "results returned by public postal service",
            "hồ sơ",
            at_most=("returned_total",),
        ),
        Quantity(
            "tracked_in_one_stop_system",
            "dossiers updated and tracked in the city's electronic one-stop system",
            "hồ sơ",
            at_most=("received_total",),
        ),
        Quantity(
            "processed_in_l3_procedures",
            "dossiers processed under procedures that had level-3 online dossiers",
            "hồ sơ",
        ),
        Quantity(
            "processed_online_l3",
            "of those, dossiers processed online at level 3",
            "hồ sơ",
            at_most=("processed_in_l3_procedures",),
        ),
        Quantity(
            "processed_in_l4_procedures",
            "dossiers processed under procedures that had level-4 online dossiers",
            "hồ sơ",
        ),
        Quantity(
            "processed_online_l4",
            "of those, dossiers processed online at level 4",
            "hồ sơ",
            at_most=("processed_in_l4_procedures",),
        ),
    ]
}

INDICATORS: dict[str, Quantity] = {
    q.name: q
    for q in [
        Quantity("procedures_in_scope", "procedures (TTHC) within the unit's authority", "TTHC"),
        Quantity(
            "procedures_one_stop",
            "of those, handled through the one-stop mechanism",
            "TTHC",
            at_most=("procedures_in_scope",),
        ),
        Quantity(
            "procedures_published",
            "of those, published openly as required",
            "TTHC",
            at_most=("procedures_in_scope",),
        ),
        Quantity(
            "procedures_online_eligible",
            "procedures assessed suitable for online service level 3/4 (Điều 28 TT 02/2017)",
            "TTHC",
        ),
        Quantity(
            "procedures_online_l34",
            "of those, provided online at level 3 or 4",
            "TTHC",
            at_most=("procedures_online_eligible",),
        ),
        Quantity(
            "procedures_online_with_dossiers",
            "of the procedures provided online at level 3/4, those that received online dossiers",
            "TTHC",
            at_most=("procedures_online_l34",),
        ),
        Quantity(
            "procedures_postal_enabled",
            "procedures that may be filed and returned by public postal service",
            "TTHC",
        ),
        Quantity(
            "procedures_postal_with_dossiers",
            "of those, procedures that had postal dossiers",
            "TTHC",
            at_most=("procedures_postal_enabled",),
        ),
        Quantity("civil_servants", "civil servants (công chức) of the unit", "người"),
        Quantity(
            "civil_servants_trained",
            "of those, trained in the year",
            "người",
            at_most=("civil_servants",),
        ),
        Quantity(
            "commune_leaders",
            "chairs and vice-chairs of the district's commune committees",
            "người",
        ),
        Quantity(
            "commune_leaders_trained",
            "of those, trained as the 2016–2020 scheme requires",
            "người",
            at_most=("commune_leaders",),
        ),
        Quantity("autonomous_units", "public service units given financial autonomy", "đơn vị"),
        Quantity(
            "autonomous_units_on_plan",
            "of those, carrying out the city's plan as set",
            "đơn vị",
            at_most=("autonomous_units",),
        ),
        Quantity("communes", "commune-level units under a district", "đơn vị"),
        Quantity(
            "communes_with_web_page",
            "of those, with a component web page on the district's portal",
            "đơn vị",
            at_most=("communes",),
        ),
        Quantity(
            "documents_sent",
            "documents exchanged with other state bodies (excluding those that "
            "may not travel over the network)",
            "văn bản",
        ),
        Quantity(
            "documents_sent_electronic",
            "of those, sent in electronic form",
            "văn bản",
            at_most=("documents_sent",),
        ),
        Quantity(
            "cchc_initiatives", "administrative-reform initiatives (sáng kiến CCHC)", "sáng kiến"
        ),
        Quantity(
            "commune_hq_projects_planned",
            "commune-headquarters build/upgrade/repair projects in the year's plan",
            "công trình",
        ),
        Quantity(
            "commune_hq_projects_completed",
            "of those, completed to standard",
            "công trình",
            at_most=("commune_hq_projects_planned",),
        ),
        Quantity("local_budget_spending", "total local budget spending", "triệu đồng"),
        Quantity(
            "recurrent_spending",
            "recurrent spending (chi thường xuyên)",
            "triệu đồng",
            at_most=("local_budget_spending",),
        ),
    ]
}


@dataclass(frozen=True)
class Duty:
    name: str
    meaning: str


DUTIES: dict[str, Duty] = {
    d.name: d
    for d in [
        Duty("cchc_plan_issued", "the unit issued its own CCHC plan for the year"),
        Duty("head_leads_cchc", "the unit's head directs CCHC work in person"),
        Duty("commune_par_index_scored", "the district scored its communes' CCHC index"),
        Duty("staff_per_job_positions", "staff are placed according to approved job positions"),
        Duty("iso_9001_applied", "the unit runs a quality system to ISO 9001:2008/2015"),
    ]
}


@dataclass(frozen=True)
class EventKind:
    name: str
    meaning: str
    needs_subject: bool = False  # the event names another unit (the one inspected)


EVENT_KINDS: dict[str, EventKind] = {
    e.name: e
    for e in [
        EventKind("dialogue", "a dialogue meeting of the unit's head with citizens and firms"),
        EventKind(
            "inspection",
            "a CCHC inspection of another unit (name it in `inspected`)",
            needs_subject=True,
        ),
        EventKind("subordinate_inspection", "a CCHC inspection of the unit's own divisions"),
        EventKind("staff_evaluation", "a round of evaluating civil servants' work"),
    ]
}


CORE_NAMES: frozenset[str] = frozenset([*DOSSIER_FIELDS, *INDICATORS, *DUTIES, *EVENT_KINDS])

# Plans beyond the first bring their own words. Each file in facts/vocabularies/ adds names under
# `indicators:`, `duties:` and `events:`; a name defined twice is an error, found on import.
VOCABULARY_DIR = Path(__file__).parent / "vocabularies"


def _extend_from_files() -> None:
    for path in sorted(VOCABULARY_DIR.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, spec in (document.get("indicators") or {}).items():
            _add(
                INDICATORS,
                name,
                path,
                Quantity(
                    name,
                    spec["meaning"],
                    spec["unit"],
                    tuple(spec.get("at_most", ())),
                    tuple(spec.get("total_of", ())),
                ),
            )
        for name, spec in (document.get("duties") or {}).items():
            _add(DUTIES, name, path, Duty(name, spec["meaning"]))
        for name, spec in (document.get("events") or {}).items():
            _add(
                EVENT_KINDS,
                name,
                path,
                EventKind(name, spec["meaning"], bool(spec.get("needs_subject", False))),
            )


def _add(table: dict, name: str, path: Path, entry: object) -> None:
    if name in table:
        raise ValueError(f"{path}: {name!r} is already defined in the fact vocabulary")
    table[name] = entry


_extend_from_files()
