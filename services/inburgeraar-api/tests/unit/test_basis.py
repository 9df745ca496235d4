import pytest
from pydantic import ValidationError

from inburgeraar_api.domain.basis import Diplomawaardering, Opleiding, Taalniveau, Werkervaring
from inburgeraar_api.domain.enums import Cefr, Opleidingsniveau


class TestDomeinModel:
    def test_json_in_lower_camel_case(self) -> None:
        waardering = Diplomawaardering(aangevraagd=True, aanvraagdatum="2022-02-01")
        assert waardering.model_dump(mode="json") == {
            "aangevraagd": True,
            "aanvraagdatum": "2022-02-01",
            "uitkomst": None,
        }
        werk = Werkervaring.model_validate({"beroep": "kok", "vrijwilligerswerk": True})
        assert werk.vrijwilligerswerk is True

    def test_onbekend_veld_geweigerd(self) -> None:
        with pytest.raises(ValidationError, match="Extra inputs"):
            Taalniveau.model_validate({"spreken": "a2", "dialect": "x"})

    def test_onveranderlijk(self) -> None:
        niveau = Taalniveau(spreken=Cefr.A2)
        with pytest.raises(ValidationError):
            niveau.spreken = Cefr.B1  # type: ignore[misc]

    @pytest.mark.parametrize("tekst", ["", "   ", "x" * 201])
    def test_begrensde_tekst(self, tekst: str) -> None:
        with pytest.raises(ValidationError):
            Opleiding(niveau=Opleidingsniveau.BEROEPSONDERWIJS, richting=tekst)

    def test_jaren_niet_negatief(self) -> None:
        with pytest.raises(ValidationError):
            Werkervaring(beroep="kok", jaren=-1)


class TestDiplomawaardering:
    def test_datum_zonder_aanvraag_geweigerd(self) -> None:
        with pytest.raises(ValidationError, match="alleen als de waardering is aangevraagd"):
            Diplomawaardering.model_validate({"aangevraagd": False, "aanvraagdatum": "2022-02-01"})

    def test_uitkomst_zonder_aanvraag_geweigerd(self) -> None:
        with pytest.raises(ValidationError):
            Diplomawaardering.model_validate({"aangevraagd": False, "uitkomst": "hbo-bachelor"})

    def test_niet_aangevraagd_zonder_details(self) -> None:
        assert Diplomawaardering(aangevraagd=False).aanvraagdatum is None
