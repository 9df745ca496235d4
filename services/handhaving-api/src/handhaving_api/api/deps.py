"""Scope aliases of the routes: one dependency each, giving the request's context (transaction, caller, tenant)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from handhaving_api import scopes
from inburgering_kit.context import RequestContext, context

Lezen = Annotated[RequestContext, Depends(context(scopes.HANDHAVING_LEZEN), scope="function")]
Schrijven = Annotated[RequestContext, Depends(context(scopes.HANDHAVING_SCHRIJVEN), scope="function")]
VerordeningSchrijven = Annotated[RequestContext, Depends(context(scopes.VERORDENING_SCHRIJVEN), scope="function")]
MaatregelenLezen = Annotated[RequestContext, Depends(context(scopes.MAATREGELEN_LEZEN), scope="function")]
MaatregelenSchrijven = Annotated[RequestContext, Depends(context(scopes.MAATREGELEN_SCHRIJVEN), scope="function")]
DuoSchrijven = Annotated[RequestContext, Depends(context(scopes.DUO_BOETES_SCHRIJVEN), scope="function")]

OvertredingId = Annotated[uuid.UUID, Path(alias="overtredingId", description="Id van de overtreding.")]
BoeteId = Annotated[uuid.UUID, Path(alias="boeteId", description="Id van de boete.")]
ZaakId = Annotated[uuid.UUID, Path(alias="zaakId", description="Id van het bezwaar of beroep.")]
InburgeraarId = Annotated[uuid.UUID, Path(alias="inburgeraarId", description="Id van de inburgeraar.")]


def location(description: str) -> dict[int | str, dict[str, object]]:
    return {201: {"headers": {"Location": {"description": description, "schema": {"type": "string"}}}}}
