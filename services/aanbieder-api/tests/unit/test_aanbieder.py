"""Assigning work to an aanbieder, its deelnemer reference, and the reporting norms."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from aanbieder_api.domain.aanbieder import (
    Aanbiederfeiten,
    ContractInhoud,
    Keurmerk,
    ToewijzingNietToegestaan,
    controleer_toewijzing,
)
from aanbieder_api.domain.enums import Dienst, OpdrachtStatus
from aanbieder_api.domain.meldnorm import achterstanden
from aanbieder_api.domain.opdracht import deelnemerreferentie

CONTRACT = ContractInhoud.model_validate(
    {
        "kenmerk": "K1",
        "begindatum": "2026-01-01",
        "einddatum": "2026-12-31",
        "diensten": [{"dienst": "b1-route", "uren": 1000}, {"dienst": "pvt", "uren": 100}],
    }
)
KEURMERK = Keurmerk.model_validate({"nummer": "BOW-1", "geldigTot": "2026-06-30"})


class TestToewijzing:
    def test_offered_contracted_and_certified_is_allowed(self) -> None:
        feiten = Aanbiederfeiten(frozenset({Dienst.B1_ROUTE}), KEURMERK, (CONTRACT,))
        controleer_toewijzing(feiten, Dienst.B1_ROUTE, date(2026, 6, 30))

    def test_the_keurmerk_counts_for_language_parts_only(self) -> None:
        feiten = Aanbiederfeiten(frozenset({Dienst.B1_ROUTE, Dienst.PVT}), KEURMERK, (CONTRACT,))
        controleer_toewijzing(feiten, Dienst.PVT, date(2026, 9, 1))
        with pytest.raises(ToewijzingNietToegestaan) as fout:
            controleer_toewijzing(feiten, Dienst.B1_ROUTE, date(2026, 9, 1))
        assert [p.code for p in fout.value.invalid_params or []] == ["keurmerk-ongeldig"]

    def test_outside_the_contract_period_is_refused(self) -> None:
        feiten = Aanbiederfeiten(frozenset({Dienst.PVT}), None, (CONTRACT,))
        with pytest.raises(ToewijzingNietToegestaan):
            controleer_toewijzing(feiten, Dienst.PVT, date(2027, 1, 1))


class TestDeelnemerreferentie:
    def test_stable_per_aanbieder_different_between_aanbieders_and_keys(self) -> None:
        persoon, a, b = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        ref = deelnemerreferentie(b"k", "0363", a, persoon)
        assert ref == deelnemerreferentie(b"k", "0363", a, persoon)
        assert ref != deelnemerreferentie(b"k", "0363", b, persoon)
        assert ref != deelnemerreferentie(b"ander", "0363", a, persoon)
        assert str(persoon) not in ref and len(ref) == 21


class TestMeldnorm:
    def kwargs(self, **extra: object) -> dict[str, object]:
        return {
            "onderdeel": Dienst.B1_ROUTE,
            "status": OpdrachtStatus.GESTART,
            "geplande_startdatum": date(2026, 4, 1),
            "gerealiseerde_startdatum": date(2026, 4, 1),
            "laatste_periode_tot": None,
            "peildatum": date(2026, 5, 10),
            "start_dagen": 10,
            "aanwezigheid_dagen": 10,
            **extra,
        }

    def test_a_month_is_due_n_days_after_it_ends(self) -> None:
        assert achterstanden(**self.kwargs()) == []  # type: ignore[arg-type]
        [te_laat] = achterstanden(**self.kwargs(peildatum=date(2026, 5, 11)))  # type: ignore[arg-type]
        assert (te_laat.norm, te_laat.verwacht_uiterlijk, te_laat.dagen_te_laat) == (
            "aanwezigheid-per-maand",
            date(2026, 5, 10),
            1,
        )
        gemeld = self.kwargs(peildatum=date(2026, 6, 1), laatste_periode_tot=date(2026, 4, 30))
        assert achterstanden(**gemeld) == []  # type: ignore[arg-type]

    def test_no_start_reported_and_closed_opdrachten(self) -> None:
        niet_gestart = self.kwargs(
            status=OpdrachtStatus.VERSTREKT, gerealiseerde_startdatum=None, peildatum=date(2026, 4, 12)
        )
        assert [a.norm for a in achterstanden(**niet_gestart)] == ["start"]  # type: ignore[arg-type]
        afgerond = self.kwargs(status=OpdrachtStatus.AFGEROND, peildatum=date(2027, 1, 1))
        assert achterstanden(**afgerond) == []  # type: ignore[arg-type]
        toets = self.kwargs(onderdeel=Dienst.LEERBAARHEIDSTOETS, peildatum=date(2027, 1, 1))
        assert achterstanden(**toets) == []  # type: ignore[arg-type]
