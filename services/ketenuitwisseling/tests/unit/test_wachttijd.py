"""The back-off between attempts at a partner or an owner."""

from __future__ import annotations

from ketenuitwisseling.services.partners import wachttijd


def test_verdubbelt_tot_het_maximum() -> None:
    assert [wachttijd(n, 60.0) for n in (1, 2, 3, 7, 8)] == [1.0, 2.0, 4.0, 60.0, 60.0]


def test_na_duizenden_pogingen_nog_steeds_het_maximum() -> None:
    # A long outage: the count of attempts grows past what 2**n as a float can hold.
    assert wachttijd(5000, 900.0) == 900.0


def test_nooit_korter_dan_de_partner_vraagt() -> None:
    assert wachttijd(1, 60.0, retry_after_s=30.0) == 30.0
