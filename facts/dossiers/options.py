"""The choices where systems disagree on what a count means, each with a documented default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

EndDate = Literal["processing-ended", "returned"]
Withdrawn = Literal["judged", "on-time", "excluded"]
Refused = Literal["judged", "excluded"]
SupplementWait = Literal["excluded", "counted"]
RepeatedSupplements = Literal["late", "judged"]


@dataclass(frozen=True)
class DeriveOptions:
    """How records become counts (docs: /work/notes/dossier-spec.md, the contract).

    end_date: which date ends a dossier: NgayKetThucXuLy ("processing-ended", the national
        index) or NgayTra ("returned", an older vendor code).
    withdrawn: status 7 is "judged" by its end date like any other (national index), counted
        resolved "on-time" when it ended in the period (vendor Biểu 06 code), or "excluded".
    refused: status 8 is "judged" by its end date, or "excluded" from every count.
    supplement_wait: "excluded": the days waited for supplements move the due date on (the
        national index); "counted": NgayHenTra as it is.
    repeated_supplements: "late": more than one supplement request makes a dossier late
        (national index); "judged": by its dates like any other.
    fully_online: also derive indicators.dossiers_fully_online (Thanh Xuân 2024 vocabulary).
    bad_row_limit: the share of rows read that may be bad (0.01 = 1%); more stops the run.
    """

    end_date: EndDate = "processing-ended"
    withdrawn: Withdrawn = "judged"
    refused: Refused = "judged"
    supplement_wait: SupplementWait = "excluded"
    repeated_supplements: RepeatedSupplements = "late"
    fully_online: bool = False
    bad_row_limit: float = 0.01

    def __post_init__(self) -> None:
        choices = {
            "end_date": EndDate,
            "withdrawn": Withdrawn,
            "refused": Refused,
            "supplement_wait": SupplementWait,
            "repeated_supplements": RepeatedSupplements,
        }
        for name, kind in choices.items():
            if getattr(self, name) not in get_args(kind):
                allowed = ", ".join(get_args(kind))
                raise ValueError(f"{name}={getattr(self, name)!r}: choose one of {allowed}")
        if not 0 <= self.bad_row_limit <= 1:
            raise ValueError(f"bad_row_limit={self.bad_row_limit!r}: a share from 0 to 1")

    @property
    def end_column(self) -> str:
        """The national column whose date ends a dossier."""
        return "NgayKetThucXuLy" if self.end_date == "processing-ended" else "NgayTra"

    @property
    def terminal_statuses(self) -> tuple[int, ...]:
        """Statuses that end a dossier and are counted (excluded ones are in no count)."""
        statuses = [9, 10]
        if self.withdrawn != "excluded":
            statuses.append(7)
        if self.refused != "excluded":
            statuses.append(8)
        return tuple(sorted(statuses))

    @property
    def excluded_statuses(self) -> tuple[int, ...]:
        return tuple(
            status
            for status, choice in ((7, self.withdrawn), (8, self.refused))
            if choice == "excluded"
        )
