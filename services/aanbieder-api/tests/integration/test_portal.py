"""The provider portal over real PostgreSQL and NATS: sign-in, sessions, CSRF, lockout, isolation between
aanbieders, and reports that land in the same records, events and processing log as the API's.

The browser test at the end drives the operating system's Chromium against the app under a real uvicorn.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import date
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, expect
from sqlalchemy import text

from aanbieder_api.main import create_app
from aanbieder_api.portal import toegang
from aanbieder_api.scopes import ROLLEN
from aanbieder_api.settings import Settings
from inburgering_kit.bsn import is_valid_bsn
from inburgering_kit.db import Database
from inburgering_kit.testing.live import live_server
from inburgering_kit.testing.plugin import TokenFactory
from inburgering_kit.testing.waiting import eventually

pytestmark = pytest.mark.integration

WACHTWOORD = "correct paard batterij nietje"
GEWEIGERD_TEKST = "Aanmelden is niet gelukt. Controleer uw e-mailadres en wachtwoord."
BASE = "https://portaal.test"


@pytest.fixture(autouse=True)
def _eigen_begrenzer(app: FastAPI) -> None:
    """Every test starts with no failed sign-ins counted against its client address."""
    app.state.portaal_begrenzer = toegang.Begrenzer()


@pytest.fixture
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # https: the session cookie is Secure outside development, and a client only sends it back over https.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        yield client


@dataclass
class Medewerker:
    """An employee with a portal account, of an aanbieder that has one opdracht (planned start 2 March 2026)."""

    email: str
    aanbieder_id: uuid.UUID
    opdracht_id: uuid.UUID
    referentie: str
    api_headers: dict[str, str]  # the same aanbieder's own system, for reading back through the API
    # What the gemeente knows of the person and the provider must not: the inburgeraar's and the PIP's ids.
    interne_ids: tuple[str, str]


class Gemeente:
    """What a gemeente sets up before a provider's employee signs in: the aanbieder, its opdracht (through the
    gemeente's API, see `omgeving`) and the portal account."""

    def __init__(self, omgeving: Any, database: Database) -> None:
        self.omgeving, self.database = omgeving, database

    async def medewerker(self) -> Medewerker:
        aanbieder = await self.omgeving.aanbieder()
        opdracht = await self.omgeving.opdracht(aanbieder, start=date(2026, 3, 2))
        email = f"medewerker-{aanbieder.id.hex[:8]}@taalschool.example"
        async with self.database.unit_of_work() as uow:
            await toegang.maak_account(
                uow.session, gemeente="0363", aanbieder_id=aanbieder.id, email=email, naam="Sanne de Vries",
                wachtwoord_=WACHTWOORD,
            )  # fmt: skip
            await uow.commit()
        return Medewerker(
            email, aanbieder.id, uuid.UUID(opdracht["id"]), opdracht["deelnemerReferentie"], aanbieder.headers,
            (opdracht["inburgeraarId"], opdracht["pipId"]),
        )  # fmt: skip

    async def wijzig(self, opdracht_id: uuid.UUID, wijzigingen: dict[str, Any], reden: str) -> None:
        response = await self.omgeving.client.post(
            f"/api/v1/opdrachten/{opdracht_id}/_wijzigen",
            json={"wijzigingen": wijzigingen, "reden": reden},
            headers=self.omgeving.regisseur,
        )
        assert response.status_code == 200, response.text


@pytest.fixture
def gemeente(omgeving: Any, database: Database) -> Gemeente:
    return Gemeente(omgeving, database)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "form without a CSRF token"
    return match.group(1)


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"form without {name}"
    return match.group(1)


async def aanmelden(
    client: httpx.AsyncClient, email: str, wachtwoord: str = WACHTWOORD, *, gemeente: str = "0363"
) -> httpx.Response:
    page = await client.get("/portaal/aanmelden")
    return await client.post(
        "/portaal/aanmelden",
        data={"csrf": _csrf(page.text), "gemeente": gemeente, "email": email, "wachtwoord": wachtwoord},
    )


async def formulier_versturen(
    client: httpx.AsyncClient, pad: str, velden: dict[str, str], *, opnieuw: dict[str, str] | None = None
) -> httpx.Response:
    """GET the form, POST it with `velden` and its own hidden fields (or `opnieuw`: those of an earlier render)."""
    verborgen = opnieuw
    if verborgen is None:
        page = await client.get(pad)
        assert page.status_code == 200, page.text
        verborgen = {"csrf": _csrf(page.text), "formulier": _hidden(page.text, "formulier")}
    return await client.post(pad, data={**verborgen, **velden})


async def _aantal_meldingen(database: Database, opdracht_id: uuid.UUID) -> int:
    async with database.engine.connect() as conn:
        query = text("SELECT count(*) FROM melding WHERE opdracht_id = :o")
        return int((await conn.execute(query, {"o": opdracht_id})).scalar_one())


async def _sessies(database: Database, email: str) -> int:
    async with database.engine.connect() as conn:
        return int(
            (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM portaal_sessie s JOIN portaal_account a ON a.id = s.account_id "
                        "WHERE a.email = :e"
                    ),
                    {"e": email},
                )
            ).scalar_one()
        )


class TestAanmelden:
    async def test_a_signed_in_employee_sees_the_opdrachten_of_its_own_aanbieder(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        eigen = await gemeente.medewerker()
        ander = await gemeente.medewerker()
        response = await aanmelden(api, eigen.email)
        assert response.status_code == 303
        assert response.headers["location"] == "/portaal/opdrachten"
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-portaal-sessie=")
        for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
            assert attribute.lower() in cookie.lower()
        lijst = await api.get("/portaal/opdrachten")
        assert lijst.status_code == 200
        assert eigen.referentie in lijst.text
        assert ander.referentie not in lijst.text
        assert "Sanne de Vries" in lijst.text

    async def test_the_list_narrows_to_one_status(self, api: httpx.AsyncClient, gemeente: Gemeente) -> None:
        medewerker = await gemeente.medewerker()
        await aanmelden(api, medewerker.email)
        await formulier_versturen(
            api, f"/portaal/opdrachten/{medewerker.opdracht_id}/meldingen/start", {"datum": "2026-03-02"}
        )
        gestart = await api.get("/portaal/opdrachten?status=gestart")
        assert medewerker.referentie in gestart.text
        assert '<option value="gestart" selected>' in gestart.text
        verstrekt = await api.get("/portaal/opdrachten?status=verstrekt")
        assert medewerker.referentie not in verstrekt.text
        assert "Er zijn geen opdrachten met status nog niet gestart." in verstrekt.text
        assert medewerker.referentie in (await api.get("/portaal/opdrachten?status=")).text

    async def test_pages_carry_the_security_headers_and_a_policy_that_allows_only_own_css(
        self, api: httpx.AsyncClient
    ) -> None:
        page = await api.get("/portaal/aanmelden")
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-store"
        assert page.headers["x-frame-options"] == "DENY"
        policies = page.headers.get_list("content-security-policy")
        assert any("style-src 'self'" in p and "default-src 'none'" in p for p in policies)
        css = await api.get("/portaal/static/portaal.css")
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
        assert ".skiplink:focus" in css.text  # the base rules the kit's pieces need

    async def test_the_pages_are_no_part_of_the_api_contract(self, api: httpx.AsyncClient) -> None:
        contract = (await api.get("/openapi.json")).json()
        assert not [p for p in contract["paths"] if "portaal/" in p or p.startswith("/portaal")]
        assert "/aanbieders/{aanbiederId}/portaal-accounts" in contract["paths"]

    async def test_without_a_session_every_page_leads_to_the_sign_in(self, api: httpx.AsyncClient) -> None:
        for pad in ("/portaal/opdrachten", f"/portaal/opdrachten/{uuid.uuid4()}"):
            response = await api.get(pad)
            assert response.status_code == 303
            assert response.headers["location"] == "/portaal/aanmelden"

    async def test_every_refusal_says_the_same_and_names_no_reason(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        aanbieder = await gemeente.medewerker()
        onjuist = await aanmelden(api, aanbieder.email, "een verkeerd wachtwoord")
        onbekend = await aanmelden(api, "niemand@nergens.example", WACHTWOORD)
        for response in (onjuist, onbekend):
            assert response.status_code == 401
            assert "set-cookie" not in response.headers or "portaal-sessie" not in response.headers["set-cookie"]
            assert "Aanmelden is niet gelukt. Controleer uw e-mailadres en wachtwoord." in response.text
            assert 'role="alert"' in response.text
        assert _zonder_tokens(onjuist.text) == _zonder_tokens(onbekend.text).replace(
            "niemand@nergens.example", aanbieder.email
        )

    async def test_empty_fields_are_named_in_the_error_summary(self, api: httpx.AsyncClient) -> None:
        page = await api.get("/portaal/aanmelden")
        response = await api.post("/portaal/aanmelden", data={"csrf": _csrf(page.text), "email": "", "wachtwoord": ""})
        assert response.status_code == 422
        assert '<a href="#veld-email">Vul uw e-mailadres in</a>' in response.text
        assert '<a href="#veld-wachtwoord">Vul uw wachtwoord in</a>' in response.text
        assert 'aria-describedby="veld-email-fout"' in response.text
        assert "<title>Fout: Aanmelden" in response.text

    async def test_five_wrong_passwords_block_the_account_for_a_quarter(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        for _ in range(toegang.MAXIMUM_POGINGEN):
            assert (await aanmelden(api, aanbieder.email, "fout fout fout fout")).status_code == 401
        geblokkeerd = await aanmelden(api, aanbieder.email)
        assert geblokkeerd.status_code == 401, "the right password does not open a blocked account"
        assert "Aanmelden is niet gelukt." in geblokkeerd.text
        async with database.engine.begin() as conn:
            tot = (
                await conn.execute(
                    text("SELECT geblokkeerd_tot - now() FROM portaal_account WHERE email = :e"), {"e": aanbieder.email}
                )
            ).scalar_one()
            assert 14 * 60 < tot.total_seconds() <= 15 * 60
            # A quarter later:
            await conn.execute(
                text("UPDATE portaal_account SET geblokkeerd_tot = now() - interval '1 second' WHERE email = :e"),
                {"e": aanbieder.email},
            )
        assert (await aanmelden(api, aanbieder.email)).status_code == 303

    async def test_four_wrong_passwords_then_the_right_one_start_the_count_again(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        for _ in range(toegang.MAXIMUM_POGINGEN - 1):
            await aanmelden(api, aanbieder.email, "fout fout fout fout")
        assert (await aanmelden(api, aanbieder.email)).status_code == 303
        async with database.engine.connect() as conn:
            pogingen = (
                await conn.execute(
                    text("SELECT mislukte_pogingen FROM portaal_account WHERE email = :e"), {"e": aanbieder.email}
                )
            ).scalar_one()
        assert pogingen == 0


def _zonder_tokens(html: str) -> str:
    return re.sub(r'name="csrf" value="[^"]+"', "", html)


@pytest.fixture
def achter_een_proxy(app: FastAPI) -> Iterator[None]:
    """The app as deployed behind proxies in 10.0.0.0/8 (the app and its settings are shared by the session)."""
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"trusted_proxies": [ip_network("10.0.0.0/8")]})
    try:
        yield
    finally:
        app.state.settings = settings


class TestBegrenzer:
    async def test_many_failures_from_one_address_stop_sign_ins_from_it_but_not_from_others(
        self, api: httpx.AsyncClient, app: FastAPI, gemeente: Gemeente
    ) -> None:
        app.state.portaal_begrenzer = toegang.Begrenzer(maximum=3)
        medewerker = await gemeente.medewerker()
        for i in range(3):
            assert (await aanmelden(api, f"geraden-{i}@taalschool.example", "zomer2026")).status_code == 401
        geweigerd = await aanmelden(api, medewerker.email)
        assert geweigerd.status_code == 401, "the right password, but from an address that guessed too often"
        assert GEWEIGERD_TEKST in geweigerd.text
        transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as elders:
            assert (await aanmelden(elders, medewerker.email)).status_code == 303

    async def test_forwarded_addresses_from_an_untrusted_peer_do_not_escape_the_brake(
        self, app: FastAPI, gemeente: Gemeente
    ) -> None:
        """No proxy is trusted by default: a client that invents a new `X-Forwarded-For` per attempt is still counted
        under its own address."""
        app.state.portaal_begrenzer = toegang.Begrenzer(maximum=3)
        medewerker = await gemeente.medewerker()
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            for i in range(3):
                client.headers["X-Forwarded-For"] = f"198.51.100.{i}"
                assert (await aanmelden(client, f"geraden-{i}@taalschool.example", "zomer2026")).status_code == 401
            client.headers["X-Forwarded-For"] = "198.51.100.99"
            assert (await aanmelden(client, medewerker.email)).status_code == 401

    async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(
        self, achter_een_proxy: None, app: FastAPI, gemeente: Gemeente
    ) -> None:
        app.state.portaal_begrenzer = toegang.Begrenzer(maximum=3)
        medewerker = await gemeente.medewerker()
        transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            for i in range(3):
                # What the client itself put in front of the proxy's entry does not change its count.
                client.headers["X-Forwarded-For"] = f"203.0.113.{i}, 192.0.2.50"
                assert (await aanmelden(client, f"geraden-{i}@taalschool.example", "zomer2026")).status_code == 401
            client.headers["X-Forwarded-For"] = "192.0.2.50"
            assert (await aanmelden(client, medewerker.email)).status_code == 401, "the guesser's address is braked"
            # Everyone else behind the same proxy still signs in.
            client.headers["X-Forwarded-For"] = "192.0.2.51"
            assert (await aanmelden(client, medewerker.email)).status_code == 303

    def test_the_stack_and_the_image_leave_forwarded_headers_to_the_service(self) -> None:
        """uvicorn's own handling trusts `X-Forwarded-For` from 127.0.0.1 (or FORWARDED_ALLOW_IPS) and rewrites the
        peer before the service can tell a proxy from a client."""
        root = Path(__file__).resolve().parents[4]
        assert '"--no-proxy-headers"' in (root / "deploy/local/stack.py").read_text()
        # The image has no command of its own: Kubernetes runs each process by the command generate.py writes.
        generator = (root / "deploy/k8s/generate.py").read_text()
        assert '"--no-proxy-headers"' in generator
        assert '"--proxy-headers"' not in generator
        api = (root / "deploy/k8s/base/aanbieder-api.yaml").read_text()
        assert "--no-proxy-headers" in api
        assert "- --proxy-headers" not in api


class TestSessie:
    async def test_signing_out_ends_the_session_on_the_server(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        oude_cookie = api.cookies.get("__Host-portaal-sessie")
        assert oude_cookie and await _sessies(database, aanbieder.email) == 1
        lijst = await api.get("/portaal/opdrachten")
        response = await api.post("/portaal/afmelden", data={"csrf": _csrf(lijst.text)})
        assert response.status_code == 303
        assert response.headers["location"] == "/portaal/aanmelden?afgemeld=true&gemeente=0363"
        assert await _sessies(database, aanbieder.email) == 0
        # The old cookie, replayed by someone who kept it, opens nothing.
        api.cookies.set("__Host-portaal-sessie", oude_cookie, domain="portaal.test")
        assert (await api.get("/portaal/opdrachten")).status_code == 303

    async def test_a_session_ends_after_its_maximum_and_after_being_idle(
        self, api: httpx.AsyncClient, app: FastAPI, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        assert (await api.get("/portaal/opdrachten")).status_code == 200
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE portaal_sessie SET laatst_gezien_at = now() - interval '31 minutes' "
                    "WHERE account_id = (SELECT id FROM portaal_account WHERE email = :e)"
                ),
                {"e": aanbieder.email},
            )
        assert (await api.get("/portaal/opdrachten")).status_code == 303, "idle for more than 30 minutes"
        await aanmelden(api, aanbieder.email)
        async with database.engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE portaal_sessie SET verloopt_at = now() - interval '1 second' "
                    "WHERE account_id = (SELECT id FROM portaal_account WHERE email = :e)"
                ),
                {"e": aanbieder.email},
            )
        assert (await api.get("/portaal/opdrachten")).status_code == 303, "past its maximum of 8 hours"
        # The next sign-in, of anyone, clears sessions past their maximum.
        assert await _sessies(database, aanbieder.email) == 1
        ander = await gemeente.medewerker()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as elders:
            await aanmelden(elders, ander.email)
        assert await _sessies(database, aanbieder.email) == 0

    async def test_signing_in_again_in_the_same_browser_replaces_its_session(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        medewerker = await gemeente.medewerker()
        await aanmelden(api, medewerker.email)
        assert (await api.get("/portaal/aanmelden")).headers["location"] == "/portaal/opdrachten"
        # The sign-in form as a second tab opened it before the first sign-in; then signed in there too.
        sessie = api.cookies["__Host-portaal-sessie"]
        api.cookies.delete("__Host-portaal-sessie")
        formulier = await api.get("/portaal/aanmelden")
        api.cookies.set("__Host-portaal-sessie", sessie, domain="portaal.test")
        data = {"csrf": _csrf(formulier.text), "gemeente": "0363", "email": medewerker.email, "wachtwoord": WACHTWOORD}
        response = await api.post("/portaal/aanmelden", data=data)
        assert response.status_code == 303
        assert api.cookies["__Host-portaal-sessie"] != sessie
        assert await _sessies(database, medewerker.email) == 1

    async def test_a_post_without_the_session_csrf_token_is_refused_and_changes_nothing(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        pad = f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/start"
        page = await api.get(pad)
        formulier_id = _hidden(page.text, "formulier")
        for csrf in (None, "geraden", _csrf(page.text) + "x"):
            data = {"formulier": formulier_id, "datum": "2026-03-02"} | ({"csrf": csrf} if csrf else {})
            response = await api.post(pad, data=data)
            assert response.status_code == 403
            assert "Formulier verlopen" in response.text
        meldingen = await _aantal_meldingen(database, aanbieder.opdracht_id)
        assert meldingen == 0
        uitloggen = await api.post("/portaal/afmelden", data={"csrf": "geraden"})
        assert uitloggen.status_code == 403
        assert await _sessies(database, aanbieder.email) == 1

    async def test_a_post_from_another_site_is_refused(self, api: httpx.AsyncClient, gemeente: Gemeente) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        pad = f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/start"
        page = await api.get(pad)
        response = await api.post(
            pad,
            data={"csrf": _csrf(page.text), "formulier": _hidden(page.text, "formulier"), "datum": "2026-03-02"},
            headers={"Origin": "https://kwaadwillend.example"},
        )
        assert response.status_code == 403

    async def test_a_post_with_origin_null_is_refused_and_changes_nothing(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        """A sandboxed frame or a data: URL posts with `Origin: null`; the portal's own pages never do (their referrer
        policy is same-origin, which the browser test exercises on every post)."""
        aanbieder = await gemeente.medewerker()
        page = await api.get("/portaal/aanmelden")
        null = {"Origin": "null"}
        data = {"csrf": _csrf(page.text), "gemeente": "0363", "email": aanbieder.email, "wachtwoord": WACHTWOORD}
        aanmelding = await api.post("/portaal/aanmelden", data=data, headers=null)
        assert aanmelding.status_code == 403
        assert await _sessies(database, aanbieder.email) == 0
        await aanmelden(api, aanbieder.email)
        pad = f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/start"
        formulier = await api.get(pad)
        velden = {"csrf": _csrf(formulier.text), "formulier": _hidden(formulier.text, "formulier")}
        response = await api.post(pad, data={**velden, "datum": "2026-03-02"}, headers=null)
        assert response.status_code == 403
        assert await _aantal_meldingen(database, aanbieder.opdracht_id) == 0
        eigen = await api.post(pad, data={**velden, "datum": "2026-03-02"}, headers={"Origin": BASE})
        assert eigen.status_code == 303, "the portal's own origin passes"

    async def test_pages_ask_the_browser_to_send_their_origin_on_their_own_posts(self, api: httpx.AsyncClient) -> None:
        page = await api.get("/portaal/aanmelden")
        assert '<meta name="referrer" content="same-origin">' in page.text

    async def test_the_sign_in_form_needs_its_own_cookie_token(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        aanbieder = await gemeente.medewerker()
        response = await api.post(
            "/portaal/aanmelden", data={"csrf": "zelfbedacht", "email": aanbieder.email, "wachtwoord": WACHTWOORD}
        )
        assert response.status_code == 403


class TestIsolatie:
    async def test_another_aanbieders_opdracht_is_not_found_and_cannot_be_reported_on(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        eigen = await gemeente.medewerker()
        ander = await gemeente.medewerker()
        await aanmelden(api, eigen.email)
        for pad in (
            f"/portaal/opdrachten/{ander.opdracht_id}",
            f"/portaal/opdrachten/{ander.opdracht_id}/meldingen/start",
        ):
            response = await api.get(pad)
            assert response.status_code == 404
            assert ander.referentie not in response.text
            assert "Pagina niet gevonden" in response.text
        # A form of one's own opdracht, posted to the other's address.
        page = await api.get(f"/portaal/opdrachten/{eigen.opdracht_id}/meldingen/start")
        response = await api.post(
            f"/portaal/opdrachten/{ander.opdracht_id}/meldingen/start",
            data={"csrf": _csrf(page.text), "formulier": _hidden(page.text, "formulier"), "datum": "2026-03-02"},
        )
        assert response.status_code == 404
        meldingen = await _aantal_meldingen(database, ander.opdracht_id)
        assert meldingen == 0

    async def test_an_unknown_query_parameter_is_a_page_too_never_json(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        medewerker = await gemeente.medewerker()
        await aanmelden(api, medewerker.email)
        response = await api.get("/portaal/opdrachten?bladzijde=2")
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/html")
        assert "onbekende queryparameter" in response.text.lower()

    async def test_an_unknown_page_or_kind_of_report_is_a_page_not_found(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        for pad in (
            f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/verzonnen",
            "/portaal/opdrachten/geen-uuid",
        ):
            response = await api.get(pad)
            assert response.status_code == 404
            assert response.headers["content-type"].startswith("text/html")


async def _outbox(database: Database, opdracht_id: uuid.UUID) -> list[dict[str, Any]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT event FROM outbox WHERE event->>'subject' = :s ORDER BY event->>'time'"),
            {"s": str(opdracht_id)},
        )
        return [row.event for row in rows]


async def _verwerkingen(database: Database, opdracht_id: uuid.UUID) -> list[tuple[str, str, str, str | None]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT activiteit, actie, actor_client, actor_user FROM verwerking WHERE object_id = :o ORDER BY at"),
            {"o": str(opdracht_id)},
        )
        return [tuple(row) for row in rows]


class TestMelden:
    async def test_attendance_from_the_portal_lands_in_the_records_the_api_reads(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        response = await formulier_versturen(
            api,
            f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/aanwezigheid",
            {"periodeVan": "2026-03-02", "periodeTot": "2026-03-31", "urenAanwezig": "40,5",
             "urenAfwezigGeoorloofd": "4", "urenAfwezigOngeoorloofd": "2"},
        )  # fmt: skip
        assert response.status_code == 303
        assert response.headers["location"] == f"/portaal/opdrachten/{aanbieder.opdracht_id}?gemeld=aanwezigheid"
        detail = await api.get(response.headers["location"])
        assert "Aanwezigheid: uw melding is opgeslagen." in detail.text
        via_api = await api.get(f"/api/v1/toegewezen-opdrachten/{aanbieder.opdracht_id}", headers=aanbieder.api_headers)
        assert via_api.status_code == 200, via_api.text
        stand = via_api.json()["stand"]
        assert (float(stand["urenAanwezig"]), float(stand["urenAfwezigOngeoorloofd"])) == (40.5, 2)
        meldingen = await api.get(
            f"/api/v1/toegewezen-opdrachten/{aanbieder.opdracht_id}/meldingen",
            headers=aanbieder.api_headers,
        )
        assert meldingen.status_code == 200, meldingen.text
        [melding] = meldingen.json()["resultaten"]
        assert melding["kanaal"] == "portaal"
        types = [e["type"].rsplit(".", 1)[1] for e in await _outbox(database, aanbieder.opdracht_id)]
        assert types[-3:] == ["voortgang-gemeld", "verzuim-gemeld", "uren-bijgewerkt"]
        verwerkingen = await _verwerkingen(database, aanbieder.opdracht_id)
        assert ("ontvangen voortgang van aanbieder", "aanmaken", "aanbieder-portaal", aanbieder.email) in verwerkingen

    async def test_a_report_from_the_portal_raises_the_events_the_same_report_from_the_api_raises(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        via_portaal, via_api = await gemeente.medewerker(), await gemeente.medewerker()
        await aanmelden(api, via_portaal.email)
        velden = {"datum": "2026-06-15", "resultaat": "niet-behaald", "reden": "spreken onvoldoende", "niveau": "A2"}
        response = await formulier_versturen(
            api, f"/portaal/opdrachten/{via_portaal.opdracht_id}/meldingen/eindresultaat", velden
        )
        assert response.status_code == 303, response.text
        response = await api.post(
            f"/api/v1/toegewezen-opdrachten/{via_api.opdracht_id}/meldingen",
            json={"soort": "eindresultaat", **velden},
            headers={**via_api.api_headers, "Idempotency-Key": f"eind-{uuid.uuid4()}"},
        )
        assert response.status_code == 201, response.text

        def vorm(events: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
            # The kind of each event and the names in its data; ids, times and the channel itself may differ.
            return [
                (e["type"], sorted(e["data"])) for e in events if e["type"].rsplit(".", 1)[1] != "opdracht-verstrekt"
            ]

        portaal_events = await _outbox(database, via_portaal.opdracht_id)
        api_events = await _outbox(database, via_api.opdracht_id)
        assert vorm(portaal_events) == vorm(api_events)
        assert [e["data"].get("kanaal") for e in portaal_events if "kanaal" in e["data"]] == ["portaal"]
        assert [e["data"].get("kanaal") for e in api_events if "kanaal" in e["data"]] == ["api"]

    async def test_the_same_report_from_the_api_after_the_portal_is_the_same_record(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        await formulier_versturen(
            api, f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/start", {"datum": "2026-03-02"}
        )
        via_api = await api.post(
            f"/api/v1/toegewezen-opdrachten/{aanbieder.opdracht_id}/meldingen",
            json={"soort": "start", "datum": "2026-03-02"},
            headers={**aanbieder.api_headers, "Idempotency-Key": f"start-{uuid.uuid4()}"},
        )
        assert via_api.status_code == 200, via_api.text
        async with database.engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT kanaal FROM melding WHERE opdracht_id = :o"), {"o": aanbieder.opdracht_id}
            )
            kanalen = rows.scalars().all()
        assert kanalen == ["portaal"]

    async def test_a_double_submit_of_one_form_applies_once(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        pad = f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/aanwezigheid"
        page = await api.get(pad)
        verborgen = {"csrf": _csrf(page.text), "formulier": _hidden(page.text, "formulier")}
        velden = {"periodeVan": "2026-04-01", "periodeTot": "2026-04-30", "urenAanwezig": "30"}
        eerste = await formulier_versturen(api, pad, velden, opnieuw=verborgen)
        tweede = await formulier_versturen(api, pad, velden, opnieuw=verborgen)
        assert eerste.status_code == tweede.status_code == 303
        assert tweede.headers["location"].endswith("&herhaald=true")
        # The same form once more, changed after it was sent: refused, nothing applied, a fresh form offered.
        gewijzigd = await formulier_versturen(api, pad, {**velden, "urenAanwezig": "31"}, opnieuw=verborgen)
        assert gewijzigd.status_code == 422
        assert "Dit formulier is al verstuurd." in gewijzigd.text
        assert _hidden(gewijzigd.text, "formulier") != verborgen["formulier"]
        aantal = await _aantal_meldingen(database, aanbieder.opdracht_id)
        async with database.engine.connect() as conn:
            uren = (
                await conn.execute(
                    text("SELECT stand->>'urenAanwezig' FROM opdracht WHERE id = :o"), {"o": aanbieder.opdracht_id}
                )
            ).scalar_one()
        assert aantal == 1
        assert float(uren) == 30

    async def test_invalid_input_is_shown_again_with_a_message_per_field_and_nothing_is_stored(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        response = await formulier_versturen(
            api,
            f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/aanwezigheid",
            {
                "periodeVan": "2026-05-10",
                "periodeTot": "2026-05-01",
                "urenAanwezig": "veel",
                "kenmerk": "mijn<kenmerk>",
            },
        )
        assert response.status_code == 422
        assert '<a href="#veld-urenAanwezig">Vul bij uren aanwezig een aantal uren in' in response.text
        assert 'aria-describedby="veld-urenAanwezig-hint veld-urenAanwezig-fout"' in response.text
        assert 'value="veel"' in response.text, "what was entered is shown again"
        assert "mijn&lt;kenmerk&gt;" in response.text
        aantal = await _aantal_meldingen(database, aanbieder.opdracht_id)
        assert aantal == 0

    async def test_a_rule_of_the_use_case_is_shown_on_its_field(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        # Later than the planned 2 March, without a reason: the domain asks for the reason (it goes to DUO).
        response = await formulier_versturen(
            api, f"/portaal/opdrachten/{aanbieder.opdracht_id}/meldingen/start", {"datum": "2026-03-16"}
        )
        assert response.status_code == 422
        assert '<a href="#veld-redenLateStart">' in response.text

    async def test_the_opdracht_shows_what_the_gemeente_changed_since_the_last_look(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        aanbieder = await gemeente.medewerker()
        await aanmelden(api, aanbieder.email)
        eerste = await api.get(f"/portaal/opdrachten/{aanbieder.opdracht_id}")
        assert "Gewijzigd sinds uw laatste bezoek" not in eerste.text
        await gemeente.wijzig(aanbieder.opdracht_id, {"geplandeEinddatum": "2027-06-30", "uren": 650}, "meer lesuren")
        lijst = await api.get("/portaal/opdrachten")
        assert '<span class="label">Gewijzigd</span>' in lijst.text
        tweede = await api.get(f"/portaal/opdrachten/{aanbieder.opdracht_id}")
        assert "Gewijzigd sinds uw laatste bezoek" in tweede.text
        assert "meer lesuren" in tweede.text
        assert "1 maart 2027" in tweede.text and "30 juni 2027" in tweede.text
        derde = await api.get(f"/portaal/opdrachten/{aanbieder.opdracht_id}")
        assert "Niets gewijzigd sinds u deze opdracht het laatst bekeek." in derde.text


BSN_KANDIDAAT = re.compile(r"(?<!\d)\d{9}(?!\d)")
# Ids on a page (an opdracht's, a form's fresh one) are random hex: nine digits in a row in one of them pass the
# 11-test now and then, and are no BSN.
UUID_PATROON = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _niets_over_de_persoon(html: str, medewerker: Medewerker) -> None:
    """No BSN (nor any number that passes its 11-test) and none of the gemeente's own ids of the person."""
    kandidaten = BSN_KANDIDAAT.findall(UUID_PATROON.sub("", html))
    assert not [n for n in kandidaten if is_valid_bsn(n)], "a BSN-like number on a page"
    for intern in medewerker.interne_ids:
        assert intern not in html


@pytest.fixture(scope="module")
def live_url(settings: Settings) -> Iterator[str]:
    # A second app instance: uvicorn runs it in its own thread and event loop, with its own engine.
    with live_server(create_app(settings.model_copy(update={"run_projectie": False}))) as url:
        yield url


class TestInDeBrowser:
    async def test_an_employee_signs_in_reports_attendance_and_a_result_and_sees_an_error_explained(
        self, browser: Browser, live_url: str, gemeente: Gemeente, api: httpx.AsyncClient
    ) -> None:
        aanbieder = await gemeente.medewerker()
        context = await browser.new_context(base_url=live_url, locale="nl-NL")
        page = await context.new_page()
        bezocht: list[str] = []
        page.on("load", lambda p: bezocht.append(p.url))
        try:
            await page.goto("/portaal/opdrachten")
            await expect(page).to_have_title("Aanmelden — Aanbiedersportaal inburgering")
            await page.get_by_label("Gemeente").select_option("0363")
            await page.get_by_label("E-mailadres").fill(aanbieder.email)
            await page.get_by_label("Wachtwoord").fill(WACHTWOORD)
            await page.get_by_role("button", name="Aanmelden").click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Opdrachten")
            _niets_over_de_persoon(await page.content(), aanbieder)

            await page.keyboard.press("Tab")
            await expect(page.get_by_role("link", name="Ga direct naar de inhoud")).to_be_focused()
            await page.keyboard.press("Enter")
            await expect(page.locator("main")).to_be_focused()
            await page.get_by_role("link", name=aanbieder.referentie).click()
            await expect(page.get_by_role("heading", level=1)).to_contain_text(aanbieder.referentie)
            _niets_over_de_persoon(await page.content(), aanbieder)

            # Attendance, with a mistake first: the error summary takes the reader to the field.
            await page.get_by_role("link", name="Aanwezigheid doorgeven").click()
            await page.get_by_label("Eerste dag van de periode").fill("2026-03-02")
            await page.get_by_label("Laatste dag van de periode").fill("2026-03-31")
            await page.get_by_label("Uren aanwezig").fill("veertig")
            await page.get_by_role("button", name="Aanwezigheid opslaan").click()
            await expect(page).to_have_title(re.compile(r"^Fout: Aanwezigheid doorgeven"))
            samenvatting = page.get_by_role("alert")
            await expect(samenvatting).to_contain_text("Er is een probleem")
            await expect(samenvatting).to_be_focused()
            _niets_over_de_persoon(await page.content(), aanbieder)
            await samenvatting.get_by_role("link", name=re.compile("uren aanwezig")).click()
            await expect(page.get_by_label("Uren aanwezig")).to_be_focused()
            await expect(page.get_by_label("Uren aanwezig")).to_have_attribute("aria-invalid", "true")
            await expect(page.get_by_label("Eerste dag van de periode")).to_have_value("2026-03-02")
            # Corrected with the keyboard only.
            await page.keyboard.press("Control+A")
            await page.keyboard.type("40,5")
            await page.keyboard.press("Enter")
            await expect(page.get_by_role("status")).to_have_text("Aanwezigheid: uw melding is opgeslagen.")

            # The exam result: radio buttons in a fieldset, chosen by their label.
            await page.get_by_role("link", name="Examenresultaat doorgeven").click()
            await page.get_by_label("Datum van het examen").fill("2026-06-15")
            await page.get_by_label("Examenonderdeel").fill("spreken")
            await page.get_by_role("group", name="Resultaat").get_by_label("Behaald", exact=True).check()
            await page.get_by_label("Niveau").select_option("B1")
            await page.get_by_role("button", name="Examenresultaat opslaan").click()
            await expect(page.get_by_role("status")).to_have_text("Examenresultaat: uw melding is opgeslagen.")
            _niets_over_de_persoon(await page.content(), aanbieder)
            await expect(page.get_by_role("table", name="Laatste meldingen")).to_contain_text("portaal")

            await page.get_by_role("button", name="Afmelden").click()
            await expect(page.get_by_role("status")).to_have_text("U bent afgemeld.")
            await page.goto(f"/portaal/opdrachten/{aanbieder.opdracht_id}")
            await expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
        finally:
            await context.close()
        assert len(bezocht) >= 8

        # What the browser entered is what the provider's own system reads through the API.
        headers = aanbieder.api_headers
        opdracht = (await api.get(f"/api/v1/toegewezen-opdrachten/{aanbieder.opdracht_id}", headers=headers)).json()
        assert float(opdracht["stand"]["urenAanwezig"]) == 40.5
        assert opdracht["status"] == "gestart"
        meldingen = (
            await api.get(f"/api/v1/toegewezen-opdrachten/{aanbieder.opdracht_id}/meldingen", headers=headers)
        ).json()["resultaten"]
        soorten = {(m["soort"], m["kanaal"]) for m in meldingen}
        assert soorten == {("aanwezigheid", "portaal"), ("examenresultaat", "portaal")}
        examen = next(m for m in meldingen if m["soort"] == "examenresultaat")
        assert examen["melding"]["resultaat"] == "behaald"
        assert examen["melding"]["niveau"] == "B1"
        assert date.fromisoformat(examen["melding"]["datum"]) == date(2026, 6, 15)


class TestAccountbeheer:
    async def test_the_gemeente_creates_an_account_whose_handed_out_password_is_replaced_at_first_sign_in(
        self, api: httpx.AsyncClient, app: FastAPI, omgeving: Any, database: Database
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        pad = f"/api/v1/aanbieders/{aanbieder.id}/portaal-accounts"
        response = await omgeving.client.post(
            pad, json={"email": "Nieuw@Taalschool.example", "naam": "Joris Bakker"}, headers=omgeving.contractmanager
        )
        assert response.status_code == 201, response.text
        account = response.json()
        assert account["email"] == "nieuw@taalschool.example"
        assert account["wachtwoordWijzigen"] is True
        assert response.headers["location"] == f"{pad}/{account['id']}"
        initieel = account["initieelWachtwoord"]
        async with database.engine.connect() as conn:
            opgeslagen = (
                await conn.execute(
                    text("SELECT wachtwoord_hash FROM portaal_account WHERE id = :i"), {"i": account["id"]}
                )
            ).scalar_one()
        assert initieel not in opgeslagen and opgeslagen.startswith("scrypt$")
        lijst = await omgeving.client.get(pad, headers=omgeving.contractmanager)
        assert [a["id"] for a in lijst.json()] == [account["id"]]
        assert "initieelWachtwoord" not in lijst.json()[0]
        again = await omgeving.client.post(
            pad, json={"email": "nieuw@taalschool.example", "naam": "Joris Bakker"}, headers=omgeving.contractmanager
        )
        assert again.status_code == 409

        # Signed in with the handed-out password, every page leads to choosing one's own first.
        assert (await aanmelden(api, "nieuw@taalschool.example", initieel)).status_code == 303
        assert (await api.get("/portaal/opdrachten")).headers["location"] == "/portaal/wachtwoord"
        elders = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
        async with elders:
            assert (await aanmelden(elders, "nieuw@taalschool.example", initieel)).status_code == 303
            formulier = await api.get("/portaal/wachtwoord")
            csrf = _csrf(formulier.text)
            verschillend = await api.post(
                "/portaal/wachtwoord",
                data={"csrf": csrf, "huidig": initieel, "nieuw": WACHTWOORD, "herhaling": WACHTWOORD + "!"},
            )
            assert verschillend.status_code == 422
            assert '<a href="#veld-herhaling">' in verschillend.text
            te_kort = await api.post(
                "/portaal/wachtwoord", data={"csrf": csrf, "huidig": initieel, "nieuw": "kort", "herhaling": "kort"}
            )
            assert '<a href="#veld-nieuw">Kies een wachtwoord van minstens 12 tekens.</a>' in te_kort.text
            gewijzigd = await api.post(
                "/portaal/wachtwoord",
                data={"csrf": csrf, "huidig": initieel, "nieuw": WACHTWOORD, "herhaling": WACHTWOORD},
            )
            assert gewijzigd.status_code == 303
            assert (await api.get("/portaal/opdrachten")).status_code == 200
            # The other session, opened with the handed-out password, has ended.
            assert (await elders.get("/portaal/opdrachten")).status_code == 303
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as later:
            assert (await aanmelden(later, "nieuw@taalschool.example", initieel)).status_code == 401
            assert (await aanmelden(later, "nieuw@taalschool.example")).status_code == 303

    async def test_a_new_password_equal_to_the_email_address_is_refused_on_its_field(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        medewerker = await gemeente.medewerker()
        await aanmelden(api, medewerker.email)
        csrf = _csrf((await api.get("/portaal/wachtwoord")).text)
        nieuw = medewerker.email.upper()
        response = await api.post(
            "/portaal/wachtwoord", data={"csrf": csrf, "huidig": WACHTWOORD, "nieuw": nieuw, "herhaling": nieuw}
        )
        assert response.status_code == 422
        assert '<a href="#veld-nieuw">Kies een wachtwoord dat niet uw e-mailadres is.</a>' in response.text
        await api.post("/portaal/afmelden", data={"csrf": csrf})
        assert (await aanmelden(api, medewerker.email, nieuw)).status_code == 401
        assert (await aanmelden(api, medewerker.email)).status_code == 303

    async def test_a_wrong_current_password_is_shown_on_its_field_and_counts_towards_the_lockout(
        self, api: httpx.AsyncClient, gemeente: Gemeente, database: Database
    ) -> None:
        medewerker = await gemeente.medewerker()
        await aanmelden(api, medewerker.email)
        csrf = _csrf((await api.get("/portaal/wachtwoord")).text)
        nieuw = "een heel ander wachtwoord"
        response = await api.post(
            "/portaal/wachtwoord", data={"csrf": csrf, "huidig": "niet het huidige", "nieuw": nieuw, "herhaling": nieuw}
        )
        assert response.status_code == 422
        assert '<a href="#veld-huidig">Het huidige wachtwoord klopt niet.</a>' in response.text
        async with database.engine.connect() as conn:
            query = text("SELECT mislukte_pogingen FROM portaal_account WHERE email = :e")
            assert (await conn.execute(query, {"e": medewerker.email})).scalar_one() == 1

    async def test_one_address_has_an_account_per_gemeente_and_signs_in_to_the_one_it_names(
        self, api: httpx.AsyncClient, app: FastAPI, omgeving: Any
    ) -> None:
        email = f"werkt-voor-twee-{uuid.uuid4().hex[:8]}@taalschool.example"
        wachtwoorden = {}
        for code in ("0363", "0599"):
            elders = replace(omgeving, gemeente=code)
            aanbieder = await elders.aanbieder()
            pad = f"/api/v1/aanbieders/{aanbieder.id}/portaal-accounts"
            body = {"email": email, "naam": "Joris Bakker"}
            response = await omgeving.client.post(pad, json=body, headers=elders.contractmanager)
            assert response.status_code == 201, f"{code}: {response.text}"
            wachtwoorden[code] = response.json()["initieelWachtwoord"]
            # Within one gemeente an address is still one account.
            ander = await elders.aanbieder()
            dubbel = await omgeving.client.post(
                f"/api/v1/aanbieders/{ander.id}/portaal-accounts", json=body, headers=elders.contractmanager
            )
            assert dubbel.status_code == 409
        page = await api.get("/portaal/aanmelden")
        assert '<option value="0363">' in page.text and '<option value="0599">' in page.text
        # Each password opens the account of its own gemeente only; the other answers like any wrong password.
        assert (await aanmelden(api, email, wachtwoorden["0599"], gemeente="0363")).status_code == 401
        assert (await aanmelden(api, email, wachtwoorden["0599"], gemeente="0599")).status_code == 303
        lijst = await api.get("/portaal/opdrachten")
        assert lijst.headers["location"] == "/portaal/wachtwoord", "the 0599 account, with its handed-out password"
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as tweede:
            assert (await aanmelden(tweede, email, wachtwoorden["0363"], gemeente="0363")).status_code == 303

    async def test_the_sign_in_link_of_a_gemeente_chooses_it_and_signing_out_returns_to_it(
        self, api: httpx.AsyncClient, gemeente: Gemeente
    ) -> None:
        medewerker = await gemeente.medewerker()
        page = await api.get("/portaal/aanmelden?gemeente=0363")
        assert '<option value="0363" selected>' in page.text
        data = {"csrf": _csrf(page.text), "gemeente": "", "email": "a@b.example", "wachtwoord": "x"}
        leeg = await api.post("/portaal/aanmelden", data=data)
        assert leeg.status_code == 422
        assert '<a href="#veld-gemeente">Kies uw gemeente</a>' in leeg.text
        await aanmelden(api, medewerker.email)
        csrf = _csrf((await api.get("/portaal/opdrachten")).text)
        afgemeld = await api.post("/portaal/afmelden", data={"csrf": csrf})
        assert afgemeld.headers["location"] == "/portaal/aanmelden?afgemeld=true&gemeente=0363"

    async def test_deactivating_an_account_ends_its_sessions_at_once(
        self, api: httpx.AsyncClient, gemeente: Gemeente, omgeving: Any, database: Database
    ) -> None:
        medewerker = await gemeente.medewerker()
        await aanmelden(api, medewerker.email)
        assert (await api.get("/portaal/opdrachten")).status_code == 200
        pad = f"/api/v1/aanbieders/{medewerker.aanbieder_id}/portaal-accounts"
        [account] = (await omgeving.client.get(pad, headers=omgeving.contractmanager)).json()
        response = await omgeving.client.post(f"{pad}/{account['id']}/_deactiveren", headers=omgeving.contractmanager)
        assert response.status_code == 200, response.text
        assert response.json()["actief"] is False
        assert (await api.get("/portaal/opdrachten")).status_code == 303
        assert await _sessies(database, medewerker.email) == 0
        assert (await aanmelden(api, medewerker.email)).status_code == 401

    async def test_only_the_gemeente_that_registered_the_aanbieder_manages_its_accounts(
        self, gemeente: Gemeente, omgeving: Any, tokens: TokenFactory
    ) -> None:
        medewerker = await gemeente.medewerker()
        pad = f"/api/v1/aanbieders/{medewerker.aanbieder_id}/portaal-accounts"
        body = {"email": "x@taalschool.example", "naam": "X"}
        andere_gemeente = tokens.headers(*ROLLEN["contractmanager"], gemeente="0599")
        assert (await omgeving.client.post(pad, json=body, headers=andere_gemeente)).status_code == 404
        assert (await omgeving.client.get(pad, headers=andere_gemeente)).status_code == 404
        # The provider itself, or a klantregisseur, has no say over accounts.
        for headers in (medewerker.api_headers, omgeving.regisseur):
            assert (await omgeving.client.post(pad, json=body, headers=headers)).status_code == 403

    async def test_the_stack_command_creates_an_account_that_signs_in(
        self, api: httpx.AsyncClient, omgeving: Any, settings: Settings
    ) -> None:
        aanbieder = await omgeving.aanbieder()
        account_id = await toegang.registreer_account(
            settings.database_url, gemeente="0363", aanbieder_id=str(aanbieder.id), email="dev@taalschool.example",
            naam="Ontwikkelaar", wachtwoord_=WACHTWOORD, moet_wijzigen=False,
        )  # fmt: skip
        assert isinstance(account_id, uuid.UUID)
        assert (await aanmelden(api, "dev@taalschool.example")).status_code == 303
        assert (await api.get("/portaal/opdrachten")).status_code == 200


class TestVerhuisd:
    async def test_an_opdracht_ended_by_a_move_says_so_in_the_portal(
        self, api: httpx.AsyncClient, gemeente: Gemeente, omgeving: Any
    ) -> None:
        medewerker = await gemeente.medewerker()
        inburgeraar_id = uuid.UUID(medewerker.interne_ids[0])
        await omgeving.inburgeraar_api.publish(
            "verhuisd", inburgeraar_id,
            {"inburgeraarId": str(inburgeraar_id), "naarGemeente": "0344", "verhuisdatum": "2026-09-01"},
        )  # fmt: skip

        async def beeindigd() -> bool:
            r = await omgeving.client.get(f"/api/v1/opdrachten/{medewerker.opdracht_id}", headers=omgeving.regisseur)
            return bool(r.json()["status"] == "ingetrokken")

        await eventually(beeindigd, what="opdracht beëindigd na verhuizing")
        assert (await aanmelden(api, medewerker.email)).status_code == 303
        pagina = await api.get(f"/portaal/opdrachten/{medewerker.opdracht_id}")
        assert pagina.status_code == 200
        assert "de deelnemer is naar een andere gemeente verhuisd" in pagina.text
