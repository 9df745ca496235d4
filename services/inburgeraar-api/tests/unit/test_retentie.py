"""Where the retention clock of Besluit inburgering 2021 art. 9.9 starts, from DUO's plicht facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from inburgeraar_api.domain.plicht import PLICHT_MUTATIE, PlichtMutatie
from inburgeraar_api.domain.retentie import KERN_JAREN, OVERIGE_JAREN, einde_plicht, kern_contact


def _m(soort: str, dag: str, **extra: Any) -> PlichtMutatie:
    return PLICHT_MUTATIE.validate_python({"soort": soort, "ingangsdatum": dag, "bron": "DUO", **extra})


VASTGESTELD = _m("plicht-vastgesteld", "2022-01-10")


class TestEindePlicht:
    def test_terms_from_the_rules_table(self) -> None:
        assert (KERN_JAREN, OVERIGE_JAREN) == (50, 5)

    def test_a_running_plicht_has_no_end(self) -> None:
        assert einde_plicht([VASTGESTELD]) is None

    def test_vervallen_ends_it(self) -> None:
        assert einde_plicht([VASTGESTELD, _m("plicht-vervallen", "2024-03-01")]) == date(2024, 3, 1)

    def test_only_a_whole_vrijstelling_or_ontheffing_ends_it(self) -> None:
        deels = _m("vrijstelling", "2023-01-01", omvang="gedeeltelijke", onderdelen=["pvt"])
        assert einde_plicht([VASTGESTELD, deels]) is None
        geheel = _m("ontheffing", "2023-05-01", omvang="gehele")
        assert einde_plicht([VASTGESTELD, deels, geheel]) == date(2023, 5, 1)

    def test_the_first_end_counts_and_a_new_plicht_starts_over(self) -> None:
        geheel = _m("vrijstelling", "2023-05-01", omvang="gehele")
        vervallen = _m("plicht-vervallen", "2023-06-01")
        assert einde_plicht([VASTGESTELD, geheel, vervallen]) == date(2023, 6, 1)
        assert einde_plicht([VASTGESTELD, vervallen, _m("plicht-vastgesteld", "2025-01-01")]) is None

    def test_late_facts_are_read_in_date_order(self) -> None:
        assert einde_plicht([_m("plicht-vervallen", "2024-03-01"), VASTGESTELD]) == date(2024, 3, 1)


def test_contact_keeps_name_and_address_only() -> None:
    contact = {
        "voornamen": "A",
        "achternaam": "B",
        "adres": {"woonplaats": "C"},
        "email": "a@b.nl",
        "telefoonnummer": "06",
    }
    assert kern_contact(contact) == {"voornamen": "A", "achternaam": "B", "adres": {"woonplaats": "C"}}
