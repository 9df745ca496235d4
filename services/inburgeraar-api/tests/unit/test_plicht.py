from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from inburgeraar_api.domain.enums import Doelgroep, Omvang, PlichtMutatieSoort, PlichtOnderdeel, Termijnsoort
from inburgeraar_api.domain.plicht import (
    PLICHT_MUTATIE,
    AangepasteExamenomstandigheden,
    Certificaat,
    Diploma,
    Examenresultaat,
    Ontheffing,
    PlichtAlVastgesteld,
    PlichtGewijzigd,
    PlichtIsVervallen,
    PlichtMutatie,
    PlichtNietVastgesteld,
    PlichtStand,
    PlichtVastgesteld,
    PlichtVervallen,
    RechtMaatschappelijkeBegeleiding,
    TermijnAlVastgesteld,
    TermijnGewijzigd,
    TermijnNietVastgesteld,
    TermijnVastgesteld,
    Verlenging,
    VerlengingAangevraagd,
    VerlengingAfgewezen,
    VerlengingNietLater,
    Vrijstelling,
    bepaal_plichtstand,
    controleer_mutatie,
)
from inburgering_kit.problems import Unprocessable

S = PlichtMutatieSoort
IBP = Termijnsoort.IBP


def _vastgesteld(op: date = date(2022, 1, 10), **kw: Any) -> PlichtVastgesteld:
    return PlichtVastgesteld(soort=S.PLICHT_VASTGESTELD, ingangsdatum=op, bron="DUO", **kw)


def _termijn(op: date, eind: date, termijn: Termijnsoort = IBP) -> TermijnVastgesteld:
    return TermijnVastgesteld(soort=S.TERMIJN_VASTGESTELD, ingangsdatum=op, bron="DUO", termijn=termijn, einddatum=eind)


def _gewijzigd(op: date, eind: date, termijn: Termijnsoort = IBP) -> TermijnGewijzigd:
    return TermijnGewijzigd(
        soort=S.TERMIJN_GEWIJZIGD,
        ingangsdatum=op,
        bron="DUO",
        termijn=termijn,
        nieuwe_einddatum=eind,
        reden="correctie",
    )


def _verlenging(op: date, eind: date, termijn: Termijnsoort = IBP) -> Verlenging:
    return Verlenging(
        soort=S.VERLENGING,
        ingangsdatum=op,
        bron="DUO",
        termijn=termijn,
        nieuwe_einddatum=eind,
        reden="geen aanbod",
        kenmerk="DUO-123",
    )


def _vrijstelling(op: date, omvang: Omvang, *onderdelen: PlichtOnderdeel) -> Vrijstelling:
    return Vrijstelling(soort=S.VRIJSTELLING, ingangsdatum=op, bron="DUO", omvang=omvang, onderdelen=onderdelen)


def _vervallen(op: date) -> PlichtVervallen:
    return PlichtVervallen(soort=S.PLICHT_VERVALLEN, ingangsdatum=op, bron="DUO")


_BASIS = {"ingangsdatum": "2022-03-01", "bron": "DUO"}
_MINIMAAL: dict[PlichtMutatieSoort, dict[str, Any]] = {
    S.PLICHT_VASTGESTELD: {},
    S.PLICHT_GEWIJZIGD: {"verblijfsdoel": "asiel bepaalde tijd"},
    S.PLICHT_VERVALLEN: {},
    S.VRIJSTELLING: {"omvang": "gedeeltelijke", "onderdelen": ["map"]},
    S.ONTHEFFING: {"omvang": "gehele"},
    S.AANGEPASTE_EXAMENOMSTANDIGHEDEN: {"onderdelen": ["spreken"], "aanpassingen": "extra tijd"},
    S.RECHT_MAATSCHAPPELIJKE_BEGELEIDING: {"recht": True},
    S.TERMIJN_VASTGESTELD: {"termijn": "pvt", "einddatum": "2025-03-01"},
    S.TERMIJN_GEWIJZIGD: {"termijn": "pvt", "nieuweEinddatum": "2025-06-01", "reden": "correctie"},
    S.VERLENGING: {"termijn": "ibp", "nieuweEinddatum": "2026-01-01", "reden": "ziekte in gezin"},
    S.EXAMENRESULTAAT: {"onderdeel": "lezen", "examendatum": "2025-02-01", "behaald": True},
    S.DIPLOMA: {"diplomadatum": "2025-03-01"},
    S.CERTIFICAAT: {"certificaatdatum": "2025-03-01"},
    S.VERLENGING_AANGEVRAAGD: {"termijn": "ibp", "aanvraagdatum": "2025-03-01"},
    S.VERLENGING_AFGEWEZEN: {"termijn": "ibp", "reden": "geen bijzondere omstandigheden"},
}
_KLASSE = {
    S.PLICHT_VASTGESTELD: PlichtVastgesteld,
    S.PLICHT_GEWIJZIGD: PlichtGewijzigd,
    S.PLICHT_VERVALLEN: PlichtVervallen,
    S.VRIJSTELLING: Vrijstelling,
    S.ONTHEFFING: Ontheffing,
    S.AANGEPASTE_EXAMENOMSTANDIGHEDEN: AangepasteExamenomstandigheden,
    S.RECHT_MAATSCHAPPELIJKE_BEGELEIDING: RechtMaatschappelijkeBegeleiding,
    S.TERMIJN_VASTGESTELD: TermijnVastgesteld,
    S.TERMIJN_GEWIJZIGD: TermijnGewijzigd,
    S.VERLENGING: Verlenging,
    S.EXAMENRESULTAAT: Examenresultaat,
    S.DIPLOMA: Diploma,
    S.CERTIFICAAT: Certificaat,
    S.VERLENGING_AANGEVRAAGD: VerlengingAangevraagd,
    S.VERLENGING_AFGEWEZEN: VerlengingAfgewezen,
}


def _parse(soort: PlichtMutatieSoort, **extra: Any) -> PlichtMutatie:
    return PLICHT_MUTATIE.validate_python({"soort": soort.value, **_BASIS, **_MINIMAAL[soort], **extra})


class TestPlichtMutatie:
    @pytest.mark.parametrize("soort", list(PlichtMutatieSoort))
    def test_discriminator_kiest_de_vorm(self, soort: PlichtMutatieSoort) -> None:
        mutatie = _parse(soort)
        assert type(mutatie) is _KLASSE[soort]
        assert mutatie.model_dump(mode="json")["soort"] == soort.value

    @pytest.mark.parametrize("soort", list(PlichtMutatieSoort))
    def test_onbekend_veld_geweigerd(self, soort: PlichtMutatieSoort) -> None:
        with pytest.raises(ValidationError, match="Extra inputs"):
            _parse(soort, bsn="123456782")

    def test_veld_van_andere_soort_geweigerd(self) -> None:
        with pytest.raises(ValidationError):
            _parse(S.PLICHT_VERVALLEN, termijn="ibp")

    def test_zonder_of_met_onbekende_soort_geweigerd(self) -> None:
        with pytest.raises(ValidationError):
            PLICHT_MUTATIE.validate_python(_BASIS)
        with pytest.raises(ValidationError):
            PLICHT_MUTATIE.validate_python({**_BASIS, "soort": "plicht-verzonnen"})

    def test_json_velden_in_camel_case(self) -> None:
        mutatie = _parse(S.VERLENGING, kenmerk="DUO-9")
        assert mutatie.model_dump(mode="json") == {
            "ingangsdatum": "2022-03-01",
            "bron": "DUO",
            "kenmerk": "DUO-9",
            "soort": "verlenging",
            "termijn": "ibp",
            "nieuweEinddatum": "2026-01-01",
            "reden": "ziekte in gezin",
        }

    def test_gedeeltelijk_zonder_onderdelen_geweigerd(self) -> None:
        with pytest.raises(ValidationError, match="ten minste één onderdeel"):
            _parse(S.VRIJSTELLING, onderdelen=[])

    def test_geheel_met_onderdelen_geweigerd(self) -> None:
        with pytest.raises(ValidationError, match="geen onderdelen"):
            _parse(S.ONTHEFFING, onderdelen=["pvt"])

    def test_dubbel_onderdeel_geweigerd(self) -> None:
        with pytest.raises(ValidationError, match="één keer"):
            _parse(S.VRIJSTELLING, onderdelen=["map", "map"])

    def test_plicht_gewijzigd_zonder_wijziging_geweigerd(self) -> None:
        with pytest.raises(ValidationError, match="doelgroep of een nieuw verblijfsdoel"):
            PLICHT_MUTATIE.validate_python({**_BASIS, "soort": "plicht-gewijzigd", "reden": "x"})

    def test_termijn_begin_na_eind_geweigerd(self) -> None:
        with pytest.raises(ValidationError, match="begindatum"):
            _parse(S.TERMIJN_VASTGESTELD, begindatum="2025-03-01")

    def test_ontheffing_heeft_geen_veld_voor_gronden(self) -> None:
        with pytest.raises(ValidationError):
            _parse(S.ONTHEFFING, reden="medisch")


class TestBepaalPlichtstand:
    def test_zonder_mutaties_niet_plichtig(self) -> None:
        assert bepaal_plichtstand([]) == PlichtStand()
        assert bepaal_plichtstand([]).plichtig is False

    def test_volgorde_op_ingangsdatum_met_verlenging(self) -> None:
        vastgesteld = _vastgesteld(date(2022, 1, 10), doelgroep=Doelgroep.ASIELMIGRANT)
        termijn = _termijn(date(2022, 3, 1), date(2025, 3, 1))
        gewijzigd = _gewijzigd(date(2022, 6, 1), date(2025, 4, 1))
        verlenging = _verlenging(date(2024, 11, 1), date(2026, 1, 1))
        # Received out of order: the verlenging first, the vaststelling last.
        stand = bepaal_plichtstand([verlenging, gewijzigd, termijn, vastgesteld])
        assert stand.plichtig is True
        assert stand.vastgesteld_op == date(2022, 1, 10)
        assert stand.doelgroep is Doelgroep.ASIELMIGRANT
        ibp = stand.termijnen[IBP]
        assert ibp.einddatum == date(2026, 1, 1)
        assert ibp.historie == (termijn, gewijzigd, verlenging)

    def test_zelfde_ingangsdatum_houdt_ontvangstvolgorde(self) -> None:
        dag = date(2022, 1, 10)
        stand = bepaal_plichtstand([_vastgesteld(dag), _termijn(dag, date(2025, 1, 10))])
        assert stand.termijnen[IBP].einddatum == date(2025, 1, 10)
        with pytest.raises(PlichtNietVastgesteld):
            bepaal_plichtstand([_termijn(dag, date(2025, 1, 10)), _vastgesteld(dag)])

    def test_te_laat_ontvangen_mutatie_wordt_op_haar_plaats_gecontroleerd(self) -> None:
        # The termijn-gewijzigd arrives last, but its ingangsdatum lies before the termijn was set.
        mutaties: list[PlichtMutatie] = [
            _vastgesteld(date(2022, 1, 10)),
            _termijn(date(2022, 3, 1), date(2025, 3, 1)),
            _gewijzigd(date(2022, 2, 1), date(2025, 6, 1)),
        ]
        with pytest.raises(TermijnNietVastgesteld):
            bepaal_plichtstand(mutaties)

    def test_gedeeltelijke_vrijstellingen_tellen_op(self) -> None:
        stand = bepaal_plichtstand(
            [
                _vastgesteld(),
                _vrijstelling(date(2022, 2, 1), Omvang.GEDEELTELIJKE, PlichtOnderdeel.PVT),
                _vrijstelling(date(2022, 3, 1), Omvang.GEDEELTELIJKE, PlichtOnderdeel.MAP, PlichtOnderdeel.LEZEN),
            ]
        )
        assert stand.vrijstelling is not None
        assert stand.vrijstelling.omvang is Omvang.GEDEELTELIJKE
        assert stand.vrijstelling.onderdelen == (
            PlichtOnderdeel.LEZEN,
            PlichtOnderdeel.PVT,
            PlichtOnderdeel.MAP,
        )
        assert stand.ontheffing is None

    @pytest.mark.parametrize("gehele_eerst", [True, False])
    def test_gehele_vrijstelling_dekt_alles(self, gehele_eerst: bool) -> None:
        geheel = _vrijstelling(date(2022, 2, 1), Omvang.GEHELE)
        deel = _vrijstelling(
            date(2022, 3, 1) if gehele_eerst else date(2022, 1, 20), Omvang.GEDEELTELIJKE, PlichtOnderdeel.MAP
        )
        stand = bepaal_plichtstand([_vastgesteld(), geheel, deel])
        assert stand.vrijstelling is not None
        assert stand.vrijstelling.omvang is Omvang.GEHELE
        assert stand.vrijstelling.onderdelen == ()

    def test_ontheffing_apart_van_vrijstelling(self) -> None:
        ontheffing = Ontheffing(
            soort=S.ONTHEFFING,
            ingangsdatum=date(2022, 2, 1),
            bron="DUO",
            omvang=Omvang.GEDEELTELIJKE,
            onderdelen=(PlichtOnderdeel.PVT,),
        )
        stand = bepaal_plichtstand([_vastgesteld(), ontheffing])
        assert stand.ontheffing is not None
        assert stand.ontheffing.onderdelen == (PlichtOnderdeel.PVT,)
        assert stand.vrijstelling is None

    def test_examenomstandigheden_en_recht_op_begeleiding(self) -> None:
        aanpassing = AangepasteExamenomstandigheden(
            soort=S.AANGEPASTE_EXAMENOMSTANDIGHEDEN,
            ingangsdatum=date(2022, 2, 1),
            bron="DUO",
            onderdelen=(PlichtOnderdeel.SCHRIJVEN,),
            aanpassingen="vergroot lettertype",
        )
        recht = RechtMaatschappelijkeBegeleiding(
            soort=S.RECHT_MAATSCHAPPELIJKE_BEGELEIDING, ingangsdatum=date(2022, 2, 1), bron="DUO", recht=True
        )
        geen_recht = recht.model_copy(update={"ingangsdatum": date(2022, 5, 1), "recht": False})
        stand = bepaal_plichtstand([_vastgesteld(), geen_recht, aanpassing, recht])
        assert stand.aangepaste_examenomstandigheden == (aanpassing,)
        assert stand.recht_maatschappelijke_begeleiding is False
        assert bepaal_plichtstand([_vastgesteld()]).recht_maatschappelijke_begeleiding is None

    def test_plicht_gewijzigd_houdt_wat_niet_wijzigt(self) -> None:
        wijziging = PlichtGewijzigd(
            soort=S.PLICHT_GEWIJZIGD,
            ingangsdatum=date(2022, 4, 1),
            bron="DUO",
            doelgroep=Doelgroep.GEZINSMIGRANT,
            reden="ander verblijfsdoel",
        )
        stand = bepaal_plichtstand([_vastgesteld(doelgroep=Doelgroep.ASIELMIGRANT, verblijfsdoel="asiel"), wijziging])
        assert stand.doelgroep is Doelgroep.GEZINSMIGRANT
        assert stand.verblijfsdoel == "asiel"

    def test_vervallen_houdt_de_geschiedenis(self) -> None:
        stand = bepaal_plichtstand(
            [
                _vastgesteld(),
                _termijn(date(2022, 3, 1), date(2025, 3, 1)),
                _vervallen(date(2023, 1, 1)),
            ]
        )
        assert stand.plichtig is False
        assert stand.vervallen_op == date(2023, 1, 1)
        assert stand.termijnen[IBP].einddatum == date(2025, 3, 1)

    def test_opnieuw_vastgesteld_na_vervallen_is_een_nieuwe_plicht(self) -> None:
        stand = bepaal_plichtstand(
            [
                _vastgesteld(),
                _termijn(date(2022, 3, 1), date(2025, 3, 1)),
                _vervallen(date(2023, 1, 1)),
                _vastgesteld(date(2023, 6, 1)),
                _termijn(date(2023, 7, 1), date(2026, 7, 1)),
            ]
        )
        assert stand.plichtig is True
        assert stand.vastgesteld_op == date(2023, 6, 1)
        assert stand.vervallen_op is None
        assert stand.termijnen[IBP].einddatum == date(2026, 7, 1)
        assert len(stand.termijnen[IBP].historie) == 1

    def test_stand_in_camel_case_json(self) -> None:
        stand = bepaal_plichtstand([_vastgesteld(), _termijn(date(2022, 3, 1), date(2025, 3, 1))])
        json = stand.model_dump(mode="json")
        assert json["vastgesteldOp"] == "2022-01-10"
        assert json["termijnen"]["ibp"]["einddatum"] == "2025-03-01"
        assert PlichtStand.model_validate(json) == stand


class TestControleerMutatie:
    @pytest.mark.parametrize("soort", [s for s in PlichtMutatieSoort if s is not S.PLICHT_VASTGESTELD])
    def test_niets_voordat_de_plicht_is_vastgesteld(self, soort: PlichtMutatieSoort) -> None:
        with pytest.raises(PlichtNietVastgesteld) as fout:
            controleer_mutatie(PlichtStand(), _parse(soort))
        assert isinstance(fout.value, Unprocessable)
        assert fout.value.status == 422
        assert fout.value.code == "plicht-niet-vastgesteld"
        assert fout.value.detail is not None
        assert "handreiking-gegevensverwerking-privacy.txt" in fout.value.detail
        assert [p.name for p in fout.value.invalid_params or []] == ["soort"]

    def test_vaststelling_mag_op_lege_stand(self) -> None:
        controleer_mutatie(PlichtStand(), _vastgesteld())

    def test_tweede_vaststelling_geweigerd(self) -> None:
        stand = bepaal_plichtstand([_vastgesteld()])
        with pytest.raises(PlichtAlVastgesteld) as fout:
            controleer_mutatie(stand, _vastgesteld(date(2022, 5, 1)))
        assert fout.value.code == "plicht-al-vastgesteld"

    @pytest.mark.parametrize(
        "mutatie",
        [
            _gewijzigd(date(2023, 2, 1), date(2025, 6, 1)),
            _verlenging(date(2023, 2, 1), date(2026, 6, 1)),
            _termijn(date(2023, 2, 1), date(2026, 2, 1), Termijnsoort.MAP),
            _vrijstelling(date(2023, 2, 1), Omvang.GEHELE),
        ],
        ids=lambda m: m.soort,
    )
    def test_na_vervallen_geweigerd(self, mutatie: PlichtMutatie) -> None:
        stand = bepaal_plichtstand(
            [
                _vastgesteld(),
                _termijn(date(2022, 3, 1), date(2025, 3, 1)),
                _vervallen(date(2023, 1, 1)),
            ]
        )
        with pytest.raises(PlichtIsVervallen) as fout:
            controleer_mutatie(stand, mutatie)
        assert fout.value.code == "plicht-vervallen"

    @pytest.mark.parametrize("maak", [_gewijzigd, _verlenging], ids=["termijn-gewijzigd", "verlenging"])
    def test_wijziging_van_nooit_vastgestelde_termijn_geweigerd(self, maak: Any) -> None:
        stand = bepaal_plichtstand([_vastgesteld(), _termijn(date(2022, 3, 1), date(2025, 3, 1), Termijnsoort.PVT)])
        with pytest.raises(TermijnNietVastgesteld) as fout:
            controleer_mutatie(stand, maak(date(2023, 1, 1), date(2026, 1, 1), IBP))
        assert fout.value.code == "termijn-niet-vastgesteld"
        assert [p.name for p in fout.value.invalid_params or []] == ["termijn"]

    def test_termijn_twee_keer_vastgesteld_geweigerd(self) -> None:
        stand = bepaal_plichtstand([_vastgesteld(), _termijn(date(2022, 3, 1), date(2025, 3, 1))])
        with pytest.raises(TermijnAlVastgesteld):
            controleer_mutatie(stand, _termijn(date(2022, 4, 1), date(2025, 4, 1)))

    @pytest.mark.parametrize("nieuw_eind", [date(2025, 3, 1), date(2024, 12, 1)], ids=["gelijk", "eerder"])
    def test_verlenging_moet_later_eindigen(self, nieuw_eind: date) -> None:
        stand = bepaal_plichtstand([_vastgesteld(), _termijn(date(2022, 3, 1), date(2025, 3, 1))])
        with pytest.raises(VerlengingNietLater) as fout:
            controleer_mutatie(stand, _verlenging(date(2024, 1, 1), nieuw_eind))
        assert [p.name for p in fout.value.invalid_params or []] == ["nieuweEinddatum"]

    def test_termijn_gewijzigd_mag_ook_eerder_eindigen(self) -> None:
        stand = bepaal_plichtstand([_vastgesteld(), _termijn(date(2022, 3, 1), date(2025, 3, 1))])
        controleer_mutatie(stand, _gewijzigd(date(2022, 6, 1), date(2024, 12, 1)))
