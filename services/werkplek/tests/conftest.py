"""The werkplek against stand-in APIs (`Nep`): answers per path, and an API that is down or slow on demand. The
werkplek has no database, so none of the kit's service fixtures apply; its token checks use the session's test
key (`tokens`), as the services' do."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from inburgering_kit.auth import AuthSettings
from inburgering_kit.testing.plugin import TEST_AUDIENCE, TEST_ISSUER, TokenFactory
from werkplek.main import create_app
from werkplek.settings import Ontwikkelaanmelding, Settings

ROLLEN = {
    "klantregisseur": [
        "inburgeraar:lezen",
        "plicht:lezen",
        "intake:lezen",
        "intake:schrijven",
        "pip:lezen",
        "pip:schrijven",
        "pip:overzicht",
        "signalen:lezen",
        "signalen:afhandelen",
        "opdrachten:lezen",
        "opdrachten:beheren",
        "overgenomen-voortgang:lezen",
        "handhaving:lezen",
        "verhuizing:registreren",
        "keten:lezen",
    ],
    "specialist-werk": ["intake:lezen", "pip:lezen"],
    "privacy-officer": ["verwerkingen:lezen"],
}

Antwoorder = Callable[[httpx.Request], httpx.Response | None]


class Nep:
    """One stand-in API: routes by method and path pattern; `plat` makes it refuse every call with a 503,
    `traag` makes it answer after the werkplek's timeout."""

    def __init__(self, naam: str) -> None:
        self.naam = naam
        self.routes: list[tuple[str, re.Pattern[str], Any]] = []
        self.plat = False
        self.traag = False
        self.verzoeken: list[httpx.Request] = []

    def op(self, methode: str, pad: str, antwoord: Any, status: int = 200) -> None:
        patroon = re.compile("^/api/v1" + re.sub(r"\{[^}]+\}", "[^/]+", pad) + "$")
        self.routes.insert(0, (methode, patroon, (antwoord, status)))

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.verzoeken.append(request)
        if self.traag:
            await asyncio.sleep(5)
        if self.plat:
            return httpx.Response(
                503, json={"title": "weg", "status": 503}, headers={"content-type": "application/problem+json"}
            )
        for methode, patroon, (antwoord, status) in self.routes:
            if methode == request.method and patroon.match(request.url.path):
                body = antwoord(request) if callable(antwoord) else antwoord
                soort = "application/problem+json" if status >= 400 else "application/json"
                return httpx.Response(status, content=json.dumps(body), headers={"content-type": soort})
        return httpx.Response(
            404, json={"title": "niet gevonden", "status": 404}, headers={"content-type": "application/problem+json"}
        )


@pytest.fixture
def nep() -> dict[str, Nep]:
    return {naam: Nep(naam) for naam in ("inburgeraar", "pip", "aanbieder", "handhaving", "ketenuitwisseling")}


def werkplek_settings(tokens: TokenFactory, **extra: Any) -> Settings:
    return Settings(
        environment="test",
        auth=AuthSettings(issuers=[TEST_ISSUER], audience=TEST_AUDIENCE, public_key_file=tokens.public_key),
        ontwikkelaanmelding=Ontwikkelaanmelding(
            private_key_file=Path(tokens.private_key), issuer=TEST_ISSUER, audience=TEST_AUDIENCE, rollen=ROLLEN
        ),
        bron_timeout_seconden=0.5,
        **extra,
    )


@pytest.fixture
def instellingen(tokens: TokenFactory) -> Settings:
    return werkplek_settings(tokens)


@pytest.fixture
async def werkplek(instellingen: Settings, nep: dict[str, Nep]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(instellingen, {k: httpx.MockTransport(v.handle) for k, v in nep.items()})
    # https: outside development the session cookie is Secure, and a client sends it back over https only.
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://werkplek.test")
    async with app.router.lifespan_context(app), client:
        yield client


# Fixed ids: the test modules name them too (they cannot import this file).
PERSOON = "6f1c2a9e-4b1d-4c6e-9a53-0d8e7b2f4a11"
PIP = "0b7d3c5e-2f8a-4e61-b9c4-7a2e1d6f3b22"
SIGNAAL = "9e4a1b2c-7d3f-4a8e-b5c6-1f2e3d4c5b33"
OPDRACHT = "5a6b7c8d-1e2f-4a3b-8c4d-5e6f7a8b9c44"
BSN = "999990019"


def _pagina(items: list[Any]) -> dict[str, Any]:
    return {"page": 1, "pageSize": 20, "totalItems": len(items), "totalPages": 1, "resultaten": items}


def _persoon() -> dict[str, Any]:
    return {
        "id": PERSOON,
        "gemeenteCode": "0363",
        "status": "geregistreerd",
        "bsn": BSN,
        "doelgroep": "asielmigrant",
        "nareiziger": False,
        "datumKoppeling": "2026-01-05",
        "datumInschrijvingBrp": "2026-01-02",
        "contact": {"voornamen": "Amal", "achternaam": "Haddad"},
        "klantregisseur": "Kim de Regisseur",
        "versie": 1,
        "aangemaaktOp": "2026-01-05T10:00:00Z",
        "gewijzigdOp": "2026-01-05T10:00:00Z",
    }


def _pip() -> dict[str, Any]:
    return {
        "id": PIP,
        "inburgeraarId": PERSOON,
        "status": "vastgesteld",
        "versie": 2,
        "leerroute": "b1",
        "taalniveau": "B1",
        "routeverplichting": "verplichting",
        "vastgesteldDatum": "2026-03-01",
        "termijnen": [
            {"soort": "pvt", "startdatum": "2026-03-01", "einddatum": "2099-03-01", "regel": "Wi art. 7", "bron": "pip"}
        ],
    }


def _signaal() -> dict[str, Any]:
    return {
        "id": SIGNAAL,
        "pipId": PIP,
        "inburgeraarId": PERSOON,
        "klantregisseur": "Kim de Regisseur",
        "soort": "verstreken",
        "termijnsoort": "pvt",
        "einddatum": "2026-05-01",
        "regel": "Wi art. 7",
        "status": "open",
        "aangemaaktOp": "2026-05-02T06:00:00Z",
    }


def _vul(nep: dict[str, Nep]) -> None:
    nep["inburgeraar"].op("GET", "/inburgeraars", _pagina([_persoon()]))
    nep["inburgeraar"].op("GET", "/inburgeraars/{id}", _persoon())
    nep["inburgeraar"].op(
        "GET",
        "/inburgeraars/{id}/plicht",
        {
            "stand": {
                "plichtig": True,
                "termijnen": {
                    "ibp": {"termijn": "ibp", "begindatum": "2026-01-05", "einddatum": "2029-01-05", "historie": []}
                },
            },
            "mutaties": [],
        },
    )
    nep["inburgeraar"].op(
        "GET",
        "/inburgeraars/{id}/brede-intake",
        {
            "status": "lopend",
            "afgerondDatum": None,
            "afgerondBijAfwezigheid": False,
            "volgendeStap": "intake-afnemen",
            "oproepen": [],
            "gesprekken": [],
            "resultaten": [],
            "leerbaarheidstoets": None,
            "achtergrond": None,
        },
    )
    nep["pip"].op("GET", "/pips", _pagina([_pip()]))
    nep["pip"].op("GET", "/pips/{id}", _pip())
    nep["pip"].op(
        "GET",
        "/pips/{id}/versies",
        [
            {
                "versie": 1,
                "leerroute": "b1",
                "taalniveau": "B1",
                "dagtekening": "2026-03-01",
                "verzenddatum": "2026-03-01",
                "ingangsdatum": "2026-03-01",
                "reden": None,
                "gewijzigdeVelden": [],
            }
        ],
    )
    nep["pip"].op("GET", "/signalen", _pagina([_signaal()]))
    nep["pip"].op("GET", "/signalen/{id}", _signaal())
    nep["aanbieder"].op(
        "GET",
        "/opdrachten",
        _pagina(
            [
                {
                    "id": OPDRACHT,
                    "deelnemerReferentie": "X",
                    "onderdeel": "b1-route",
                    "status": "gestart",
                    "versie": 1,
                    "inhoud": {"geplandeStartdatum": "2026-03-02", "geplandeEinddatum": "2027-03-01"},
                    "stand": {"urenAanwezig": 40, "urenAfwezigOngeoorloofd": 8, "urenGecontracteerd": 600},
                    "pipId": PIP,
                    "inburgeraarId": PERSOON,
                    "aanbiederId": str(uuid.uuid4()),
                    "laatsteMeldingOp": None,
                }
            ]
        ),
    )
    nep["aanbieder"].op(
        "GET",
        "/meldingen",
        _pagina(
            [
                {
                    "id": str(uuid.uuid4()),
                    "opdrachtId": OPDRACHT,
                    "soort": "aanwezigheid",
                    "kanaal": "api",
                    "gemeldOp": "2026-04-01T10:00:00Z",
                    "melding": {
                        "soort": "aanwezigheid",
                        "periodeVan": "2026-03-02",
                        "periodeTot": "2026-03-31",
                        "urenAanwezig": 40,
                        "urenAfwezigOngeoorloofd": 8,
                    },
                }
            ]
        ),
    )
    nep["handhaving"].op("GET", "/overtredingen", _pagina([]))
    nep["inburgeraar"].op("GET", "/inburgeraars/{id}/verhuizingen", _pagina([]))
    nep["ketenuitwisseling"].op("GET", "/overdrachten", _pagina([]))
    nep["pip"].op("GET", "/geimporteerde-pips", [])
    nep["aanbieder"].op("GET", "/inburgeraars/{id}/overgenomen-voortgang", _pagina([]))
    nep["handhaving"].op("GET", "/inburgeraars/{id}/overgenomen-handhaving", [])
    nep["handhaving"].op(
        "GET",
        "/boeteoverzichten/{id}",
        {"opgelegdBredeIntake": 0, "opgelegdPip": 0, "betaald": 0, "openstaand": 0, "ruimteOnderPlafond": 1250},
    )


@pytest.fixture
def gevuld(nep: dict[str, Nep]) -> None:
    """The stand-ins answer as the APIs would for one inburgeraar of the klantregisseur: person, plicht, intake, a
    vastgesteld PIP with a version, an open signal, an opdracht with attendance, no enforcement yet, no move."""
    _vul(nep)
