from dataclasses import replace
from datetime import date

import pytest

from pip_api.domain.enums import Doelgroep, Termijnsoort
from pip_api.domain.regels import REGELS
from pip_api.domain.termijnen import Bronfeiten, bereken_termijnen, termijn, termijnstart

BRP = date(2026, 3, 2)
PIP = date(2026, 5, 4)


def _eind(feiten: Bronfeiten, soort: Termijnsoort) -> date:
    gevonden = termijn(bereken_termijnen(feiten), soort)
    assert gevonden is not None
    return gevonden.einddatum


class TestTermijnstart:
    def test_asielmigrant_vanaf_pip(self) -> None:
        assert termijnstart(Bronfeiten(Doelgroep.ASIELMIGRANT, brp_inschrijvingsdatum=BRP, pip_datum=PIP)) == PIP

    @pytest.mark.parametrize("doelgroep", [Doelgroep.GEZINSMIGRANT, Doelgroep.OVERIGE_MIGRANT])
    def test_gezins_en_overige_migrant_vanaf_brp(self, doelgroep: Doelgroep) -> None:
        assert termijnstart(Bronfeiten(doelgroep, brp_inschrijvingsdatum=BRP, pip_datum=PIP)) == BRP

    def test_asielmigrant_na_verhuizing_vanaf_het_eerste_pip_bij_de_vorige_gemeente(self) -> None:
        eerder = date(2025, 9, 1)
        feiten = Bronfeiten(Doelgroep.ASIELMIGRANT, brp_inschrijvingsdatum=BRP, pip_datum=PIP, eerste_pip_datum=eerder)
        assert termijnstart(feiten) == eerder
        # The progress conversations evaluate this gemeente's own PIP: their period runs from its vaststelling.
        gesprekken = termijn(bereken_termijnen(feiten), Termijnsoort.VOORTGANGSGESPREKKEN)
        assert gesprekken is not None and gesprekken.startdatum == PIP

    def test_asielmigrant_zonder_pip_heeft_nog_geen_termijn(self) -> None:
        feiten = Bronfeiten(Doelgroep.ASIELMIGRANT, brp_inschrijvingsdatum=BRP)
        assert termijnstart(feiten) is None
        assert termijn(bereken_termijnen(feiten), Termijnsoort.INBURGERINGSTERMIJN) is None


class TestBerekenTermijnen:
    def test_alles_voor_een_asielmigrant(self) -> None:
        feiten = Bronfeiten(
            Doelgroep.ASIELMIGRANT, brp_inschrijvingsdatum=BRP, pip_datum=PIP, ontzorgen_startdatum=date(2026, 3, 31)
        )
        eind = {t.soort: t.einddatum for t in bereken_termijnen(feiten)}
        assert eind == {
            Termijnsoort.PIP_VASTSTELLING: date(2026, 5, 11),
            Termijnsoort.INBURGERINGSTERMIJN: date(2029, 5, 4),
            Termijnsoort.PVT: date(2029, 5, 4),
            Termijnsoort.MAP: date(2029, 5, 4),
            Termijnsoort.ROUTEWISSEL: date(2027, 11, 4),
            Termijnsoort.VOORTGANGSGESPREKKEN: date(2027, 3, 4),
            Termijnsoort.ONTZORGEN: date(2026, 9, 30),
        }

    def test_elke_termijn_noemt_regel_en_bron(self) -> None:
        feiten = Bronfeiten(Doelgroep.GEZINSMIGRANT, brp_inschrijvingsdatum=BRP, pip_datum=PIP)
        for t in bereken_termijnen(feiten):
            assert t.regel in {r.naam for r in REGELS.alle()}
            assert t.bron

    def test_pip_binnen_tien_weken_na_brp(self) -> None:
        feiten = Bronfeiten(Doelgroep.GEZINSMIGRANT, brp_inschrijvingsdatum=date(2026, 12, 1))
        assert _eind(feiten, Termijnsoort.PIP_VASTSTELLING) == date(2027, 2, 9)

    def test_gezinsmigrant_termijn_vanaf_brp_ook_zonder_pip(self) -> None:
        feiten = Bronfeiten(Doelgroep.GEZINSMIGRANT, brp_inschrijvingsdatum=BRP)
        assert _eind(feiten, Termijnsoort.INBURGERINGSTERMIJN) == date(2029, 3, 2)
        assert termijn(bereken_termijnen(feiten), Termijnsoort.VOORTGANGSGESPREKKEN) is None

    def test_termijn_vanaf_schrikkeldag(self) -> None:
        feiten = Bronfeiten(Doelgroep.ASIELMIGRANT, pip_datum=date(2028, 2, 29))
        assert _eind(feiten, Termijnsoort.INBURGERINGSTERMIJN) == date(2031, 2, 28)
        assert _eind(feiten, Termijnsoort.ROUTEWISSEL) == date(2029, 8, 29)

    def test_duo_verlenging_verschuift_einde_en_map(self) -> None:
        feiten = Bronfeiten(Doelgroep.ASIELMIGRANT, pip_datum=PIP, duo_termijn_einddatum=date(2030, 1, 1))
        assert _eind(feiten, Termijnsoort.INBURGERINGSTERMIJN) == date(2030, 1, 1)
        assert _eind(feiten, Termijnsoort.MAP) == date(2030, 1, 1)
        verlengd = termijn(bereken_termijnen(feiten), Termijnsoort.INBURGERINGSTERMIJN)
        assert verlengd is not None
        assert "DUO" in verlengd.bron
        # the route switch window counts from the start, which a verlenging does not move
        assert _eind(feiten, Termijnsoort.ROUTEWISSEL) == date(2027, 11, 4)

    def test_duo_pvt_en_map_termijnen_gaan_voor(self) -> None:
        feiten = Bronfeiten(
            Doelgroep.ASIELMIGRANT,
            pip_datum=PIP,
            duo_termijn_einddatum=date(2030, 1, 1),
            duo_pvt_einddatum=date(2028, 6, 1),
            duo_map_einddatum=date(2028, 7, 1),
        )
        assert _eind(feiten, Termijnsoort.PVT) == date(2028, 6, 1)
        assert _eind(feiten, Termijnsoort.MAP) == date(2028, 7, 1)

    def test_herberekening_bij_gewijzigd_feit(self) -> None:
        oud = Bronfeiten(Doelgroep.GEZINSMIGRANT, brp_inschrijvingsdatum=BRP)
        nieuw = replace(oud, brp_inschrijvingsdatum=date(2026, 4, 1))
        assert _eind(oud, Termijnsoort.INBURGERINGSTERMIJN) == date(2029, 3, 2)
        assert _eind(nieuw, Termijnsoort.INBURGERINGSTERMIJN) == date(2029, 4, 1)
        assert _eind(nieuw, Termijnsoort.PIP_VASTSTELLING) == date(2026, 6, 10)

    def test_voortgangsgesprekken_minimum_in_eerste_tien_maanden(self) -> None:
        gevonden = termijn(
            bereken_termijnen(Bronfeiten(Doelgroep.OVERIGE_MIGRANT, pip_datum=date(2026, 5, 31))),
            Termijnsoort.VOORTGANGSGESPREKKEN,
        )
        assert gevonden is not None
        assert gevonden.minimum_aantal == 2
        assert gevonden.einddatum == date(2027, 3, 31)

    def test_ontzorgen_zes_maanden_geklemd(self) -> None:
        feiten = Bronfeiten(Doelgroep.ASIELMIGRANT, ontzorgen_startdatum=date(2026, 8, 31))
        assert _eind(feiten, Termijnsoort.ONTZORGEN) == date(2027, 2, 28)

    def test_zonder_feiten_geen_termijnen(self) -> None:
        assert bereken_termijnen(Bronfeiten(Doelgroep.ASIELMIGRANT)) == ()
