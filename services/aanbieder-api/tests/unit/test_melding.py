"""Rules of a melding that need no database: its shape per soort, the opdracht-dependent rules, its key."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from aanbieder_api.bestandsformaat import KOLOMMEN
from aanbieder_api.domain.enums import Dienst
from aanbieder_api.domain.melding import MELDING, MeldingNietToegestaan, controleer_melding, gegevens, meldingsleutel
from inburgering_kit.problems import Problem

START = date(2026, 4, 1)


class TestVorm:
    def test_the_file_columns_are_exactly_the_fields_of_the_meldingen(self) -> None:
        velden = {"opdrachtId"}
        for variant in MELDING.json_schema()["$defs"].values():
            velden |= set(variant.get("properties", {}))
        assert set(KOLOMMEN) == velden

    @pytest.mark.parametrize(
        "body",
        [
            {"soort": "aanwezigheid", "periodeVan": "2026-04-30", "periodeTot": "2026-04-01", "urenAanwezig": 1},
            {"soort": "aanwezigheid", "periodeVan": "2026-04-01", "periodeTot": "2026-05-15", "urenAanwezig": 1},
            {"soort": "aanwezigheid", "periodeVan": "2026-04-01", "periodeTot": "2026-04-01", "urenAanwezig": 25},
            {"soort": "examenresultaat", "datum": "2026-04-01", "onderdeel": "lezen", "resultaat": "niet-behaald"},
            {"soort": "eindresultaat", "datum": "2026-04-01", "resultaat": "niet-behaald"},
            {"soort": "start", "datum": "2026-04-01", "geplandeEinddatum": "2026-03-01"},
            {"soort": "start", "datum": "2026-04-01", "periodeVan": "2026-04-01"},
            {"soort": "vakantie"},
            # The leerbaarheidstoets result travels on in its event: no BSN in it.
            {"soort": "leerbaarheidstoets", "datum": "2026-04-01", "resultaat": "score 70 (999993653)"},
        ],
    )
    def test_inconsistent_or_misplaced_fields_are_refused(self, body: dict[str, object]) -> None:
        with pytest.raises(ValidationError):
            MELDING.validate_python(body)

    def test_hours_are_rounded_to_two_decimals(self) -> None:
        m = MELDING.validate_python(
            {"soort": "aanwezigheid", "periodeVan": "2026-04-01", "periodeTot": "2026-04-30", "urenAanwezig": "12.333"}
        )
        assert m.uren_aanwezig == 12.33  # type: ignore[union-attr]


class TestRegelsMetOpdracht:
    def test_a_late_start_needs_a_reason(self) -> None:
        laat = MELDING.validate_python({"soort": "start", "datum": "2026-04-02"})
        with pytest.raises(MeldingNietToegestaan) as fout:
            controleer_melding(Dienst.B1_ROUTE, START, laat)
        assert [p.name for p in fout.value.invalid_params or []] == ["redenLateStart"]
        controleer_melding(Dienst.B1_ROUTE, START, MELDING.validate_python({"soort": "start", "datum": "2026-04-01"}))
        met_reden = MELDING.validate_python({"soort": "start", "datum": "2026-04-02", "redenLateStart": "ziek"})
        controleer_melding(Dienst.B1_ROUTE, START, met_reden)

    @pytest.mark.parametrize(
        ("onderdeel", "body", "toegestaan"),
        [
            (Dienst.LEERBAARHEIDSTOETS, {"soort": "leerbaarheidstoets", "datum": "2026-04-01", "resultaat": "7"}, True),
            (Dienst.B1_ROUTE, {"soort": "leerbaarheidstoets", "datum": "2026-04-01", "resultaat": "7"}, False),
            (Dienst.Z_ROUTE, {"soort": "z-route-uren", "periodeVan": "2026-04-01", "periodeTot": "2026-04-30"}, True),
            (Dienst.MAP, {"soort": "z-route-uren", "periodeVan": "2026-04-01", "periodeTot": "2026-04-30"}, False),
            (
                Dienst.PVT,
                {"soort": "examenresultaat", "datum": "2026-04-01", "onderdeel": "x", "resultaat": "behaald"},
                False,
            ),
            (Dienst.PVT, {"soort": "eindresultaat", "datum": "2026-04-01", "resultaat": "behaald"}, True),
        ],
    )
    def test_a_soort_fits_its_part(self, onderdeel: Dienst, body: dict[str, object], toegestaan: bool) -> None:
        melding = MELDING.validate_python(body)
        if toegestaan:
            controleer_melding(onderdeel, START, melding)
        else:
            with pytest.raises(Problem):
                controleer_melding(onderdeel, START, melding)


class TestSleutel:
    def test_the_same_content_is_the_same_key_whatever_its_spelling(self) -> None:
        a = MELDING.validate_python(
            {"soort": "aanwezigheid", "periodeVan": "2026-04-01", "periodeTot": "2026-04-30", "urenAanwezig": 40}
        )
        b = MELDING.validate_python(
            {
                "periodeTot": "2026-04-30",
                "urenAanwezig": "40.0",
                "soort": "aanwezigheid",
                "periodeVan": "2026-04-01",
                "urenAfwezigGeoorloofd": 0,
            }
        )
        c = MELDING.validate_python(
            {"soort": "aanwezigheid", "periodeVan": "2026-04-01", "periodeTot": "2026-04-30", "urenAanwezig": 41}
        )
        assert meldingsleutel(gegevens(a)) == meldingsleutel(gegevens(b)) != meldingsleutel(gegevens(c))
