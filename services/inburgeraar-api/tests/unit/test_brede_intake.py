import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from inburgeraar_api.domain import brede_intake
from inburgeraar_api.domain.brede_intake import (
    VERPLICHTE_ONDERWERPEN,
    AfrondenBijAfwezigheidNietToegestaan,
    BredeIntakeOnvolledig,
    GezondheidResultaat,
    IntakeResultaat,
    Leerbaarheidstoets,
    MedischeGegevensGeweigerd,
    OnderwerpResultaat,
    VveKind,
    mag_afronden,
    volgende_stap_na_oproepen,
    weiger_medische_gegevens,
)
from inburgeraar_api.domain.enums import IntakeStap, Leerroute, Onderwerp, OproepUitkomst
from inburgeraar_api.domain.regels import REGELS
from inburgering_kit.problems import Unprocessable

NV = OproepUitkomst.NIET_VERSCHENEN
OM = OproepUitkomst.ONVOLDOENDE_MEEGEWERKT
V = OproepUitkomst.VERSCHENEN
RESULTAAT: TypeAdapter[Any] = TypeAdapter(IntakeResultaat)
uitkomsten_st = st.lists(st.sampled_from([V, NV, OM, None]), max_size=8)


class TestIntakeResultaat:
    def test_algemeen_onderwerp(self) -> None:
        resultaat = RESULTAAT.validate_python(
            {
                "onderwerp": "opleiding",
                "bevindingen": "hbo boekhouden",
                "aandachtspunten": ["diploma waarderen"],
            }
        )
        assert isinstance(resultaat, OnderwerpResultaat)
        assert resultaat.aandachtspunten == ("diploma waarderen",)

    @pytest.mark.parametrize("onderwerp", ["fysieke-gezondheid", "mentale-gezondheid"])
    def test_gezondheid_alleen_omstandigheden_en_gevolgen(self, onderwerp: str) -> None:
        resultaat = RESULTAAT.validate_python(
            {
                "onderwerp": onderwerp,
                "omstandigheden": "kan niet lang zitten",
                "gevolgenVoorTraject": "lessen met pauzes",
            }
        )
        assert isinstance(resultaat, GezondheidResultaat)
        assert resultaat.model_dump(mode="json")["gevolgenVoorTraject"] == "lessen met pauzes"
        with pytest.raises(ValidationError):
            RESULTAAT.validate_python({"onderwerp": onderwerp, "bevindingen": "vrije tekst"})

    def test_gezondheid_niet_als_algemeen_resultaat(self) -> None:
        with pytest.raises(ValidationError, match="literal_error"):
            OnderwerpResultaat(onderwerp=Onderwerp.MENTALE_GEZONDHEID, bevindingen="x")

    def test_bevindingen_begrensd_op_4000(self) -> None:
        RESULTAAT.validate_python({"onderwerp": "motivatie-interesses", "bevindingen": "x" * 4000})
        with pytest.raises(ValidationError):
            RESULTAAT.validate_python({"onderwerp": "motivatie-interesses", "bevindingen": "x" * 4001})

    def test_onbekend_onderwerp_geweigerd(self) -> None:
        with pytest.raises(ValidationError):
            RESULTAAT.validate_python({"onderwerp": "religie", "bevindingen": "x"})


class TestLeerbaarheidstoetsEnVve:
    def test_leerbaarheidstoets(self) -> None:
        toets = Leerbaarheidstoets.model_validate(
            {
                "datum": "2022-02-01",
                "resultaat": "score 62, advies B1",
                "geadviseerdeLeerroute": "z-route",
                "instantie": "Toetsinstituut",
            }
        )
        assert toets.geadviseerde_leerroute is Leerroute.Z_ROUTE
        with pytest.raises(ValidationError):
            Leerbaarheidstoets.model_validate({**toets.model_dump(), "geadviseerdeLeerroute": "a2-route"})

    def test_vve_kind_zonder_naam(self) -> None:
        assert VveKind.model_validate({"geboortejaar": 2020, "vveAdvies": True}).aangemeld is False
        with pytest.raises(ValidationError):
            VveKind.model_validate({"geboortejaar": 2020, "vveAdvies": True, "naam": "Sara"})


class TestWeigerMedischeGegevens:
    def _paden(self, data: dict[str, Any]) -> list[str]:
        with pytest.raises(MedischeGegevensGeweigerd) as fout:
            weiger_medische_gegevens(data)
        return [p.name for p in fout.value.invalid_params or []]

    def test_schone_payload_gaat_door(self) -> None:
        weiger_medische_gegevens(
            {
                "resultaten": [
                    {"onderwerp": "fysieke-gezondheid", "omstandigheden": "kan niet lang zitten"},
                    {"onderwerp": "opleiding", "bevindingen": "behandeling van de aanvraag loopt"},
                ],
                "bijlagen": [{"soort": "identiteitsbewijs"}],
                "behandelingsstatus": "open",
            }
        )

    def test_geneste_sleutel_in_lijst_met_pad(self) -> None:
        data = {"resultaten": [{}, {}, {}, {"onderwerp": "mentale-gezondheid", "diagnose": "x"}]}
        assert self._paden(data) == ["resultaten.3.diagnose"]

    @pytest.mark.parametrize(
        "sleutel",
        [
            "diagnose",
            "Diagnoses",
            "medischDocument",
            "medisch_document",
            "MEDISCHE-DOCUMENTEN",
            "medischeGegevens",
            "medicatie",
            "behandeling",
            "behandelaar",
            "icd10",
            "ICD_10",
            "dsm",
            "medischeVerklaring",
            "medisch_advies",
        ],
    )
    def test_sleutelvarianten(self, sleutel: str) -> None:
        assert self._paden({"a": {"b": [{sleutel: "x"}]}}) == [f"a.b.0.{sleutel}"]

    def test_elk_veld_apart_en_niet_dieper_dan_het_gevonden_veld(self) -> None:
        data = {
            "diagnose": {"medicatie": "y"},
            "onderwerpen": [{"medischAdvies": "z"}, {"ok": True}],
            "gezin": {"kind": {"dsm": "5"}},
        }
        assert self._paden(data) == ["diagnose", "onderwerpen.0.medischAdvies", "gezin.kind.dsm"]

    @pytest.mark.parametrize("soort", ["medisch", "Medische verklaring", "medisch-document", "MEDISCHE_VERKLARING"])
    def test_document_dat_zich_medisch_noemt(self, soort: str) -> None:
        assert self._paden({"bijlagen": [{"soort": "paspoort"}, {"soort": soort, "inhoud": "..."}]}) == ["bijlagen.1"]
        assert self._paden({"document": {"type": soort}}) == ["document"]

    def test_payload_zelf_een_medisch_document(self) -> None:
        assert self._paden({"type": "medisch-document", "inhoud": "..."}) == ["body"]

    def test_weigering_noemt_bron_en_herhaalt_geen_waarden(self) -> None:
        with pytest.raises(MedischeGegevensGeweigerd) as fout:
            weiger_medische_gegevens({"resultaten": [{"diagnose": "geheime-waarde-xyz"}]})
        probleem = fout.value
        assert isinstance(probleem, Unprocessable)
        assert probleem.status == 422
        assert probleem.code == "medische-gegevens-geweigerd"
        assert probleem.detail is not None
        assert "niets opgeslagen" in probleem.detail
        assert "handreiking-gegevensverwerking-privacy.txt" in probleem.detail
        teksten = [probleem.detail, *(p.reason for p in probleem.invalid_params or [])]
        assert not any("geheime-waarde-xyz" in t for t in teksten)


class TestVolgendeStapNaOproepen:
    @pytest.mark.parametrize(
        ("uitkomsten", "stap"),
        [
            ([], IntakeStap.OPROEPEN),
            ([None], IntakeStap.WACHTEN_OP_UITKOMST),
            ([V], IntakeStap.INTAKE_AFNEMEN),
            ([NV], IntakeStap.WAARSCHUWING_OF_BOETE),
            ([OM], IntakeStap.WAARSCHUWING_OF_BOETE),
            ([NV, NV], IntakeStap.WAARSCHUWING_OF_BOETE),
            ([NV, NV, NV], IntakeStap.AFRONDEN_BIJ_AFWEZIGHEID),
            ([NV, OM, NV], IntakeStap.WAARSCHUWING_OF_BOETE),
            ([NV, NV, NV, OM], IntakeStap.AFRONDEN_BIJ_AFWEZIGHEID),
            ([NV, NV, NV, None], IntakeStap.WACHTEN_OP_UITKOMST),
            ([NV, NV, NV, V], IntakeStap.INTAKE_AFNEMEN),
        ],
    )
    def test_voorbeelden(self, uitkomsten: list[OproepUitkomst | None], stap: IntakeStap) -> None:
        assert volgende_stap_na_oproepen(uitkomsten) is stap

    @given(uitkomsten_st)
    def test_eigenschappen(self, uitkomsten: list[OproepUitkomst | None]) -> None:
        stap = volgende_stap_na_oproepen(uitkomsten)
        afwezig = uitkomsten.count(NV)
        laatste = uitkomsten[-1] if uitkomsten else None
        if stap is IntakeStap.AFRONDEN_BIJ_AFWEZIGHEID:
            assert afwezig >= 3
        if laatste in (NV, OM):
            assert stap is (IntakeStap.AFRONDEN_BIJ_AFWEZIGHEID if afwezig >= 3 else IntakeStap.WAARSCHUWING_OF_BOETE)

    def test_volgt_de_regeltabel(self, monkeypatch: pytest.MonkeyPatch) -> None:
        twee = dataclasses.replace(REGELS.brede_intake_max_oproepen, waarde=2)
        monkeypatch.setattr(brede_intake, "REGELS", dataclasses.replace(REGELS, brede_intake_max_oproepen=twee))
        assert volgende_stap_na_oproepen([NV, NV]) is IntakeStap.AFRONDEN_BIJ_AFWEZIGHEID


class TestMagAfronden:
    def test_verplichte_onderwerpen(self) -> None:
        assert {o.value for o in VERPLICHTE_ONDERWERPEN} == {
            "opleiding",
            "werkervaring",
            "fysieke-gezondheid",
            "mentale-gezondheid",
            "gezinssituatie",
            "sociaal-netwerk",
            "taalniveau",
            "zelfredzaamheid",
        }

    def test_volledig_mag_afronden(self) -> None:
        mag_afronden(False, [NV, V], set(VERPLICHTE_ONDERWERPEN), True)

    def test_alles_ontbreekt_wordt_opgesomd(self) -> None:
        with pytest.raises(BredeIntakeOnvolledig) as fout:
            mag_afronden(False, [NV, OM], set(), False)
        assert fout.value.code == "brede-intake-onvolledig"
        assert [p.name for p in fout.value.invalid_params or []] == [
            "oproepen",
            "leerbaarheidstoets",
            "onderwerpen.opleiding",
            "onderwerpen.werkervaring",
            "onderwerpen.taalniveau",
            "onderwerpen.zelfredzaamheid",
            "onderwerpen.gezinssituatie",
            "onderwerpen.fysieke-gezondheid",
            "onderwerpen.mentale-gezondheid",
            "onderwerpen.sociaal-netwerk",
        ]
        assert fout.value.detail is not None
        assert "art. 5.2" in fout.value.detail

    def test_een_onderwerp_ontbreekt(self) -> None:
        with pytest.raises(BredeIntakeOnvolledig) as fout:
            mag_afronden(False, [V], set(VERPLICHTE_ONDERWERPEN) - {Onderwerp.MENTALE_GEZONDHEID}, True)
        assert [p.name for p in fout.value.invalid_params or []] == ["onderwerpen.mentale-gezondheid"]

    def test_zonder_leerbaarheidstoets(self) -> None:
        with pytest.raises(BredeIntakeOnvolledig) as fout:
            mag_afronden(False, [V], set(Onderwerp), False)
        assert [p.name for p in fout.value.invalid_params or []] == ["leerbaarheidstoets"]

    def test_bij_afwezigheid_na_drie_keer_niet_verschenen(self) -> None:
        mag_afronden(True, [NV, NV, NV], set(), False)

    def test_bij_afwezigheid_te_vroeg(self) -> None:
        with pytest.raises(AfrondenBijAfwezigheidNietToegestaan) as fout:
            mag_afronden(True, [NV, NV, OM], set(VERPLICHTE_ONDERWERPEN), True)
        assert isinstance(fout.value, Unprocessable)
        assert fout.value.code == "afronden-bij-afwezigheid-niet-toegestaan"
        assert [p.name for p in fout.value.invalid_params or []] == ["oproepen"]

    @given(uitkomsten_st)
    def test_afwezigheid_alleen_vanaf_drie_keer_niet_verschenen(self, uitkomsten: list[OproepUitkomst | None]) -> None:
        try:
            mag_afronden(True, uitkomsten, set(), False)
            toegestaan = True
        except AfrondenBijAfwezigheidNietToegestaan:
            toegestaan = False
        verschenen_als_laatste = bool(uitkomsten) and uitkomsten[-1] is V
        assert toegestaan is (
            uitkomsten.count(NV) >= REGELS.brede_intake_max_oproepen.waarde and not verschenen_als_laatste
        )

    def test_niet_na_alsnog_verschijnen(self) -> None:
        with pytest.raises(AfrondenBijAfwezigheidNietToegestaan) as fout:
            mag_afronden(True, [NV, NV, NV, V], set(), False)
        assert [p.name for p in fout.value.invalid_params or []] == ["bijAfwezigheid"]
