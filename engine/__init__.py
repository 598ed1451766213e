"""Evaluate a catalogue's rules over a fact set, with durable-rules or the pure-Python evaluator."""

from cchc.engine.evaluation import Evaluation, evaluate
from cchc.engine.findings import Finding

__all__ = ["Evaluation", "Finding", "evaluate"]
