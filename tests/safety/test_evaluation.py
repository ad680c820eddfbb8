"""The measures behind the safety net's release gates."""

from __future__ import annotations

import pytest

from frontdoor.safety.evaluation import Gates, Row, gate_failures, pattern_skeleton, table, wilson


def test_wilson_interval_of_a_known_proportion() -> None:
    low, high = wilson(38, 40)
    assert low == pytest.approx(0.835, abs=0.001)
    assert high == pytest.approx(0.986, abs=0.001)
    assert wilson(40, 40)[1] == 1.0
    assert wilson(0, 0) == (0.0, 1.0)


def test_table_counts_by_kind_then_all() -> None:
    rows = table(["a", "b", "a", "a"], [True, False, False, True])
    assert rows == [Row("a", 2, 3), Row("b", 0, 1), Row("all", 2, 4)]


def test_gates_fail_on_recall_overall_and_by_kind_and_on_false_alarms() -> None:
    gates = Gates(recall=0.9, kind_recall=0.8, false_alarms=0.1)
    crisis = [Row("passive_wish", 7, 10), Row("self_harm", 10, 10), Row("all", 17, 20)]
    negative = [Row("carer", 3, 10), Row("all", 3, 10)]
    failures = gate_failures(crisis, negative, gates)
    assert len(failures) == 3
    assert any("passive_wish" in f for f in failures)
    good = [Row("passive_wish", 10, 10), Row("all", 10, 10)]
    assert gate_failures(good, [Row("all", 0, 10)], gates) == []


def test_gates_fail_on_too_many_safety_checks_when_asked_to() -> None:
    gates = Gates(recall=0.9, kind_recall=0.8, false_alarms=0.1, checks=0.2)
    crisis = [Row("all", 10, 10)]
    negative = [Row("all", 0, 10)]
    assert gate_failures(crisis, negative, gates, [Row("all", 2, 10)]) == []
    [failure] = gate_failures(crisis, negative, gates, [Row("all", 3, 10)])
    assert failure.startswith("safety checks 0.300")


def test_a_pattern_skeleton_keeps_its_words() -> None:
    assert pattern_skeleton(r"\bi (want|wish) to die\b") == "i want wish to die"
