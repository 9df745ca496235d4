import inspect
import re
from enum import StrEnum

import pytest

from inburgeraar_api.domain import enums
from inburgeraar_api.domain.enums import Doelgroep, InburgeraarStatus, Onderwerp, OproepUitkomst

_ALLE_ENUMS = [
    obj for _, obj in inspect.getmembers(enums, inspect.isclass) if issubclass(obj, StrEnum) and obj is not StrEnum
]


class TestWaarden:
    @pytest.mark.parametrize("enum", _ALLE_ENUMS, ids=lambda e: e.__name__)
    def test_kebab_case_of_kleine_letters(self, enum: type[StrEnum]) -> None:
        for lid in enum:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", lid.value), f"{enum.__name__}.{lid.name}"

    def test_doelgroepen_zonder_nareiziger(self) -> None:
        assert {d.value for d in Doelgroep} == {"asielmigrant", "gezinsmigrant", "overige-migrant"}

    def test_inburgeraar_status(self) -> None:
        assert {s.value for s in InburgeraarStatus} == {"bsn-ontbreekt", "geregistreerd", "verhuisd"}

    def test_oproepuitkomsten(self) -> None:
        assert {u.value for u in OproepUitkomst} == {
            "verschenen",
            "niet-verschenen",
            "onvoldoende-meegewerkt",
        }


class TestOnderwerp:
    def test_precies_de_dertien_onderwerpen(self) -> None:
        assert [o.value for o in Onderwerp] == [
            "leerbaarheid",
            "opleiding",
            "werkervaring",
            "praktische-competenties",
            "werknemersvaardigheden",
            "taalniveau",
            "motivatie-interesses",
            "zelfredzaamheid",
            "digitale-vaardigheden",
            "gezinssituatie",
            "fysieke-gezondheid",
            "mentale-gezondheid",
            "sociaal-netwerk",
        ]
