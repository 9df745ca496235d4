"""The dossier part on a move: what the new gemeente takes over and validation naming
every invalid field under `dossier.`."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from inburgering_kit.problems import Problem
from pip_api.domain.overdracht import (
    Overdrachtsdossier,
    eerste_pip_datum,
    inhoud_van,
    lees_dossier,
    over_te_nemen,
)

INHOUD = {"leerroute": "b1", "taalniveau": "B1", "klantregisseur": "a.jansen"}


def _versie(nummer: int, dag: str, **inhoud: Any) -> dict[str, Any]:
    return {
        **INHOUD, **inhoud, "versie": nummer, "dagtekening": dag, "verzenddatum": dag, "ingangsdatum": dag,
    }  # fmt: skip


def _pip(status: str, versies: list[dict[str, Any]], reden: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "status": status,
        "versie": len(versies),
        "inhoud": INHOUD,
        "versies": versies,
        "beeindigdReden": reden,
        "beeindigdDatum": "2026-09-01" if reden else None,
        **extra,
    }


def _dossier(*pips: dict[str, Any]) -> Overdrachtsdossier:
    return lees_dossier({"inburgeraarId": str(uuid.uuid4()), "gemeente": "0363", "pips": list(pips)})


class TestOverTeNemen:
    def test_last_version_of_the_running_pip_without_the_old_klantregisseur(self) -> None:
        dossier = _dossier(
            _pip("beeindigd", [_versie(1, "2024-01-02")], reden="plicht-vervallen"),
            _pip("vastgesteld", [_versie(1, "2026-05-04"), _versie(2, "2026-08-03", taalniveau="A2")]),
        )
        gevonden = over_te_nemen(dossier)
        assert gevonden is not None
        pip, versie = gevonden
        assert (pip.id, versie.versie) == (dossier.pips[1].id, 2)
        assert (inhoud_van(versie).taalniveau.value, inhoud_van(versie).klantregisseur) == ("A2", None)
        assert str(eerste_pip_datum(pip)) == "2026-05-04"

    def test_a_pip_ended_by_the_move_itself_is_taken_over(self) -> None:
        dossier = _dossier(_pip("beeindigd", [_versie(1, "2026-05-04")], reden="verhuisd"))
        assert over_te_nemen(dossier) is not None

    @pytest.mark.parametrize(
        "pip", [_pip("concept", []), _pip("beeindigd", [_versie(1, "2026-05-04")], reden="plicht-voldaan")]
    )
    def test_nothing_to_take_over(self, pip: dict[str, Any]) -> None:
        assert over_te_nemen(_dossier(pip)) is None

    def test_a_pip_taken_over_before_keeps_the_first_date(self) -> None:
        overgenomen = {"overdrachtId": str(uuid.uuid4()), "vanGemeente": "0599", "eerstePipDatum": "2025-02-03"}
        dossier = _dossier(_pip("vastgesteld", [_versie(1, "2026-05-04")], overgenomenVan=overgenomen))
        assert str(eerste_pip_datum(dossier.pips[0])) == "2025-02-03"


class TestValidatie:
    def test_every_invalid_field_named_under_dossier(self) -> None:
        with pytest.raises(Problem) as fout:
            lees_dossier({"gemeente": "12", "pips": [{"status": "onbekend"}], "extra": 1})
        namen = {p.name for p in fout.value.invalid_params or []}
        assert {"dossier.inburgeraarId", "dossier.gemeente", "dossier.pips.0.status", "dossier.extra"} <= namen
        assert fout.value.status == 422
