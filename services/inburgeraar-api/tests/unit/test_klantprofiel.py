from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from inburgeraar_api.domain.klantprofiel import (
    Klantprofiel,
    ToestemmingOntbreekt,
    Voorinburgering,
    Wijziging,
    ZachteInformatie,
    controleer_toestemming,
    verschillen,
)
from inburgering_kit.problems import Unprocessable

_VOLLEDIG: dict[str, Any] = {
    "persoonsgegevens": {
        "voornamen": "Amal",
        "geslachtsnaam": "Haddad",
        "adres": {"straat": "Azc-laan", "huisnummer": 1, "postcode": "1234 AB", "woonplaats": "Budel"},
        "telefoon": "+31 6 12345678",
        "email": "amal@example.org",
    },
    "gezinsleden": [{"relatie": "partner", "geboortejaar": 1990}, {"relatie": "kind", "geboortejaar": 2020}],
    "verblijfsstatus": {"vergunning": "asiel bepaalde tijd", "verleendOp": "2021-11-01"},
    "voorinburgering": {
        "toestemmingVi": True,
        "toetsresultaat": "voldoende",
        "nt2Spreken": "a1",
        "introductiemodules": [{"module": "knm", "afgerond": True}],
        "taalactiviteiten": [{"naam": "Taalcafé", "voortgang": "wekelijks aanwezig"}],
        "viAfgerond": False,
    },
    "taalvaardigheid": {"spreken": "a1", "lezen": "a0", "moedertaal": "Arabisch", "andereTalen": ["Engels"]},
    "opleidingen": [
        {
            "niveau": "hoger-beroepsonderwijs",
            "richting": "boekhouden",
            "land": "Syrië",
            "jaren": 4,
            "diploma": True,
        }
    ],
    "trainingen": [{"naam": "Budgettraining", "afgerond": True}],
    "contactUaf": True,
    "diplomawaardering": {"aangevraagd": True, "aanvraagdatum": "2022-01-05"},
    "cvGemaakt": True,
    "werkervaring": [{"beroep": "boekhouder", "land": "Syrië", "jaren": 6}],
    "zelfwerkzaamheid": "helpt bij de schoonmaak",
    "competenties": ["nauwkeurig", "samenwerken"],
    "computervaardigheden": "Excel, e-mail",
    "ambities": "werken in de administratie",
    "coaContactpersoon": {"naam": "J. de Vries", "telefoon": "088-7157000", "email": "j.devries@coa.example"},
    "zachteInformatie": {"omstandigheden": "zorgt alleen voor een jong kind"},
    "toestemmingZachteInformatie": True,
    "toestemmingDatum": "2022-01-20",
}


def _profiel(**wijziging: Any) -> Klantprofiel:
    return Klantprofiel.model_validate({**_VOLLEDIG, **wijziging})


def _veldnamen(model: type[BaseModel]) -> set[str]:
    namen: set[str] = set()
    for naam, veld in model.model_fields.items():
        namen.add(naam)
        for sub in getattr(veld.annotation, "__args__", (veld.annotation,)):
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                namen |= _veldnamen(sub)
    return namen


class TestKlantprofiel:
    def test_volledig_profiel_heen_en_terug_in_camel_case(self) -> None:
        profiel = _profiel()
        json = profiel.model_dump(mode="json", exclude_none=True)
        assert json["voorinburgering"]["nt2Spreken"] == "a1"
        assert json["coaContactpersoon"]["naam"] == "J. de Vries"
        assert Klantprofiel.model_validate(json) == profiel

    def test_alleen_geslachtsnaam_is_verplicht(self) -> None:
        profiel = Klantprofiel.model_validate({"persoonsgegevens": {"geslachtsnaam": "Haddad"}})
        assert profiel.gezinsleden == ()
        assert profiel.toestemming_zachte_informatie is False
        with pytest.raises(ValidationError):
            Klantprofiel.model_validate({"persoonsgegevens": {"voornamen": "Amal"}})

    def test_geen_bsn_in_het_profiel(self) -> None:
        assert not any("bsn" in naam.lower() for naam in _veldnamen(Klantprofiel))
        with pytest.raises(ValidationError, match="Extra inputs"):
            Klantprofiel.model_validate({"persoonsgegevens": {"geslachtsnaam": "Haddad", "bsn": "123456782"}})

    @pytest.mark.parametrize(
        ("pad", "waarde"),
        [
            ("postcode", "12345"),
            ("telefoon", "bel me"),
            ("email", "geen-adres"),
        ],
    )
    def test_contactgegevens_gevalideerd(self, pad: str, waarde: str) -> None:
        persoon = {"geslachtsnaam": "Haddad"}
        if pad == "postcode":
            persoon["adres"] = {"postcode": waarde}  # type: ignore[assignment]
        else:
            persoon[pad] = waarde
        with pytest.raises(ValidationError):
            Klantprofiel.model_validate({"persoonsgegevens": persoon})

    def test_geen_namen_van_gezinsleden(self) -> None:
        with pytest.raises(ValidationError):
            _profiel(gezinsleden=[{"relatie": "kind", "naam": "Sara"}])

    def test_lijsten_zijn_begrensd(self) -> None:
        with pytest.raises(ValidationError):
            _profiel(competenties=["x"] * 51)

    def test_lege_zachte_informatie_geweigerd(self) -> None:
        with pytest.raises(ValidationError, match="zonder inhoud"):
            ZachteInformatie()


class TestControleerToestemming:
    def test_zonder_zachte_informatie_geen_toestemming_nodig(self) -> None:
        controleer_toestemming(
            _profiel(zachteInformatie=None, toestemmingZachteInformatie=False, toestemmingDatum=None)
        )

    def test_met_toestemming_en_datum(self) -> None:
        controleer_toestemming(_profiel())

    def test_zonder_toestemming_geweigerd(self) -> None:
        with pytest.raises(ToestemmingOntbreekt) as fout:
            controleer_toestemming(_profiel(toestemmingZachteInformatie=False, toestemmingDatum=None))
        assert isinstance(fout.value, Unprocessable)
        assert fout.value.code == "toestemming-ontbreekt"
        assert [p.name for p in fout.value.invalid_params or []] == [
            "toestemmingZachteInformatie",
            "toestemmingDatum",
        ]
        assert fout.value.detail is not None
        assert "handreiking-gegevensverwerking-privacy.txt" in fout.value.detail
        assert "DOMAIN §2 stap 3" in fout.value.detail

    def test_toestemming_zonder_datum_geweigerd(self) -> None:
        with pytest.raises(ToestemmingOntbreekt) as fout:
            controleer_toestemming(_profiel(toestemmingDatum=None))
        assert [p.name for p in fout.value.invalid_params or []] == ["toestemmingDatum"]


class TestVerschillen:
    def test_gelijk_profiel_geen_verschillen(self) -> None:
        assert verschillen(_profiel(), _profiel()) == []

    def test_pad_met_punten(self) -> None:
        nieuw = _profiel(taalvaardigheid={**_VOLLEDIG["taalvaardigheid"], "spreken": "a2"})
        assert verschillen(_profiel(), nieuw) == [Wijziging(pad="taalvaardigheid.spreken", oud="a1", nieuw="a2")]

    def test_diep_pad(self) -> None:
        persoon = {
            **_VOLLEDIG["persoonsgegevens"],
            "adres": {**_VOLLEDIG["persoonsgegevens"]["adres"], "huisnummer": 2},
        }
        wijzigingen = verschillen(_profiel(), _profiel(persoonsgegevens=persoon))
        assert [(w.pad, w.oud, w.nieuw) for w in wijzigingen] == [("persoonsgegevens.adres.huisnummer", 1, 2)]

    def test_lijst_als_geheel_vergeleken(self) -> None:
        wijzigingen = verschillen(_profiel(), _profiel(competenties=["nauwkeurig"]))
        assert wijzigingen == [Wijziging(pad="competenties", oud=["nauwkeurig", "samenwerken"], nieuw=["nauwkeurig"])]

    def test_blok_verschijnt_als_bladvelden(self) -> None:
        oud = _profiel(diplomawaardering=None)
        wijzigingen = verschillen(oud, _profiel())
        assert [(w.pad, w.oud, w.nieuw) for w in wijzigingen] == [
            ("diplomawaardering.aangevraagd", None, True),
            ("diplomawaardering.aanvraagdatum", None, "2022-01-05"),
        ]

    def test_blok_verdwijnt_als_bladvelden(self) -> None:
        wijzigingen = verschillen(_profiel(), _profiel(coaContactpersoon=None))
        assert {w.pad for w in wijzigingen} == {
            "coaContactpersoon.naam",
            "coaContactpersoon.telefoon",
            "coaContactpersoon.email",
        }
        assert all(w.nieuw is None for w in wijzigingen)

    def test_eerste_versie_toont_alle_gevulde_velden(self) -> None:
        nieuw = Klantprofiel.model_validate({"persoonsgegevens": {"geslachtsnaam": "Haddad"}, "cvGemaakt": True})
        wijzigingen = verschillen(None, nieuw)
        assert [(w.pad, w.oud, w.nieuw) for w in wijzigingen] == [
            ("persoonsgegevens.geslachtsnaam", None, "Haddad"),
            ("cvGemaakt", None, True),
            ("toestemmingZachteInformatie", None, False),
        ]

    def test_lege_lijst_van_nieuw_blok_is_geen_wijziging(self) -> None:
        oud = Klantprofiel.model_validate({"persoonsgegevens": {"geslachtsnaam": "Haddad"}})
        nieuw = oud.model_copy(update={"voorinburgering": Voorinburgering(vi_afgerond=True)})
        assert [w.pad for w in verschillen(oud, nieuw)] == ["voorinburgering.viAfgerond"]

    def test_lijst_leeggemaakt_is_wel_een_wijziging(self) -> None:
        assert verschillen(_profiel(), _profiel(trainingen=[])) == [
            Wijziging(pad="trainingen", oud=[{"naam": "Budgettraining", "afgerond": True}], nieuw=[])
        ]

    def test_wijziging_in_json(self) -> None:
        wijziging = Wijziging(pad="cvGemaakt", oud=False, nieuw=True)
        assert wijziging.model_dump(mode="json") == {"pad": "cvGemaakt", "oud": False, "nieuw": True}
