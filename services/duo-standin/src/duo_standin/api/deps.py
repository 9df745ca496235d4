"""Scope aliases of the routes, the fault switches as the gemeente's calls meet them, and the check of `gegevens`
against DUO's contract: as every stand-in has them (`ketenpartner_standin.api`), for DUO."""

from __future__ import annotations

from typing import Any

from duo_standin import activiteiten
from duo_standin.repository.opslag import OPSLAG
from duo_standin.services.feiten import BRON
from inburgering_kit.schemas import ApiModel
from ketenpartner_standin.api import BeheerSessie, BeheerToegang, FeitId, Keten, Partner, storingen
from ketenpartner_standin.api import valideer as _valideer

PARTNER = Partner(naam="DUO", bron=BRON, opslag=OPSLAG, leveren=activiteiten.FEIT_LEVEREN)

Storingen = storingen(PARTNER)


def valideer(model: type[ApiModel], data: Any, veld: str) -> dict[str, Any]:
    """`data` checked against `model`, as JSON with the contract's names; otherwise a 422 naming every invalid field."""
    return _valideer(model, data, veld, PARTNER.naam)


__all__ = ["PARTNER", "BeheerSessie", "BeheerToegang", "FeitId", "Keten", "Storingen", "valideer"]
