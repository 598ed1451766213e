"""The derivation as a Spark job: dossier exports on shared storage -> a cchc facts JSON file.

    spark-submit --master yarn facts/dossiers/spark_job.py \\
        --period 2024-Q1 --period 2024 --output s3a://bucket/cchc/dossiers-2024.json \\
        's3a://bucket/exports/2024/*.parquet'

Each SOURCE is a file, a directory or a glob on any storage Spark reads (file://, hdfs://,
s3a://, ...); it is expanded into its files (sorted by path), each read as one export, so that a
record's place (file, row) and "the first copy of a MaHoSo" mean what they mean on DuckDB. The
options are derive_counts's (DeriveOptions); --mapping is a YAML file on the driver's disk.
The facts document is written to --output (a local path or a storage URI), the record problems
(at most 1000, with their total by code) to --problems as JSON when given. Exit status: 0, or 2
when the records cannot be counted (a file or the mapping unusable, too many bad rows), as the
cchc command line does. On stderr, one JSON object a line: each step ({"step": "reading",
"path": …}), then the summary (rows read, ignored, bad; rows of counts) or the error and its first
problems. Only the driver runs Python (and needs cchc installed); the executors
run Spark SQL only. docs/spark.md has the set-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any, get_args

from cchc.facts.dossiers.derive import Derivation
from cchc.facts.dossiers.options import (
    DeriveOptions,
    EndDate,
    Refused,
    RepeatedSupplements,
    SupplementWait,
    Withdrawn,
)
from cchc.facts.dossiers.problems import DossierError
from cchc.facts.dossiers.spark import derive_counts_spark, spark_session
from cchc.facts.periods import Period

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CHOICES = {
    "end_date": EndDate,
    "withdrawn": Withdrawn,
    "refused": Refused,
    "supplement_wait": SupplementWait,
    "repeated_supplements": RepeatedSupplements,
}


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", metavar="SOURCE")
    parser.add_argument("--period", action="append", required=True, help="e.g. 2024-Q1, 2024")
    parser.add_argument("--output", required=True, help="the facts JSON: a path or a URI")
    parser.add_argument("--problems", help="the record problems as JSON: a path or a URI")
    parser.add_argument("--mapping", help="a column mapping (YAML) on the driver's disk")
    parser.add_argument("--master", default="local[2]", help="when not run by spark-submit")
    defaults = {field.name: field.default for field in fields(DeriveOptions)}
    for name, kind in CHOICES.items():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, default=defaults[name], choices=get_args(kind))
    parser.add_argument("--fully-online", action="store_true")
    parser.add_argument("--bad-row-limit", type=float, default=DeriveOptions.bad_row_limit)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    options = DeriveOptions(
        **{name: getattr(arguments, name) for name in CHOICES},
        fully_online=arguments.fully_online,
        bad_row_limit=arguments.bad_row_limit,
    )
    spark = spark_session(arguments.master, "cchc-dossiers")
    files = expand(spark, arguments.sources)
    periods = [Period.parse(period) for period in arguments.period]
    say = lambda line: print(line, file=sys.stderr)  # noqa: E731
    step = lambda code, **values: say(json.dumps({"step": code, **values}))  # noqa: E731
    try:
        derivation = derive_counts_spark(files, periods, options, arguments.mapping, spark, step)
    except DossierError as error:
        say(json.dumps({"error": error.code, **error.values}, ensure_ascii=False))
        for problem in error.problems[:20]:
            say(json.dumps(problem.as_dict(), ensure_ascii=False))
        if arguments.problems:
            write(spark, arguments.problems, _problems_json(error.problems, error.total))
        return 2
    write(spark, arguments.output, json.dumps(derivation.as_fact_document(), ensure_ascii=False))
    if arguments.problems:
        write(spark, arguments.problems, _report(derivation))
    summary = {
        "rows_read": derivation.rows_read,
        "rows_ignored": derivation.rows_ignored,
        "rows_bad": derivation.rows_bad,
        "count_rows": derivation.counts.height,
    }
    say(json.dumps(summary))
    return 0


def _report(derivation: Derivation) -> str:
    return _problems_json(
        derivation.record_problems, derivation.problems_total, derivation.problem_counts
    )


def _problems_json(
    problems: Sequence[Any], total: int, by_code: dict[str, int] | None = None
) -> str:
    listed = [problem.as_dict() for problem in problems]
    document = {"total": total, "by_code": by_code or {}, "problems": listed}
    return json.dumps(document, ensure_ascii=False)


def _hadoop_path(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    """A Hadoop Path and its FileSystem (through the JVM: any scheme Spark is set up for)."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    configuration = spark.sparkContext._jsc.hadoopConfiguration()
    return path, path.getFileSystem(configuration)


def expand(spark: SparkSession, sources: Sequence[str]) -> list[str]:
    """Every file a source names (a file, a directory's files, a glob's matches), in order;
    a source that names nothing is kept, to be reported as not found."""
    files: list[str] = []
    for source in sources:
        path, system = _hadoop_path(spark, source)
        statuses = system.globStatus(path) or []
        found: list[str] = []
        for status in statuses:
            inner = system.listStatus(status.getPath()) if status.isDirectory() else [status]
            found += [
                str(item.getPath().toString())
                for item in inner
                if item.isFile() and not item.getPath().getName().startswith(("_", "."))
            ]
        files += sorted(found) or [source]
    return files


def write(spark: SparkSession, target: str, text: str) -> None:
    """`text` as the file `target` (UTF-8), on the driver's disk or on shared storage."""
    path, system = _hadoop_path(spark, target)
    stream = system.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


if __name__ == "__main__":
    sys.exit(main())
