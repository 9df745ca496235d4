"""The werkplek's pages against stand-in APIs: who sees what, a BSN only for the klantregisseur, a refusal's
`invalidParams` at its fields, CSRF and strict cookies, and a page that stands when one API is down or slow."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx


def csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "form without a CSRF token"
    return match.group(1)


async def aanmelden(client: httpx.AsyncClient, rol: str = "klantregisseur", naam: str = "Kim de Regisseur") -> None:
    pagina = await client.get("/werkplek/aanmelden")
    response = await client.post(
        "/werkplek/aanmelden", data={"csrf": csrf(pagina.text), "naam": naam, "rol": rol, "gemeente": "0363"}
    )
    assert response.status_code == 303, response.text


PERSOON = str(uuid.uuid4())
PIP = str(uuid.uuid4())
SIGNAAL = str(uuid.uuid4())
OPDRACHT = str(uuid.uuid4())
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


def vul(nep: dict[str, Any]) -> None:
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
        "/opdrachten/{id}/meldingen",
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
    nep["handhaving"].op(
        "GET",
        "/boeteoverzichten/{id}",
        {"opgelegdBredeIntake": 0, "opgelegdPip": 0, "betaald": 0, "openstaand": 0, "ruimteOnderPlafond": 1250},
    )


class TestAanmelden:
    async def test_without_a_session_every_page_goes_to_sign_in(self, werkplek: httpx.AsyncClient) -> None:
        response = await werkplek.get("/werkplek/caseload")
        assert response.status_code == 303
        assert response.headers["location"] == "/werkplek/aanmelden"

    async def test_the_session_cookie_is_strict_and_the_sign_in_needs_its_csrf_token(
        self, werkplek: httpx.AsyncClient
    ) -> None:
        await werkplek.get("/werkplek/aanmelden")
        zonder = await werkplek.post(
            "/werkplek/aanmelden", data={"naam": "X", "rol": "klantregisseur", "gemeente": "0363"}
        )
        assert zonder.status_code == 403
        pagina = await werkplek.get("/werkplek/aanmelden")
        response = await werkplek.post(
            "/werkplek/aanmelden",
            data={"csrf": csrf(pagina.text), "naam": "Kim", "rol": "klantregisseur", "gemeente": "0363"},
        )
        cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "werkplek-sessie" in v)
        assert cookie.startswith("__Host-werkplek-sessie=")
        for attribuut in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
            assert attribuut.lower() in cookie.lower()

    async def test_a_post_from_another_site_is_refused(self, werkplek: httpx.AsyncClient, nep: dict[str, Any]) -> None:
        vul(nep)
        await aanmelden(werkplek)
        pagina = await werkplek.get(f"/werkplek/signalen/{SIGNAAL}/afhandelen")
        response = await werkplek.post(
            f"/werkplek/signalen/{SIGNAAL}/afhandelen",
            data={"csrf": csrf(pagina.text), "reden": "x"},
            headers={"origin": "https://elders.example"},
        )
        assert response.status_code == 403
        assert not [r for r in nep["pip"].verzoeken if r.method == "POST"]

    async def test_the_session_ends_after_the_idle_time(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], monkeypatch: Any
    ) -> None:
        vul(nep)
        await aanmelden(werkplek)
        assert (await werkplek.get("/werkplek/caseload")).status_code == 200
        later = time.time() + 31 * 60
        monkeypatch.setattr(time, "time", lambda: later)
        assert (await werkplek.get("/werkplek/caseload")).status_code == 303

    async def test_signing_out_ends_the_session(self, werkplek: httpx.AsyncClient, nep: dict[str, Any]) -> None:
        vul(nep)
        await aanmelden(werkplek)
        pagina = await werkplek.get("/werkplek/caseload")
        uit = await werkplek.post("/werkplek/afmelden", data={"csrf": csrf(pagina.text)})
        assert "U bent afgemeld." in uit.text
        assert (await werkplek.get("/werkplek/caseload")).status_code == 303


class TestPaginas:
    async def test_every_call_carries_the_users_own_token(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any]
    ) -> None:
        vul(nep)
        await aanmelden(werkplek)
        response = await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")
        assert response.status_code == 200
        for bron in nep.values():
            assert bron.verzoeken
            for verzoek in bron.verzoeken:
                assert verzoek.headers["authorization"].startswith("Bearer ey")
                assert verzoek.headers["traceparent"].startswith("00-")

    async def test_the_overview_shows_person_pip_opdrachten_signals_and_a_chart(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any]
    ) -> None:
        vul(nep)
        await aanmelden(werkplek)
        html = (await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")).text
        assert "<h1>Amal Haddad</h1>" in html
        assert BSN in html
        assert "Versiegeschiedenis" in html and "Termijn verstreken" in html
        assert '<svg role="img"' in html and "40 uur aanwezig" in html
        assert "niet beschikbaar" not in html

    async def test_a_specialist_sees_only_their_part_and_no_bsn(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any]
    ) -> None:
        vul(nep)
        await aanmelden(werkplek, rol="specialist-werk")
        html = (await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")).text
        assert BSN not in html
        assert "Brede intake" in html and "Handhaving" not in html and "Open signalen" not in html
        paden = {r.url.path for b in nep.values() for r in b.verzoeken}
        assert f"/api/v1/inburgeraars/{PERSOON}" not in paden
        assert not nep["handhaving"].verzoeken

    async def test_one_api_down_shows_that_part_as_unavailable_and_the_rest(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any]
    ) -> None:
        vul(nep)
        nep["aanbieder"].plat = True
        await aanmelden(werkplek)
        response = await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")
        assert response.status_code == 200
        assert "Opdrachten: niet beschikbaar." in response.text
        assert "aanbieder-api is nu niet beschikbaar." in response.text
        assert "<h1>Amal Haddad</h1>" in response.text and "Versiegeschiedenis" in response.text

    async def test_a_slow_api_is_cut_off_at_the_timeout(self, werkplek: httpx.AsyncClient, nep: dict[str, Any]) -> None:
        vul(nep)
        nep["handhaving"].traag = True
        await aanmelden(werkplek)
        begin = time.monotonic()
        response = await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")
        assert time.monotonic() - begin < 2.5
        assert response.status_code == 200
        assert "Handhaving: niet beschikbaar." in response.text
        assert "Versiegeschiedenis" in response.text

    async def test_the_caseload_stands_when_pip_api_is_down(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any]
    ) -> None:
        vul(nep)
        nep["pip"].plat = True
        await aanmelden(werkplek)
        response = await werkplek.get("/werkplek/caseload")
        assert response.status_code == 200
        assert "Amal Haddad" in response.text and "Signalen: niet beschikbaar." in response.text


class TestActies:
    async def test_the_route_rules_errors_are_shown_at_their_fields(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any]
    ) -> None:
        vul(nep)
        nep["pip"].op(
            "POST",
            "/pips/{id}/_wijzigen",
            {
                "title": "Routewissel niet toegestaan",
                "status": 422,
                "detail": "Buiten het venster",
                "invalidParams": [
                    {"name": "ingangsdatum", "code": "buiten-venster", "reason": "ligt buiten 2026-03-01 - 2026-09-01"},
                    {"name": "wijzigingen.leerroute", "code": "ongewijzigd", "reason": "gelijk aan de huidige"},
                ],
            },
            422,
        )
        await aanmelden(werkplek)
        formulier = await werkplek.get(f"/werkplek/pips/{PIP}/wijzigen")
        response = await werkplek.post(
            f"/werkplek/pips/{PIP}/wijzigen",
            data={
                "csrf": csrf(formulier.text),
                "dagtekening": "2026-10-01",
                "verzenddatum": "2026-10-01",
                "ingangsdatum": "2026-10-01",
                "reden": "wissel",
                "leerroute": "b1",
            },
        )
        assert response.status_code == 400
        assert "<title>Fout: PIP wijzigen" in response.text
        assert 'id="veld-ingangsdatum-fout"' in response.text and 'id="veld-leerroute-fout"' in response.text
        assert 'href="#veld-leerroute-b1"' in response.text

    async def test_handling_a_signal_sends_the_reason_and_returns_to_the_person(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any]
    ) -> None:
        vul(nep)
        nep["pip"].op("POST", "/signalen/{id}/_afhandelen", {**_signaal(), "status": "afgehandeld"})
        await aanmelden(werkplek)
        formulier = await werkplek.get(f"/werkplek/signalen/{SIGNAAL}/afhandelen")
        leeg = await werkplek.post(
            f"/werkplek/signalen/{SIGNAAL}/afhandelen", data={"csrf": csrf(formulier.text), "reden": ""}
        )
        assert leeg.status_code == 400 and "Vul de reden van afhandeling in." in leeg.text
        response = await werkplek.post(
            f"/werkplek/signalen/{SIGNAAL}/afhandelen", data={"csrf": csrf(formulier.text), "reden": "gebeld"}
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"/werkplek/inburgeraars/{PERSOON}?gedaan=signaal"
        post = next(r for r in nep["pip"].verzoeken if r.method == "POST")
        assert post.content == b'{"reden":"gebeld"}'
