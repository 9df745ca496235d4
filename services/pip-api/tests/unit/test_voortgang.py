"""The rules on provider progress: the hours a route decision rests on, attendance against the norm, and the
signals progress and registration call for; each at its boundary."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pip_api.domain.enums import Doelgroep, Leerroute, Termijnsoort
from pip_api.domain.leerroutes import AfschalenGeweigerd, ZRouteOnvolledig
from pip_api.domain.regels import REGELS
from pip_api.domain.voortgang import (
    Periode,
    Uren,
    UrenOverride,
    afschalen_uren,
    bsnsignaal,
    controleer_z_route_gerealiseerd,
    gemelde_taaluren,
    huisvestingssignaal,
    meldsignaal,
    oproepsignaal,
    percentage,
    reeksen_onder_norm,
    startsignaal,
)

D = Decimal


class TestAfschalen:
    """Afschalen B1 → A2 after 600 hours of language teaching reported by the providers
    (gemeentelijk-beleidsplan-inburgering.txt, B1-route); typed hours only as a documented override."""

    @pytest.mark.parametrize("gemeld", [D(0), D(599), D("599.99")])
    def test_minder_dan_600_gemeld_geweigerd(self, gemeld: Decimal) -> None:
        with pytest.raises(AfschalenGeweigerd) as fout:
            afschalen_uren(gemeld, None)
        assert fout.value.regel == "afschalen-minimum-taaluren"
        assert [p.name for p in fout.value.invalid_params or []] == ["afschaling.gerealiseerdeTaaluren"]

    @pytest.mark.parametrize("gemeld", [D(600), D("600.25"), D(1200)])
    def test_600_gemeld_volstaat(self, gemeld: Decimal) -> None:
        besluit = afschalen_uren(gemeld, None)
        assert (besluit.uren, besluit.bron, besluit.reden) == (int(gemeld), "aanbieder", None)

    def test_eigen_opgave_met_reden_geldt_in_plaats_van_de_meldingen(self) -> None:
        besluit = afschalen_uren(D(10), UrenOverride(600, "uren bij een aanbieder buiten het systeem"))
        assert (besluit.uren, besluit.bron, besluit.reden) == (
            600,
            "gemeente",
            "uren bij een aanbieder buiten het systeem",
        )

    def test_eigen_opgave_onder_600_geweigerd(self) -> None:
        with pytest.raises(AfschalenGeweigerd) as fout:
            afschalen_uren(D(700), UrenOverride(599, "opgave"))
        assert [p.name for p in fout.value.invalid_params or []] == ["urenOverride.taaluren"]

    def test_eigen_opgave_zonder_reden_geweigerd(self) -> None:
        with pytest.raises(AfschalenGeweigerd) as fout:
            afschalen_uren(D(0), UrenOverride(600, "  "))
        assert [p.name for p in fout.value.invalid_params or []] == ["urenOverride.reden"]

    def test_taaluren_zijn_aanwezigheid_in_een_taalroute_en_het_taaldeel_van_de_z_route(self) -> None:
        opdrachten = [
            Uren("b1-route", aanwezig=D(300)),
            Uren("onderwijsroute", aanwezig=D(200)),
            Uren("z-route", aanwezig=D(999), taal=D(100), participatie=D(500)),
            Uren("pvt", aanwezig=D(12)),
            Uren("map", aanwezig=D(40)),
        ]
        assert gemelde_taaluren(opdrachten) == D(600)


class TestZRouteGerealiseerd:
    """A Z-route is done after 800 + 800 realised hours (gemeentelijk-beleidsplan-inburgering.txt, Z-route)."""

    @pytest.mark.parametrize(
        ("taal", "participatie", "velden"),
        [
            (D(799), D(800), ["zRoute.gerealiseerdeTaaluren"]),
            (D(800), D("799.75"), ["zRoute.gerealiseerdeParticipatieuren"]),
            (D(0), D(0), ["zRoute.gerealiseerdeTaaluren", "zRoute.gerealiseerdeParticipatieuren"]),
        ],
    )
    def test_onder_800_niet_afgerond(self, taal: Decimal, participatie: Decimal, velden: list[str]) -> None:
        with pytest.raises(ZRouteOnvolledig) as fout:
            controleer_z_route_gerealiseerd([Uren("z-route", taal=taal, participatie=participatie)], Leerroute.Z_ROUTE)
        assert [p.name for p in fout.value.invalid_params or []] == velden

    def test_800_en_800_over_opdrachten_samen(self) -> None:
        controleer_z_route_gerealiseerd(
            [Uren("z-route", taal=D(500), participatie=D(800)), Uren("z-route", taal=D(300))], Leerroute.Z_ROUTE
        )

    def test_andere_route_niet_getoetst(self) -> None:
        controleer_z_route_gerealiseerd([], Leerroute.B1)


def _p(maand: int, aanwezig: int, ongeoorloofd: int = 0) -> Periode:
    van = date(2026, maand, 1)
    return Periode(van, van + timedelta(days=27), D(aanwezig), D(ongeoorloofd))


class TestAanwezigheid:
    def test_percentage_laat_geoorloofd_verzuim_buiten_beschouwing_en_rondt_af_naar_beneden(self) -> None:
        assert percentage(D(79), D(21)) == 79
        assert percentage(D("79.99"), D("20.01")) == 79
        assert percentage(D(80), D(20)) == 80
        assert percentage(D(0), D(0)) == 100

    def test_norm_grens_80(self) -> None:
        # 80 % is at the norm (not below), 79.99 % is below
        assert reeksen_onder_norm([_p(1, 80, 20), _p(2, 80, 20)], 80, 2) == []
        [reeks] = reeksen_onder_norm(
            [Periode(date(2026, 1, 1), date(2026, 1, 31), D("79.99"), D("20.01")), _p(2, 70, 30)], 80, 2
        )
        assert reeks.aantal == 2

    def test_n_perioden_op_rij(self) -> None:
        perioden = [_p(1, 50, 50), _p(2, 90, 10), _p(3, 60, 40), _p(4, 70, 30), _p(5, 50, 50), _p(6, 100)]
        assert reeksen_onder_norm(perioden, 80, 4) == []
        [reeks] = reeksen_onder_norm(perioden, 80, 3)
        assert (reeks.van, reeks.tot, reeks.sleuteldatum, reeks.aantal) == (
            date(2026, 3, 1),
            date(2026, 5, 28),
            date(2026, 5, 28),
            3,
        )
        assert reeks.percentage == 60
        # with N = 2 the same run is named by its second period, so it stays one signal while it grows
        [reeks] = reeksen_onder_norm(perioden, 80, 2)
        assert reeks.sleuteldatum == date(2026, 4, 28)
        assert reeks.aantal == 3

    def test_een_melding_zonder_verzuim_onderbreekt_de_reeks(self) -> None:
        zonder = Periode(None, None, D(40))
        assert reeksen_onder_norm([_p(1, 50, 50), zonder, _p(3, 50, 50)], 80, 2) == []

    def test_twee_reeksen_twee_signalen(self) -> None:
        perioden = [_p(1, 50, 50), _p(2, 50, 50), _p(3, 100), _p(4, 50, 50), _p(5, 50, 50)]
        assert [r.sleuteldatum for r in reeksen_onder_norm(perioden, 80, 2)] == [date(2026, 2, 28), date(2026, 5, 28)]


class TestSignalen:
    def test_geen_start_gemeld_vanaf_de_dag_na_de_geplande_start(self) -> None:
        start = date(2026, 5, 1)
        assert startsignaal("verstrekt", start, None, start) is None
        signaal = startsignaal("verstrekt", start, None, start + timedelta(days=1))
        assert signaal is not None
        assert (signaal.termijnsoort, signaal.einddatum, signaal.regel) == (
            Termijnsoort.START_OPDRACHT,
            start,
            REGELS.start_opdracht.naam,
        )
        assert startsignaal("gestart", start, date(2026, 5, 3), date(2026, 6, 1)) is None
        assert startsignaal("ingetrokken", start, None, date(2026, 6, 1)) is None

    def test_geen_melding_langer_dan_de_meldnorm(self) -> None:
        laatst = date(2026, 5, 31)
        einde = laatst + timedelta(days=45)
        assert meldsignaal("gestart", laatst, einde) is None
        signaal = meldsignaal("gestart", laatst, einde + timedelta(days=1))
        assert signaal is not None
        assert (signaal.termijnsoort, signaal.einddatum) == (Termijnsoort.VOORTGANGSMELDING, einde)
        assert meldsignaal("afgerond", laatst, date(2027, 1, 1)) is None

    def test_huisvesting_12_weken_na_koppeling(self) -> None:
        koppeling = date(2026, 2, 1)
        einde = koppeling + timedelta(weeks=12)
        assert huisvestingssignaal(Doelgroep.ASIELMIGRANT, koppeling, None, einde - timedelta(days=15), 14) is None
        nadert = huisvestingssignaal(Doelgroep.ASIELMIGRANT, koppeling, None, einde - timedelta(days=14), 14)
        assert nadert is not None
        assert nadert[1] is True
        assert nadert[0].einddatum == einde
        verstreken = huisvestingssignaal(Doelgroep.ASIELMIGRANT, koppeling, None, einde + timedelta(days=1), 14)
        assert verstreken is not None
        assert verstreken[1] is False
        # housed (inschreven in de BRP), or not a statushouder: nothing to signal
        assert huisvestingssignaal(Doelgroep.ASIELMIGRANT, koppeling, date(2026, 4, 1), date(2026, 6, 1), 14) is None
        assert huisvestingssignaal(Doelgroep.GEZINSMIGRANT, koppeling, None, date(2026, 6, 1), 14) is None

    def test_oproep_zonder_uitkomst_na_een_week(self) -> None:
        afspraak = date(2026, 4, 1)
        assert oproepsignaal(afspraak, None, date(2026, 4, 8)) is None
        signaal = oproepsignaal(afspraak, None, date(2026, 4, 9))
        assert signaal is not None
        assert (signaal.termijnsoort, signaal.einddatum) == (Termijnsoort.BREDE_INTAKE_OPROEP, date(2026, 4, 8))
        assert oproepsignaal(afspraak, "niet-verschenen", date(2026, 5, 1)) is None

    def test_bsn_ontbreekt_na_vier_weken(self) -> None:
        sinds = date(2026, 3, 2)
        assert bsnsignaal(sinds, sinds + timedelta(weeks=4)) is None
        signaal = bsnsignaal(sinds, sinds + timedelta(weeks=4, days=1))
        assert signaal is not None
        assert signaal.termijnsoort is Termijnsoort.BSN_ONTBREEKT
        assert bsnsignaal(None, date(2027, 1, 1)) is None
