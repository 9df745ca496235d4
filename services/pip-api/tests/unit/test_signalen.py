"""The signal rule: which signal a termijn calls for on a given day, and its natural key."""

from __future__ import annotations

from datetime import date

import pytest

from pip_api.domain.enums import Doelgroep, Termijnsoort
from pip_api.domain.signalen import (
    NIET_GESIGNALEERD,
    STANDAARD_AANLOOP_DAGEN,
    Aanloop,
    Gesprek,
    Signaalsleutel,
    Signaalsoort,
    signaalsoort,
    signalen,
    vaststellingssignaal,
    voortgangssignaal,
)
from pip_api.domain.termijnen import Bronfeiten, Termijn, bereken_termijnen

PIP = date(2026, 5, 4)
EIND = date(2029, 5, 4)
TERMIJN = Termijn(Termijnsoort.PVT, PIP, EIND, "pvt-termijn", "Wet inburgering 2021 art. 7")


class TestSignaalsoort:
    def test_standaard_aanloop_is_dertig_dagen(self) -> None:
        assert Aanloop().dagen(Termijnsoort.PVT) == STANDAARD_AANLOOP_DAGEN == 30

    @pytest.mark.parametrize(
        ("vandaag", "verwacht"),
        [
            (date(2029, 4, 3), None),  # 31 days before: not yet
            (date(2029, 4, 4), Signaalsoort.NADERT),  # exactly the lead time
            (date(2029, 5, 4), Signaalsoort.NADERT),  # the uiterste datum itself is still inside the termijn
            (date(2029, 5, 5), Signaalsoort.VERSTREKEN),  # passed from the day after
        ],
    )
    def test_grenzen(self, vandaag: date, verwacht: Signaalsoort | None) -> None:
        assert signaalsoort(TERMIJN, vandaag, Aanloop()) is verwacht

    def test_aanloop_per_termijnsoort(self) -> None:
        aanloop = Aanloop(30, {Termijnsoort.PVT: 90})
        assert aanloop.dagen(Termijnsoort.PVT) == 90
        assert aanloop.dagen(Termijnsoort.MAP) == 30
        assert signaalsoort(TERMIJN, date(2029, 2, 3), aanloop) is Signaalsoort.NADERT

    def test_geen_aanloop_signaleert_alleen_de_dag_zelf(self) -> None:
        assert signaalsoort(TERMIJN, date(2029, 5, 3), Aanloop(0)) is None
        assert signaalsoort(TERMIJN, EIND, Aanloop(0)) is Signaalsoort.NADERT


class TestSignalen:
    def test_sleutel_per_termijn_einddatum_en_soort(self) -> None:
        termijnen = bereken_termijnen(Bronfeiten(Doelgroep.ASIELMIGRANT, brp_inschrijvingsdatum=PIP, pip_datum=PIP))
        gevonden = signalen(termijnen, date(2029, 4, 10), Aanloop())
        assert [sleutel for sleutel, _ in gevonden] == [
            Signaalsleutel(Termijnsoort.INBURGERINGSTERMIJN, EIND, Signaalsoort.NADERT),
            Signaalsleutel(Termijnsoort.MAP, EIND, Signaalsoort.NADERT),
            Signaalsleutel(Termijnsoort.PVT, EIND, Signaalsoort.NADERT),
            Signaalsleutel(Termijnsoort.ROUTEWISSEL, date(2027, 11, 4), Signaalsoort.VERSTREKEN),
            # No conversations recorded at all: the 10-month norm was missed.
            Signaalsleutel(Termijnsoort.VOORTGANGSGESPREKKEN, date(2027, 3, 4), Signaalsoort.VERSTREKEN),
        ]

    def test_verschoven_termijn_is_een_nieuwe_sleutel(self) -> None:
        feiten = Bronfeiten(Doelgroep.ASIELMIGRANT, pip_datum=PIP)
        verlengd = Bronfeiten(Doelgroep.ASIELMIGRANT, pip_datum=PIP, duo_termijn_einddatum=date(2030, 5, 4))
        dag = date(2030, 4, 20)

        def sleutel(f: Bronfeiten) -> Signaalsleutel:
            return next(
                s for s, t in signalen(bereken_termijnen(f), dag, Aanloop()) if t.soort.value == "inburgeringstermijn"
            )

        assert sleutel(feiten) == Signaalsleutel(Termijnsoort.INBURGERINGSTERMIJN, EIND, Signaalsoort.VERSTREKEN)
        assert sleutel(verlengd) == Signaalsleutel(
            Termijnsoort.INBURGERINGSTERMIJN, date(2030, 5, 4), Signaalsoort.NADERT
        )

    def test_pip_vaststelling_niet(self) -> None:
        termijnen = bereken_termijnen(Bronfeiten(Doelgroep.ASIELMIGRANT, brp_inschrijvingsdatum=PIP, pip_datum=PIP))
        soorten = {t.soort for _, t in signalen(termijnen, date(2035, 1, 1), Aanloop())}
        assert soorten.isdisjoint(NIET_GESIGNALEERD)
        assert Termijnsoort.INBURGERINGSTERMIJN in soorten


class TestVoortgangsgesprekken:
    """At least 2 held in the first 10 months after the PIP (kamerbrief-tussenstand-veranderopgave.txt)."""

    PERIODE = Termijn(
        Termijnsoort.VOORTGANGSGESPREKKEN, PIP, date(2027, 3, 4), "voortgangsgesprekken-periode", "", minimum_aantal=2
    )

    def signaal(self, vandaag: date, *gesprekken: Gesprek) -> Signaalsoort | None:
        return voortgangssignaal(self.PERIODE, gesprekken, vandaag, Aanloop())

    def test_nadert_zolang_er_minder_dan_twee_gepland_of_gehouden_zijn(self) -> None:
        een = Gesprek(date(2026, 7, 1), date(2026, 7, 1))
        assert self.signaal(date(2027, 2, 1)) is None  # outside the lead time
        assert self.signaal(date(2027, 2, 10), een) is Signaalsoort.NADERT
        assert self.signaal(date(2027, 2, 10), een, Gesprek(date(2027, 2, 20))) is None
        # planned after the period does not count towards the norm
        assert self.signaal(date(2027, 2, 10), een, Gesprek(date(2027, 3, 5))) is Signaalsoort.NADERT

    def test_verstreken_als_er_minder_dan_twee_gehouden_zijn(self) -> None:
        een = Gesprek(date(2026, 7, 1), date(2026, 7, 1))
        assert self.signaal(date(2027, 3, 5), een, Gesprek(date(2027, 2, 20))) is Signaalsoort.VERSTREKEN
        # held after the period is too late for the norm
        assert (
            self.signaal(date(2027, 3, 5), een, Gesprek(date(2027, 2, 20), date(2027, 3, 5))) is Signaalsoort.VERSTREKEN
        )
        assert self.signaal(date(2027, 3, 5), een, Gesprek(date(2027, 2, 20), date(2027, 3, 4))) is None


class TestVaststellingssignaal:
    """The PIP must be vastgesteld within 10 weeks after the BRP inschrijving (Wet inburgering 2021 art. 16)."""

    BRP = date(2026, 3, 2)
    UITERSTE = date(2026, 5, 11)  # 10 weeks later: the last day inside the termijn

    @pytest.mark.parametrize(
        ("vandaag", "verwacht"),
        [
            (date(2026, 4, 10), None),  # 31 days before: not yet
            (date(2026, 4, 11), Signaalsoort.NADERT),  # exactly the lead time
            (date(2026, 5, 11), Signaalsoort.NADERT),
            (date(2026, 5, 12), Signaalsoort.VERSTREKEN),
        ],
    )
    def test_tien_weken_na_brp(self, vandaag: date, verwacht: Signaalsoort | None) -> None:
        gevonden = vaststellingssignaal(self.BRP, vandaag, Aanloop())
        if verwacht is None:
            assert gevonden is None
            return
        assert gevonden is not None
        sleutel, termijn = gevonden
        assert sleutel == Signaalsleutel(Termijnsoort.PIP_VASTSTELLING, self.UITERSTE, verwacht)
        assert termijn.regel == "pip-termijn-na-brp-inschrijving"
        assert (termijn.startdatum, termijn.einddatum) == (self.BRP, self.UITERSTE)
        assert "Wet inburgering 2021 art. 16" in termijn.bron

    def test_zelfde_termijn_als_de_engine(self) -> None:
        feiten = Bronfeiten(doelgroep=Doelgroep.ASIELMIGRANT, brp_inschrijvingsdatum=self.BRP)
        engine = next(t for t in bereken_termijnen(feiten) if t.soort is Termijnsoort.PIP_VASTSTELLING)
        gevonden = vaststellingssignaal(self.BRP, date(2026, 6, 1), Aanloop())
        assert gevonden is not None
        assert gevonden[1] == engine

    def test_aanloop_per_soort(self) -> None:
        lood = Aanloop(per_soort={Termijnsoort.PIP_VASTSTELLING: 7})
        assert vaststellingssignaal(self.BRP, date(2026, 5, 3), lood) is None
        gevonden = vaststellingssignaal(self.BRP, date(2026, 5, 4), lood)
        assert gevonden is not None
        assert gevonden[0].soort is Signaalsoort.NADERT
