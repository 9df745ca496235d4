"""What the four contexts share for taking in a dossier part: its fingerprint, its invalid fields named as the
sender wrote them, and what of it is the receiving gemeente's own (a person who moves back)."""

from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from inburgering_kit.overdracht import dossierfouten, vingerafdruk, zonder_eigen_geschiedenis


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


class TestZonderEigenGeschiedenis:
    def test_wat_de_gemeente_zelf_overdroeg_op_elke_diepte_niet_nog_eens(self) -> None:
        # 0363 → 0599 → 0014 → 0363: 0014's part holds 0599's history, which holds 0363's own.
        van_0363: dict[str, Any] = {"vanGemeente": "0363", "dossier": {"boetes": [250], "eerder": []}}
        van_0599: dict[str, Any] = {"vanGemeente": "0599", "dossier": {"boetes": [150], "eerder": [van_0363]}}
        deel: dict[str, Any] = {"boetes": [75], "eerder": [van_0599]}
        assert zonder_eigen_geschiedenis(deel, "0363", "eerder") == {
            "boetes": [75],
            "eerder": [{"vanGemeente": "0599", "dossier": {"boetes": [150], "eerder": []}}],
        }
        # Elsewhere all of it is history; the part itself is left as it was.
        assert zonder_eigen_geschiedenis(deel, "0518", "eerder") == deel
        assert deel["eerder"] == [van_0599] and van_0599["dossier"]["eerder"] == [van_0363]

    def test_een_platte_lijst_en_een_deel_zonder_lijst(self) -> None:
        pips = {"pips": [{"id": 1}], "geimporteerd": [{"vanGemeente": "0363", "id": 2}, {"vanGemeente": "0599"}]}
        assert zonder_eigen_geschiedenis(pips, "0363", "geimporteerd")["geimporteerd"] == [{"vanGemeente": "0599"}]
        assert zonder_eigen_geschiedenis({"pips": []}, "0363", "geimporteerd") == {"pips": []}
