"""The providers' part of a dossier on a move: why an opdracht ended, and the canonical hash that makes a repeated
transfer the same one."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from aanbieder_api.domain.overdracht import Eindreden, Overdrachtsdossier, eindreden, inhoud_hash

OPDRACHT = {
    "aanbieder": {"naam": "Taalschool", "kvkNummer": "12345678"},
    "onderdeel": "b1-route",
    "geplandeStartdatum": "2026-01-05",
    "geplandeEinddatum": "2026-12-18",
    "status": "gestart",
    "verstrektOp": "2025-12-01T09:00:00+01:00",
    "stand": {"urenAanwezig": 12.5},
    "meldingen": [
        {
            "gemeldOp": "2026-02-01T10:00:00Z",
            "melding": {"soort": "aanwezigheid", "periodeVan": "2026-01-05", "periodeTot": "2026-01-31",
                        "urenAanwezig": 12.5},
        }
    ],
}  # fmt: skip


class TestEindreden:
    @pytest.mark.parametrize(
        ("status", "intrekkingsreden", "verwacht"),
        [
            ("verstrekt", None, None),
            ("gestart", None, None),
            ("afgerond", None, Eindreden.AFGEROND),
            ("ingetrokken", "gemeente", Eindreden.INGETROKKEN),
            ("ingetrokken", None, Eindreden.INGETROKKEN),
            ("ingetrokken", "verhuisd", Eindreden.VERHUISD),
        ],
    )
    def test_the_reason_follows_status_and_withdrawal(
        self, status: str, intrekkingsreden: str | None, verwacht: Eindreden | None
    ) -> None:
        assert eindreden(status, intrekkingsreden) == verwacht


class TestInhoudHash:
    def test_the_same_dossier_spelled_otherwise_has_the_same_hash(self) -> None:
        a = Overdrachtsdossier.model_validate({"opdrachten": [OPDRACHT]}).model_dump(mode="json")
        anders = {**OPDRACHT, "stand": {"urenAanwezig": "12.50"}, "verstrektOp": "2025-12-01T08:00:00Z"}
        b = Overdrachtsdossier.model_validate({"eerderOvergenomen": [], "opdrachten": [anders]}).model_dump(mode="json")
        assert inhoud_hash("i", "0363", date(2026, 9, 1), a) == inhoud_hash("i", "0363", date(2026, 9, 1), b)

    def test_another_person_gemeente_or_date_is_another_hash(self) -> None:
        d = Overdrachtsdossier.model_validate({"opdrachten": [OPDRACHT]}).model_dump(mode="json")
        basis = inhoud_hash("i", "0363", None, d)
        assert len({basis, inhoud_hash("j", "0363", None, d), inhoud_hash("i", "0344", None, d),
                    inhoud_hash("i", "0363", date(2026, 9, 1), d)}) == 4  # fmt: skip


class TestModel:
    def test_an_id_of_the_old_gemeente_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            Overdrachtsdossier.model_validate({"opdrachten": [{**OPDRACHT, "opdrachtId": "x"}]})
