"""The dossier transfer to the new gemeente on a move (Besluit inburgering 2021 art. 9.4 lid 4; DOMAIN §6): what every
context shares to hand its part of a person's dossier over and to take the part of another gemeente in.

Each of the four contexts offers the same two routes to the gemeente's chain exchange only:

- `GET /overdrachtsdossiers/{inburgeraarId}` (scope `dossier:exporteren`): this context's part of the dossier of one
  person of the calling gemeente, logged as a provision with the legal ground;
- `PUT /overdrachten/{overdrachtId}` (scope `dossier:importeren`): the part of another gemeente's dossier, taken in
  for the calling (new) gemeente as imported history. The transfer's id makes it idempotent: the same body again is
  200 with the same answer, another body for the same id 409, so a transfer that failed half-way is resumed and never
  applied twice.

The old gemeente's contexts end their part when inburgeraar-api publishes `nl.inburgering.inburgeraar.verhuisd`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from inburgering_kit.audit import Verwerkingsactiviteit
from inburgering_kit.context import RequestContext, context
from inburgering_kit.problems import InvalidParam

SCOPE_DOSSIER_EXPORTEREN = "dossier:exporteren"
SCOPE_DOSSIER_IMPORTEREN = "dossier:importeren"
GRONDSLAG = "Besluit inburgering 2021 art. 9.4 lid 4 (overdracht van het dossier aan de nieuwe gemeente)"
OVERDRAGEN = Verwerkingsactiviteit("verstrekken dossier aan de nieuwe gemeente na verhuizing", GRONDSLAG)
OVERNEMEN = Verwerkingsactiviteit("overnemen dossier van de vorige gemeente na verhuizing", GRONDSLAG)
# The reason a context ends what it still ran for a person who moved away (PIP, opdrachten, signals).
REDEN_VERHUISD = "verhuisd"

DossierExporteur = Annotated[RequestContext, Depends(context(SCOPE_DOSSIER_EXPORTEREN), scope="function")]
DossierImporteur = Annotated[RequestContext, Depends(context(SCOPE_DOSSIER_IMPORTEREN), scope="function")]


class Overdrachtsdeel(BaseModel):
    """The body of `PUT /overdrachten/{overdrachtId}`: one context's part of a dossier, as that context exported it,
    for the person's registration in the new gemeente (the calling gemeente)."""

    model_config = ConfigDict(extra="forbid")

    inburgeraar_id: uuid.UUID = Field(
        alias="inburgeraarId", description="De inburgeraar bij de nieuwe (aanroepende) gemeente."
    )
    van_gemeente: str = Field(alias="vanGemeente", pattern=r"^[0-9]{4}$", description="De vorige gemeente.")
    verhuisdatum: date | None = Field(default=None, description="Datum van de verhuizing, als bekend.")
    dossier: dict[str, Any] = Field(
        description="Het deel van het dossier zoals `GET /overdrachtsdossiers/{inburgeraarId}` van deze context het "
        "bij de vorige gemeente gaf."
    )


def vingerafdruk(body: Mapping[str, Any]) -> str:
    """sha256 of `body` as canonical JSON (keys sorted, no whitespace): the same part sent again in another key order
    or spacing has the same one, so a resumed transfer is recognised and another body under its id refused (409)."""
    canoniek = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canoniek.encode()).hexdigest()


def zonder_eigen_geschiedenis(dossier: Mapping[str, Any], gemeente: str, sleutel: str) -> dict[str, Any]:
    """A received part without what it holds of `gemeente`'s own. A person who moves back brings, in the history the
    other gemeente took over from here, the dossier this gemeente handed over itself: that is still here as its own
    (or gone by its own retention rules, and then not to be brought back), so it is kept once, never a second time as
    imported history. `sleutel` names the part's list of earlier gemeenten' history, each entry with its
    `vanGemeente`; an entry's own `dossier` may hold that list again (history taken over before), at any depth."""
    eerder = dossier.get(sleutel)
    if not isinstance(eerder, list):
        return dict(dossier)
    gehouden = []
    for item in eerder:
        if not isinstance(item, Mapping):
            gehouden.append(item)
            continue
        if item.get("vanGemeente") == gemeente:
            continue
        binnen = item.get("dossier")
        gehouden.append(
            {**item, "dossier": zonder_eigen_geschiedenis(binnen, gemeente, sleutel)}
            if isinstance(binnen, Mapping)
            else dict(item)
        )
    return {**dossier, sleutel: gehouden}


def dossierfouten(fout: ValidationError, dossier: Any) -> list[InvalidParam]:
    """Every invalid field of a received `dossier`, named as the sender wrote it (`dossier.opdrachten.0.uren`): a
    discriminated union's tag in pydantic's path is no step of the document and is left out. Only pydantic's message,
    never the rejected input (it is a person's dossier, the BSN among it)."""
    return [
        InvalidParam(name=_veldnaam(tuple(e["loc"]), dossier), code=str(e["type"]), reason=str(e["msg"]))
        for e in fout.errors()
    ]


def _veldnaam(loc: tuple[int | str, ...], document: Any) -> str:
    parts: list[str] = []
    current = document
    for index, step in enumerate(loc):
        last = index == len(loc) - 1
        # A tag is no key of the document; it may be the last step, where a rule of the whole member failed.
        tag = isinstance(current, dict) and isinstance(step, str) and step not in current
        if tag and (not last or step in current.values()):
            continue
        parts.append(str(step))
        if isinstance(current, dict) and isinstance(step, str):
            current = current.get(step)
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            current = current[step]
        else:
            current = None
    return ".".join(["dossier", *parts])
