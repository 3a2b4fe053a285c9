"""The PDF step collects garbage less often, and leaves the collector as it found it."""

from __future__ import annotations

import gc

from dsreport.buildtool.gcpause import YOUNG_THRESHOLD, fewer_collections


def test_thresholds_and_frozen_objects_come_back_after_nested_use() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
        assert gc.get_freeze_count() >= frozen
        with fewer_collections():
            assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])
        assert gc.get_threshold()[0] == max(YOUNG_THRESHOLD, before[0])  # the outer one holds
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_an_error_inside_restores_the_collector() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    try:
        with fewer_collections():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_a_cycle_made_inside_is_freed_afterwards() -> None:
    class Node:
        pass

    with fewer_collections():
        node = Node()
        node.self = node  # type: ignore[attr-defined]
        count = sum(isinstance(o, Node) for o in gc.get_objects())
        del node
    assert count == 1
    gc.collect()
    assert not any(isinstance(o, Node) for o in gc.get_objects())


def test_a_disabled_young_generation_stays_disabled() -> None:
    before = gc.get_threshold()
    gc.set_threshold(0, *before[1:])
    try:
        with fewer_collections():
            assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
