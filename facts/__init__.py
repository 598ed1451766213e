"""Facts that agencies report: the unit registry and per-period reports, loaded and validated."""

from cchc.facts.load import FactError, load_fact_files
from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.periods import Period

__all__ = ["FactError", "FactSet", "Period", "Report", "Unit", "load_fact_files"]
