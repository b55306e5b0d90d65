"""The parser accepts the spellings README.md promises ("Diagram conventions"), and any element id."""
from __future__ import annotations

import pytest

from engine.bpmn.parser import element_id, spec_name, timer_expression


@pytest.mark.parametrize("literal", ["P3M", "P14D", "PT2H", "P1Y2M3DT4H5M6S", "P2W", "2026-05-01T08:00:00+02:00",
                                     "2026-05-01", "R3/PT10M", "R/P1D"])
def test_plain_iso_8601_timer_literals_become_strings(literal):
    assert timer_expression(literal) == repr(literal)


@pytest.mark.parametrize("expression", ['"P3M"', "birthdate_25", "interval or 'P1M'"])
def test_anything_else_is_a_python_expression(expression):
    assert timer_expression(expression) == expression


@pytest.mark.parametrize("reserved", ["Start", "End", "Root", "proc.EndJoin", "x.BoundaryEventSplit"])
def test_ids_spiffworkflow_reserves_get_an_internal_name_that_maps_back(reserved):
    assert spec_name(reserved) != reserved
    assert element_id(spec_name(reserved)) == reserved


def test_ordinary_ids_are_their_own_spec_names():
    assert spec_name("k_moede") == "k_moede" == element_id("k_moede")
