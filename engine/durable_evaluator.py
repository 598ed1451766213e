"""durable-rules 2.0.28, inside the tight wrapper its known faults call for.

- One private Host per evaluation with the background dispatcher threads disabled; never the
  global `durable.lang` registry.
- A fresh ruleset name per evaluation (names are never reused in a process), freed when done.
- Records posted one at a time (never the batch-posting or fact-asserting calls); each is matched by
  exactly one single-pattern rule, so no joins and no arithmetic happen inside the engine.
- Exceptions raised in actions are swallowed by durable-rules: they are captured and re-raised.
- Its DeprecationWarning on Python 3.12 (utcfromtimestamp) is filtered, and only that one,
  only around its own calls.
"""

from __future__ import annotations

import itertools
import uuid
import warnings
from collections.abc import Callable, Collection
from typing import Any

from cchc.engine.decision import Status, UnmatchedRecord, status_clauses
from cchc.rules.conditions import Condition

try:
    import durable_rules_engine as _native
    from durable import engine as _durable
except ImportError as _error:  # CPython 3.13+, or the package not installed
    _durable = None
    IMPORT_ERROR: str | None = str(_error)
else:
    IMPORT_ERROR = None

_names = itertools.count()


def available() -> bool:
    return _durable is not None


def to_durable(condition: Condition) -> dict[str, Any]:
    """The compiled condition in durable-rules' JSON ruleset language."""
    if "all" in condition:
        return {"$and": [to_durable(part) for part in condition["all"]]}
    if "any" in condition:
        return {"$or": [to_durable(part) for part in condition["any"]]}
    field, op, value = condition["test"]
    if op == "eq":
        return {field: value}
    return {{"ne": "$neq"}.get(op, f"${op}"): {field: value}}


if _durable is not None:

    class _QuietHost(_durable.Host):
        """A Host whose dispatcher threads never start: everything runs in post()."""

        def _run(self) -> None:
            return None


class DurableEvaluator:
    name = "durable"

    def __init__(self) -> None:
        if _durable is None:
            raise RuntimeError(f"durable-rules cannot be imported here: {IMPORT_ERROR}")

    def evaluate(
        self,
        checks: dict[str, Condition],
        records: list[dict[str, Any]],
        at_risk: Collection[str] = (),
    ) -> list[Status]:
        """Each record's status; a check in `at_risk` has shortfalls in open periods at risk."""
        results: dict[str, Status] = {}
        errors: list[BaseException] = []

        def action(status: Status) -> Callable[[Any], None]:
            def run(context: Any) -> None:
                try:
                    record_id = context.m["id"]
                    if record_id in results:
                        raise UnmatchedRecord(f"record {record_id} matched two status clauses")
                    results[record_id] = status
                except BaseException as error:  # durable-rules would swallow it
                    errors.append(error)

            return run

        definition: dict[str, Any] = {}
        for check, condition in checks.items():
            for index, (status, clause) in enumerate(status_clauses(condition, check in at_risk)):
                guarded = {"all": [{"test": ["check", "eq", check]}, clause]}
                definition[f"{check}-{index}-{status}"] = {
                    "all": [{"m": to_durable(guarded)}],
                    "run": action(status),
                }
        host = _QuietHost()
        name = f"cchc-{next(_names)}-{uuid.uuid4().hex}"
        host.set_rulesets({name: definition})
        ruleset = host.get_ruleset(name)
        try:
            with warnings.catch_warnings():
                # durable-rules calls utcfromtimestamp on every post (deprecated in 3.12): that
                # one warning is silenced here, where it is raised; every other one still shows.
                warnings.filterwarnings(
                    "ignore", message=r".*utcfromtimestamp.*", category=DeprecationWarning
                )
                self._post_all(host, name, records, errors)
        finally:
            ruleset.delete_state("0")  # the default session every record went to
            _native.delete_ruleset(ruleset._handle)
        return [results[record["id"]] for record in records]

    @staticmethod
    def _post_all(
        host: Any, name: str, records: list[dict[str, Any]], errors: list[BaseException]
    ) -> None:
        for record in records:
            try:
                host.post(name, record)
            except _durable.MessageNotHandledException as error:
                raise UnmatchedRecord(f"record {record} matched no status clause") from error
            if errors:
                raise errors[0]
