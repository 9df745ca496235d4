"""Scope aliases of the routes: one dependency each, giving the request's context (transaction, caller, tenant)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from inburgering_kit.context import RequestContext, context
from ketenuitwisseling import scopes

Duo = Annotated[RequestContext, Depends(context(scopes.DUO), scope="function")]
Coa = Annotated[RequestContext, Depends(context(scopes.COA), scope="function")]
Lezen = Annotated[RequestContext, Depends(context(scopes.KETEN_LEZEN), scope="function")]
Schrijven = Annotated[RequestContext, Depends(context(scopes.KETEN_SCHRIJVEN), scope="function")]

RapportId = Annotated[uuid.UUID, Path(alias="rapportId", description="Id van de rapportage aan DUO.")]
InburgeraarId = Annotated[uuid.UUID, Path(alias="inburgeraarId", description="Id van de inburgeraar.")]
