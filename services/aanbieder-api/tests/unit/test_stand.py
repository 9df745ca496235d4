"""The stand is a pure fold over the reports; a period reported again replaces its hours."""

from __future__ import annotations

from decimal import Decimal

from aanbieder_api.domain.enums import OpdrachtStatus, Uitslag
from aanbieder_api.domain.melding import MELDING
from aanbieder_api.domain.stand import Periodeuren, Stand, pas_toe


def aanwezig(uren: float, ongeoorloofd: float = 0, van: str = "2026-04-01", tot: str = "2026-04-30") -> object:
    return MELDING.validate_python(
        {
            "soort": "aanwezigheid",
            "periodeVan": van,
            "periodeTot": tot,
            "urenAanwezig": uren,
            "urenAfwezigOngeoorloofd": ongeoorloofd,
        }
    )


class TestStand:
    def test_hours_add_up_per_period_and_a_correction_moves_by_the_difference(self) -> None:
        stand, status = pas_toe(Stand(), OpdrachtStatus.VERSTREKT, aanwezig(10.1, 2), Periodeuren())  # type: ignore[arg-type]
        assert status is OpdrachtStatus.GESTART
        stand, _ = pas_toe(stand, status, aanwezig(20.2, van="2026-05-01", tot="2026-05-31"), Periodeuren())  # type: ignore[arg-type]
        assert stand.uren_aanwezig == Decimal("30.3")
        vorige = Periodeuren(Decimal("10.1"), Decimal(0), Decimal(2))
        stand, _ = pas_toe(stand, status, aanwezig(8, 0), vorige)  # type: ignore[arg-type]
        assert (stand.uren_aanwezig, stand.uren_afwezig_ongeoorloofd) == (Decimal("28.2"), Decimal(0))
        assert stand.laatste_periode_tot is not None and stand.laatste_periode_tot.isoformat() == "2026-05-31"

    def test_a_final_result_closes_the_opdracht_and_a_planning_change_does_not_start_it(self) -> None:
        planning = MELDING.validate_python({"soort": "planning", "geplandeEinddatum": "2027-01-01", "reden": "ziek"})
        stand, status = pas_toe(Stand(), OpdrachtStatus.VERSTREKT, planning, Periodeuren())
        assert status is OpdrachtStatus.VERSTREKT and stand.aangepaste_einddatum is not None
        eind = MELDING.validate_python(
            {"soort": "eindresultaat", "datum": "2027-01-01", "resultaat": "behaald", "niveau": "B1"}
        )
        stand, status = pas_toe(stand, status, eind, Periodeuren())
        assert status is OpdrachtStatus.AFGEROND
        assert (stand.eindresultaat, stand.niveau_bereikt) == (Uitslag.BEHAALD, "B1")

    def test_the_stand_round_trips_through_its_stored_json(self) -> None:
        stand, _ = pas_toe(Stand(), OpdrachtStatus.GESTART, aanwezig(12.25), Periodeuren())  # type: ignore[arg-type]
        assert Stand.model_validate(stand.model_dump(mode="json")) == stand
