from datetime import date

import pytest

from pip_api.domain.enums import Doelgroep, Examenonderdeel, Leerroute, Routeverplichting
from pip_api.domain.leerroutes import (
    AfschalenGeweigerd,
    IntensiteitNietToegestaan,
    MapNietInRoute,
    RoutewisselGeweigerd,
    ZRouteOnvolledig,
    controleer_afschalen,
    controleer_intensiteit,
    controleer_map,
    controleer_routewissel,
    controleer_z_route,
    routeverplichting,
)
from pip_api.domain.regels import REGELS

START = date(2026, 5, 4)


class TestRoutewissel:
    def _wissel(self, wisseldatum: date, grond: str | None = "leerbaarheid lager dan verwacht") -> None:
        controleer_routewissel(
            huidige=Leerroute.B1, nieuwe=Leerroute.Z_ROUTE, termijnstart=START, wisseldatum=wisseldatum, grond=grond
        )

    @pytest.mark.parametrize("wisseldatum", [START, date(2027, 11, 4)])
    def test_binnen_venster_inclusief_grenzen(self, wisseldatum: date) -> None:
        self._wissel(wisseldatum)

    @pytest.mark.parametrize("wisseldatum", [date(2027, 11, 5), date(2026, 5, 3)])
    def test_buiten_venster_geweigerd_met_regel_en_bron(self, wisseldatum: date) -> None:
        with pytest.raises(RoutewisselGeweigerd) as fout:
            self._wissel(wisseldatum)
        assert fout.value.regel == REGELS.routewissel_venster.naam
        assert "1,5 jaar" in fout.value.bron
        details = fout.value.to_details()
        assert details.status == 422
        assert details.model_extra == {"regel": "routewissel-venster", "bron": REGELS.routewissel_venster.bron}

    def test_na_een_jaar_mag_het_nog_want_seed_001_wint(self) -> None:
        self._wissel(date(2027, 6, 1))

    @pytest.mark.parametrize("grond", [None, "", "   "])
    def test_zonder_grond_geweigerd(self, grond: str | None) -> None:
        with pytest.raises(RoutewisselGeweigerd, match="onderbouwd"):
            self._wissel(date(2026, 6, 1), grond)

    def test_zelfde_route_is_geen_wissel(self) -> None:
        with pytest.raises(RoutewisselGeweigerd, match="gelijk"):
            controleer_routewissel(
                huidige=Leerroute.B1, nieuwe=Leerroute.B1, termijnstart=START, wisseldatum=START, grond="x"
            )

    def test_zonder_termijnstart_geweigerd(self) -> None:
        with pytest.raises(RoutewisselGeweigerd, match="nog niet gestart"):
            controleer_routewissel(
                huidige=Leerroute.B1, nieuwe=Leerroute.Z_ROUTE, termijnstart=None, wisseldatum=START, grond="x"
            )


class TestAfschalen:
    def test_na_600_uur_met_grond(self) -> None:
        controleer_afschalen(
            leerroute=Leerroute.B1, onderdelen=[Examenonderdeel.SCHRIJVEN], taaluren=600, grond="observatie aanbieder"
        )

    @pytest.mark.parametrize("taaluren", [None, 0, 599])
    def test_voor_600_uur_geweigerd(self, taaluren: int | None) -> None:
        with pytest.raises(AfschalenGeweigerd, match="600 uur") as fout:
            controleer_afschalen(
                leerroute=Leerroute.B1, onderdelen=[Examenonderdeel.SPREKEN], taaluren=taaluren, grond="x"
            )
        assert fout.value.regel == "afschalen-minimum-taaluren"

    def test_zonder_onderdelen_geweigerd(self) -> None:
        with pytest.raises(AfschalenGeweigerd, match="examenonderdeel"):
            controleer_afschalen(leerroute=Leerroute.B1, onderdelen=[], taaluren=700, grond="x")

    def test_zonder_grond_geweigerd(self) -> None:
        with pytest.raises(AfschalenGeweigerd, match="onderbouwd"):
            controleer_afschalen(leerroute=Leerroute.B1, onderdelen=[Examenonderdeel.LEZEN], taaluren=700, grond="")

    @pytest.mark.parametrize("leerroute", [Leerroute.ONDERWIJSROUTE, Leerroute.Z_ROUTE])
    def test_alleen_b1_route(self, leerroute: Leerroute) -> None:
        with pytest.raises(AfschalenGeweigerd, match="Alleen de B1-route"):
            controleer_afschalen(leerroute=leerroute, onderdelen=[Examenonderdeel.LEZEN], taaluren=700, grond="x")


class TestZRoute:
    def test_800_en_800(self) -> None:
        controleer_z_route(taaluren=800, participatieuren=800)

    @pytest.mark.parametrize(
        ("taal", "participatie", "velden"),
        [
            (799, 800, ["zRoute.taaluren"]),
            (800, 799, ["zRoute.participatieuren"]),
            (None, None, ["zRoute.taaluren", "zRoute.participatieuren"]),
        ],
    )
    def test_te_weinig_uren(self, taal: int | None, participatie: int | None, velden: list[str]) -> None:
        with pytest.raises(ZRouteOnvolledig) as fout:
            controleer_z_route(taaluren=taal, participatieuren=participatie)
        assert [p.name for p in fout.value.invalid_params or []] == velden
        assert "800 uur" in fout.value.bron


class TestAanbodEnIntensiteit:
    def test_route_is_verplichting_voor_asielmigrant(self) -> None:
        assert routeverplichting(Doelgroep.ASIELMIGRANT) is Routeverplichting.VERPLICHTING

    @pytest.mark.parametrize("doelgroep", [Doelgroep.GEZINSMIGRANT, Doelgroep.OVERIGE_MIGRANT])
    def test_route_is_aanbod_voor_gezins_en_overige_migrant(self, doelgroep: Doelgroep) -> None:
        assert routeverplichting(doelgroep) is Routeverplichting.AANBOD

    def test_intensiteit_alleen_voor_asielmigranten(self) -> None:
        controleer_intensiteit(Doelgroep.ASIELMIGRANT, "hoog")
        controleer_intensiteit(Doelgroep.GEZINSMIGRANT, None)
        with pytest.raises(IntensiteitNietToegestaan) as fout:
            controleer_intensiteit(Doelgroep.GEZINSMIGRANT, "hoog")
        assert "art. 16" in fout.value.bron


class TestMap:
    @pytest.mark.parametrize("leerroute", [Leerroute.B1, Leerroute.Z_ROUTE])
    def test_map_in_b1_en_z_route(self, leerroute: Leerroute) -> None:
        controleer_map(leerroute, heeft_map=True)

    def test_geen_map_in_onderwijsroute(self) -> None:
        controleer_map(Leerroute.ONDERWIJSROUTE, heeft_map=False)
        with pytest.raises(MapNietInRoute):
            controleer_map(Leerroute.ONDERWIJSROUTE, heeft_map=True)
