from datetime import date

import pytest

from pip_api.domain.enums import Doelgroep, Examenonderdeel, Leerroute, Taalniveau
from pip_api.domain.leerroutes import AfschalenGeweigerd, RegelGeschonden, ZRouteOnvolledig
from pip_api.domain.pip import (
    Afschaling,
    DatumsOngeldig,
    InhoudOngeldig,
    MapAfspraak,
    PipInhoud,
    PipStatus,
    PvtAfspraak,
    StatusStaatHetNietToe,
    controleer_beschikkingsdatums,
    controleer_inhoud,
    gewijzigde_velden,
    vereis_status,
)

B1 = PipInhoud(leerroute=Leerroute.B1, taalniveau=Taalniveau.B1)


class TestPipInhoud:
    def test_wijzig_geeft_een_nieuw_document_en_laat_het_oude_staan(self) -> None:
        nieuw = B1.wijzig({"taalniveau": "A2", "klantregisseur": "k.de.vries"})
        assert (nieuw.taalniveau, nieuw.klantregisseur) == (Taalniveau.A2, "k.de.vries")
        assert B1.taalniveau is Taalniveau.B1

    def test_wijzig_naar_ongeldig_geheel_is_422(self) -> None:
        with pytest.raises(InhoudOngeldig) as fout:
            B1.wijzig({"leerroute": None})
        assert [p.name for p in fout.value.invalid_params or []] == ["leerroute"]

    def test_gewijzigde_velden_in_json_namen(self) -> None:
        nieuw = B1.wijzig({"leerroute": "z-route", "z_route": {"taaluren": 800, "participatieuren": 800}})
        assert gewijzigde_velden(B1, nieuw) == ["leerroute", "zRoute"]
        assert gewijzigde_velden(B1, B1) == []

    def test_map_themas_uniek_en_uiterste_datum_na_start(self) -> None:
        with pytest.raises(ValueError, match="één keer"):
            MapAfspraak(aanbieder="x", themas=("werk-vinden", "werk-vinden"))
        with pytest.raises(ValueError, match="vóór de geplande start"):
            PvtAfspraak(aanbieder="x", geplande_start=date(2026, 6, 1), uiterste_datum=date(2026, 5, 1))


class TestControleerInhoud:
    def test_geldige_b1_route(self) -> None:
        controleer_inhoud(Doelgroep.ASIELMIGRANT, B1.wijzig({"intensiteit": "hoog"}))

    def test_z_route_zonder_uren(self) -> None:
        with pytest.raises(ZRouteOnvolledig):
            controleer_inhoud(Doelgroep.ASIELMIGRANT, B1.wijzig({"leerroute": "z-route"}))

    def test_pvt_minder_dan_12_uur(self) -> None:
        with pytest.raises(RegelGeschonden) as fout:
            controleer_inhoud(Doelgroep.GEZINSMIGRANT, B1.wijzig({"pvt": {"aanbieder": "x", "uren": 11}}))
        assert fout.value.regel == "pvt-minimum-uren"

    def test_afschaling_alleen_getoetst_als_ze_nieuw_is(self) -> None:
        afschaling = Afschaling(onderdelen=(Examenonderdeel.SPREKEN,), grond="x", gerealiseerde_taaluren=100)
        met = B1.model_copy(update={"afschaling": afschaling})
        with pytest.raises(AfschalenGeweigerd):
            controleer_inhoud(Doelgroep.ASIELMIGRANT, met)
        # an earlier, already decided afschaling is not judged again when something else changes
        controleer_inhoud(Doelgroep.ASIELMIGRANT, met.model_copy(update={"klantregisseur": "y"}), vorige=met)


class TestLevensloop:
    def test_status(self) -> None:
        vereis_status(PipStatus.CONCEPT, PipStatus.CONCEPT, handeling="Vaststellen")
        with pytest.raises(StatusStaatHetNietToe, match="vastgesteld"):
            vereis_status(PipStatus.VASTGESTELD, PipStatus.CONCEPT, handeling="Het concept bewerken")

    def test_beschikkingsdatums(self) -> None:
        controleer_beschikkingsdatums(date(2026, 5, 4), date(2026, 5, 4), date(2026, 5, 4))
        with pytest.raises(DatumsOngeldig) as fout:
            controleer_beschikkingsdatums(date(2026, 5, 4), date(2026, 5, 3), date(2026, 5, 1))
        assert [p.name for p in fout.value.invalid_params or []] == ["verzenddatum", "ingangsdatum"]
