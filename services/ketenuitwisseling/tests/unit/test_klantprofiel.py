"""COA's TVS profile in the gemeente's structured klantprofiel; free text is never forced into structure."""

from __future__ import annotations

from ketenuitwisseling.domain.klantprofiel import vertaal


class TestVertaal:
    def test_gestructureerd_wat_kan_en_de_rest_genoemd(self) -> None:
        uit = vertaal(
            {
                "contactgegevens": {
                    "voornamen": "Amal", "achternaam": "Haddad", "telefoon": "+31 6 12345678",
                    "adres": "Dorpsstraat 12a, 1234 AB Ons Dorp",
                },
                "gezin": "partner en twee kinderen",
                "voorinburgering": {"toestemming": True, "nt2Spreken": "A1", "introductiemodules": ["KNM", "taal"]},
                "taalvaardigheid": "A2",
                "trainingen": ["heftruck"],
                "diplomawaardering": {"aangevraagd": True, "start": "2026-10-01"},
                "competenties": "samenwerken; plannen",
                "coaContactpersoon": "J. de Vries",
            }
        )  # fmt: skip
        p = uit.profiel
        assert p["persoonsgegevens"] == {
            "voornamen": "Amal", "geslachtsnaam": "Haddad", "telefoon": "+31 6 12345678",
            "adres": {
                "straat": "Dorpsstraat", "huisnummer": 12, "huisnummertoevoeging": "a", "postcode": "1234 AB",
                "woonplaats": "Ons Dorp",
            },
        }  # fmt: skip
        assert p["voorinburgering"] == {
            "toestemmingVi": True,
            "nt2Spreken": "a1",
            "introductiemodules": [{"module": "knm"}],
        }
        assert p["taalvaardigheid"]["lezen"] == "a2"
        assert p["diplomawaardering"] == {"aangevraagd": True, "aanvraagdatum": "2026-10-01"}
        assert p["competenties"] == ["samenwerken", "plannen"]
        assert p["coaContactpersoon"] == {"naam": "J. de Vries"}
        assert uit.niet_overgenomen == ["gezin", "voorinburgering.introductiemodules"]

    def test_onleesbaar_adres_wordt_niet_geraden(self) -> None:
        uit = vertaal({"contactgegevens": {"achternaam": "X", "adres": "ergens in het oosten"}})
        assert "adres" not in uit.profiel["persoonsgegevens"]
        assert uit.niet_overgenomen == ["contactgegevens.adres"]
