"""Dependencies shared by the routers of this API."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Depends, Request

from inburgeraar_api.domain.brede_intake import weiger_medische_gegevens


async def _geen_medische_gegevens(request: Request) -> None:
    """Refuse medical documents and diagnoses before anything is parsed into a model, let alone stored
    (handreiking-gegevensverwerking-privacy.txt, "Gezondheidsgegevens"; DOMAIN §4)."""
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return  # not JSON: body validation reports it
    weiger_medische_gegevens(body if isinstance(body, dict) else {"body": body})


GeenMedischeGegevens = Annotated[None, Depends(_geen_medische_gegevens)]
