"""Facts that agencies report: the unit registry and per-period reports, loaded and validated.

The names below are imported when first used (PEP 562), so that a part of the package that needs
none of them (the dossier derivation, say) does not load the whole loader and its libraries."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cchc.facts.load import FactError, load_fact_files
    from cchc.facts.model import FactSet, Report, Unit
    from cchc.facts.periods import Period

_WHERE = {
    "FactError": "cchc.facts.load",
    "load_fact_files": "cchc.facts.load",
    "FactSet": "cchc.facts.model",
    "Report": "cchc.facts.model",
    "Unit": "cchc.facts.model",
    "Period": "cchc.facts.periods",
}
__all__ = ["FactError", "FactSet", "Period", "Report", "Unit", "load_fact_files"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
