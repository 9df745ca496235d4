"""The werkplek's pages against stand-in APIs: who sees what, a BSN only for the klantregisseur, a refusal's
`invalidParams` at its fields, CSRF and strict cookies, and a page that stands when one API is down or slow."""

from __future__ import annotations

import re
import time
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


PERSOON = "6f1c2a9e-4b1d-4c6e-9a53-0d8e7b2f4a11"
PIP = "0b7d3c5e-2f8a-4e61-b9c4-7a2e1d6f3b22"
SIGNAAL = "9e4a1b2c-7d3f-4a8e-b5c6-1f2e3d4c5b33"
BSN = "999990019"


class TestAanmelden:
    async def test_the_stylesheet_is_the_shared_base_then_the_werkplek_own_rules(
        self, werkplek: httpx.AsyncClient
    ) -> None:
        css = (await werkplek.get("/werkplek/static/werkplek.css")).text
        # The werkplek's width overrides the base's default, so its rules come after the base rules.
        assert 0 <= css.index(".skiplink:focus") < css.index("--breedte: 72rem") < css.index(".grafiek")

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

    async def test_a_post_from_another_site_is_refused(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
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
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None, monkeypatch: Any
    ) -> None:
        await aanmelden(werkplek)
        assert (await werkplek.get("/werkplek/caseload")).status_code == 200
        later = time.time() + 31 * 60
        monkeypatch.setattr(time, "time", lambda: later)
        assert (await werkplek.get("/werkplek/caseload")).status_code == 303

    async def test_signing_out_ends_the_session(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek)
        pagina = await werkplek.get("/werkplek/caseload")
        uit = await werkplek.post("/werkplek/afmelden", data={"csrf": csrf(pagina.text)})
        assert "U bent afgemeld." in uit.text
        assert (await werkplek.get("/werkplek/caseload")).status_code == 303


class TestPaginas:
    async def test_every_call_carries_the_users_own_token(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek)
        response = await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")
        assert response.status_code == 200
        for bron in nep.values():
            assert bron.verzoeken
            for verzoek in bron.verzoeken:
                assert verzoek.headers["authorization"].startswith("Bearer ey")
                assert verzoek.headers["traceparent"].startswith("00-")

    async def test_the_overview_shows_person_pip_opdrachten_signals_and_a_chart(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek)
        html = (await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")).text
        assert "<h1>Amal Haddad</h1>" in html
        assert BSN in html
        assert "Versiegeschiedenis" in html and "Termijn verstreken" in html
        assert '<svg role="img"' in html and "40 uur aanwezig" in html
        assert "niet beschikbaar" not in html

    async def test_each_api_is_asked_once_per_fact_whatever_the_page_holds(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek)

        def nep_verzoeken() -> list[str]:
            return sorted(r.url.path.removeprefix("/api/v1") for b in nep.values() for r in b.verzoeken)

        assert (await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")).status_code == 200
        # The person's lists filter on the person: no walk through the klantregisseur's signals, no call per opdracht.
        assert nep_verzoeken() == sorted(
            [
                f"/inburgeraars/{PERSOON}",
                f"/inburgeraars/{PERSOON}/plicht",
                f"/inburgeraars/{PERSOON}/brede-intake",
                "/pips",
                f"/pips/{PIP}/versies",
                "/signalen",
                "/opdrachten",
                "/meldingen",
                f"/boeteoverzichten/{PERSOON}",
                "/overtredingen",
                f"/inburgeraars/{PERSOON}/verhuizingen",
                "/overdrachten",
                "/geimporteerde-pips",
                f"/inburgeraars/{PERSOON}/overgenomen-voortgang",
                f"/inburgeraars/{PERSOON}/overgenomen-handhaving",
            ]
        )
        for b in nep.values():
            b.verzoeken.clear()
        assert (await werkplek.get("/werkplek/caseload")).status_code == 200
        # The page of persons, then the PIPs and open signals of all of them at once.
        assert nep_verzoeken() == ["/inburgeraars", "/pips", "/signalen"]
        pips = next(r for r in nep["pip"].verzoeken if r.url.path.endswith("/pips"))
        assert pips.url.params.get_list("inburgeraarId") == [PERSOON]

    async def test_a_specialist_sees_only_their_part_and_no_bsn(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek, rol="specialist-werk")
        html = (await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")).text
        assert BSN not in html
        assert "Brede intake" in html and "Handhaving" not in html and "Open signalen" not in html
        paden = {r.url.path for b in nep.values() for r in b.verzoeken}
        assert f"/api/v1/inburgeraars/{PERSOON}" not in paden
        assert not nep["handhaving"].verzoeken

    async def test_one_api_down_shows_that_part_as_unavailable_and_the_rest(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["aanbieder"].plat = True
        await aanmelden(werkplek)
        response = await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")
        assert response.status_code == 200
        assert "Opdrachten: niet beschikbaar." in response.text
        assert "aanbieder-api is nu niet beschikbaar." in response.text
        assert "<h1>Amal Haddad</h1>" in response.text and "Versiegeschiedenis" in response.text

    async def test_a_slow_api_is_cut_off_at_the_timeout(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["handhaving"].traag = True
        await aanmelden(werkplek)
        begin = time.monotonic()
        response = await werkplek.get(f"/werkplek/inburgeraars/{PERSOON}")
        assert time.monotonic() - begin < 2.5
        assert response.status_code == 200
        assert "Handhaving: niet beschikbaar." in response.text
        assert "Versiegeschiedenis" in response.text

    async def test_the_caseload_stands_when_pip_api_is_down(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["pip"].plat = True
        await aanmelden(werkplek)
        response = await werkplek.get("/werkplek/caseload")
        assert response.status_code == 200
        assert "Amal Haddad" in response.text and "Signalen: niet beschikbaar." in response.text


class TestActies:
    async def test_the_route_rules_errors_are_shown_at_their_fields(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
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
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["pip"].op(
            "POST", "/signalen/{id}/_afhandelen", {"id": SIGNAAL, "inburgeraarId": PERSOON, "status": "afgehandeld"}
        )
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
