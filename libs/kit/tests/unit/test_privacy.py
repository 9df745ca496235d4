"""The betrokkene pseudonym every service records, and the retention calendar."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from inburgering_kit.audit import Verwerkingslog
from inburgering_kit.bsn import Bsn, pseudonymise
from inburgering_kit.retentie import grens, vervaldatum

ID = uuid.UUID("6f1c2b1e-5a0e-4d8e-9a53-1b7f0d2c3e4f")


class TestBetrokkene:
    def test_the_same_in_every_service_with_the_same_deployment_key(self) -> None:
        assert Verwerkingslog(b"sleutel").betrokkene_van(ID) == Verwerkingslog(b"sleutel").betrokkene_van(ID)
        assert len(str(Verwerkingslog(b"sleutel").betrokkene_van(ID))) == 64

    def test_keyed_and_per_registration(self) -> None:
        log = Verwerkingslog(b"sleutel")
        assert log.betrokkene_van(ID) != Verwerkingslog(b"andere").betrokkene_van(ID)
        assert log.betrokkene_van(ID) != log.betrokkene_van(uuid.uuid4())
        assert log.betrokkene_van(None) is None

    def test_never_the_bsn_pseudonym_nor_its_key(self) -> None:
        # A different derived key: the id's pseudonym cannot be matched against a table of BSN pseudonyms.
        log = Verwerkingslog(b"sleutel")
        bsn = Bsn("999993653")
        assert log.betrokkene(bsn) == pseudonymise(bsn, b"sleutel")
        assert log.betrokkene_van(ID) != pseudonymise(bsn, b"sleutel")

    def test_needs_a_key(self) -> None:
        with pytest.raises(ValueError, match="ontbreekt"):
            Verwerkingslog(b"")


class TestKalender:
    def test_kept_through_the_last_day_of_the_term(self) -> None:
        einde = date(2024, 3, 1)
        assert vervaldatum(einde, 5) == date(2029, 3, 1)
        assert not einde < grens(date(2029, 3, 1), 5)
        assert einde < grens(date(2029, 3, 2), 5)

    def test_leap_day(self) -> None:
        assert vervaldatum(date(2024, 2, 29), 5) == date(2029, 2, 28)
