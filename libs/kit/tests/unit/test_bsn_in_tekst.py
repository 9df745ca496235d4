"""A BSN typed into free text is found however it is written, and numbers that are no BSN are left alone."""

from __future__ import annotations

import pytest

from inburgering_kit.bsn import contains_bsn


@pytest.mark.parametrize(
    "tekst",
    [
        "999993653",
        "Bel mevrouw (BSN 999993653) voor de intake.",
        "bsn:999993653.",
        "999.993.653",
        "999 993 653",
        "999-993-653",
        "9999.93.653",
        "eerste regel\n111222333\nderde regel",
    ],
)
def test_a_bsn_in_text_is_found(tekst: str) -> None:
    assert contains_bsn(tekst)


@pytest.mark.parametrize(
    "tekst",
    [
        "",
        "Twee lessen per week, 12 uur.",
        "999993654",  # fails the 11-proef
        "000000000",
        "0612345678",  # a phone number: ten digits
        "9999936530",
        "+31 6 12345678",
        "999-993.653",  # mixed separators: no way of writing a BSN
        "KvK 12345678",
        "3f2b8a4e-6c1d-4e0f-9a7b-1c2d3e4f5a60",
    ],
)
def test_other_numbers_are_no_bsn(tekst: str) -> None:
    assert not contains_bsn(tekst)
