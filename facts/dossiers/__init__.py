"""Dossier records (một cửa điện tử exports) turned into the official Biểu 06 counts.

The contract: /work/notes/dossier-spec.md. Reading: records.py (and mapping.py for another
vendor's names), each value's reading as SQL: normalize.py; what each count means:
definitions.py; the record problems: checks.py. The same SQL on Apache Spark: spark.py
(`derive_counts_spark`, imported from there so that pyspark is needed only to use it) and the
spark-submit job spark_job.py (docs/spark.md).
"""

from cchc.facts.dossiers.definitions import COUNT_NAMES, COUNTS, spark_sql
from cchc.facts.dossiers.derive import LISTED, Derivation, derive_counts, explain, quiet
from cchc.facts.dossiers.mapping import Mapping, UnitEntry
from cchc.facts.dossiers.options import DeriveOptions
from cchc.facts.dossiers.problems import DossierError, RecordProblem
from cchc.facts.dossiers.records import Progress

__all__ = [
    "COUNTS",
    "COUNT_NAMES",
    "LISTED",
    "Derivation",
    "DeriveOptions",
    "DossierError",
    "Mapping",
    "Progress",
    "RecordProblem",
    "UnitEntry",
    "derive_counts",
    "explain",
    "quiet",
    "spark_sql",
]
