"""The ceiling: a bare FastAPI app with one `POST /echo` that validates a registration-sized body.

No database, no auth, no middleware: whatever the inburgeraar-api does beyond this is the cost of its
own work. Started by `run.py` with the same uvicorn command line as the service
(`uvicorn bare_app:create_app --factory ...`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

Naam = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Model(BaseModel):
    # Same wire convention as the service's ApiModel: camelCase on the wire, unknown fields refused.
    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True, extra="forbid")


class Contact(_Model):
    voornamen: Naam | None = None
    achternaam: Naam | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$", max_length=254)] | None = None


class Registratie(_Model):
    # Roughly the shape and size of InburgeraarCreate, so validation and (de)serialisation cost the same.
    bsn: Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]
    doelgroep: Annotated[str, StringConstraints(max_length=50)]
    nareiziger: bool = False
    datum_koppeling: date | None = None
    datum_inschrijving_brp: date | None = None
    contact: Contact | None = None
    klantregisseur: Naam | None = Field(default=None)


def create_app() -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/echo", status_code=201)
    async def echo(body: Registratie) -> Registratie:
        return body

    return app
