"""What the four contexts share for taking in a dossier part: its fingerprint, and its invalid fields named as the
sender wrote them."""

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from inburgering_kit.overdracht import dossierfouten, vingerafdruk


class Aanwezigheid(BaseModel):
    soort: Literal["aanwezigheid"]
    uren: int


class Resultaat(BaseModel):
    soort: Literal["resultaat"]
    behaald: bool


class Dossier(BaseModel):
    bsn: str
    meldingen: list[Annotated[Aanwezigheid | Resultaat, Field(discriminator="soort")]]


class TestVingerafdruk:
    def test_de_volgorde_van_sleutels_telt_niet_de_inhoud_wel(self) -> None:
        assert vingerafdruk({"a": 1, "b": [1, 2]}) == vingerafdruk({"b": [1, 2], "a": 1})
        assert vingerafdruk({"a": 1}) != vingerafdruk({"a": 2})
        assert vingerafdruk({"naam": "Zoë"}) != vingerafdruk({"naam": "Zoe"})


class TestDossierfouten:
    def test_elk_veld_zoals_de_afzender_het_schreef_zonder_de_tag_en_zonder_de_invoer(self) -> None:
        dossier = {"bsn": 123456782, "meldingen": [{"soort": "aanwezigheid", "uren": "veel"}, {"soort": "x"}]}
        with pytest.raises(ValidationError) as fout:
            Dossier.model_validate(dossier)
        fouten = dossierfouten(fout.value, dossier)
        assert {f.name for f in fouten} == {"dossier.bsn", "dossier.meldingen.0.uren", "dossier.meldingen.1"}
        assert all("123456782" not in f.reason for f in fouten)
