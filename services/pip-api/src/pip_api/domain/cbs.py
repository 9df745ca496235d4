"""This context's part of a person's CBS record (Wi art. 35 lid 4, items b and d): the PIP's vaststelling and changes,
the leerroute with its switches and afschaling, and the agreed PVT and MAP — folded from the vastgesteld versions, as
the stand at the end of the period with the changes within it. Pure: the same versions give the same record."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Versie:
    """A vastgesteld version as the export reads it (dagtekening before `tot`)."""

    pip_id: uuid.UUID
    versie: int
    dagtekening: date
    inhoud: dict[str, Any]
    gewijzigde_velden: list[str]
    beeindigd_datum: date | None
    beeindigd_reden: str | None


def cbs_record(inburgeraar_id: uuid.UUID, versies: Sequence[Versie], van: date, tot: date) -> dict[str, Any]:
    """`versies` of every PIP of the person, in order of dagtekening and version number."""
    eerste, laatste = versies[0], versies[-1]
    wijzigingen, routewissels = [], []
    afschaling_datum: date | None = None
    vorige: Versie | None = None
    for v in versies:
        if vorige is not None and v.pip_id == vorige.pip_id:
            if van <= v.dagtekening < tot:
                wijzigingen.append(
                    {"versie": v.versie, "dagtekening": v.dagtekening.isoformat(), "velden": list(v.gewijzigde_velden)}
                )
            if v.inhoud.get("leerroute") != vorige.inhoud.get("leerroute") and van <= v.dagtekening < tot:
                routewissels.append(
                    {
                        "datum": v.dagtekening.isoformat(),
                        "van": vorige.inhoud.get("leerroute"),
                        "naar": v.inhoud.get("leerroute"),
                    }
                )
        if v.inhoud.get("afschaling") and not (vorige and vorige.inhoud.get("afschaling")):
            afschaling_datum = v.dagtekening
        if not v.inhoud.get("afschaling"):
            afschaling_datum = None
        vorige = v
    inhoud = laatste.inhoud
    afschaling = inhoud.get("afschaling")
    beeindigd = laatste.beeindigd_datum is not None and laatste.beeindigd_datum < tot
    return {
        "inburgeraarId": str(inburgeraar_id),
        "pip": {
            "vaststellingsdatum": eerste.dagtekening.isoformat(),
            "versie": laatste.versie,
            "wijzigingenInPeriode": wijzigingen,
            "beeindigd": (
                {"datum": laatste.beeindigd_datum.isoformat(), "reden": laatste.beeindigd_reden}
                if beeindigd and laatste.beeindigd_datum
                else None
            ),
        },
        "leerroute": {
            "route": inhoud.get("leerroute"),
            "wisselingenInPeriode": routewissels,
            "afschaling": (
                {
                    "datum": afschaling_datum.isoformat() if afschaling_datum else None,
                    "onderdelen": sorted(afschaling.get("onderdelen") or []),
                }
                if afschaling
                else None
            ),
        },
        "pvtAfgesproken": inhoud.get("pvt") is not None,
        "mapAfgesproken": inhoud.get("map") is not None,
    }
