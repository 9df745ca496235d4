"""A move on the person's page against stand-in APIs: the form only for the klantregisseur, its refusals at their
fields (the werkplek's own and inburgeraar-api's 422), the moves and the exchange's transfer status, the banner once
the person has moved, and the history taken over from the previous gemeente labelled as such."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

PERSOON = "6f1c2a9e-4b1d-4c6e-9a53-0d8e7b2f4a11"
PIP = "0b7d3c5e-2f8a-4e61-b9c4-7a2e1d6f3b22"
VERHUIZING = "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f66"
PAD = f"/werkplek/inburgeraars/{PERSOON}"
PERSOON_VERHUISD = {
    "id": PERSOON,
    "gemeenteCode": "0363",
    "status": "verhuisd",
    "bsn": "999990019",
    "doelgroep": "asielmigrant",
    "datumKoppeling": "2026-01-05",
    "contact": {"voornamen": "Amal", "achternaam": "Haddad"},
    "klantregisseur": "Kim de Regisseur",
}


def csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


async def aanmelden(client: httpx.AsyncClient, rol: str = "klantregisseur") -> None:
    pagina = await client.get("/werkplek/aanmelden")
    response = await client.post(
        "/werkplek/aanmelden",
        data={"csrf": csrf(pagina.text), "naam": "Kim de Regisseur", "rol": rol, "gemeente": "0363"},
    )
    assert response.status_code == 303


def _pagina(items: list[Any]) -> dict[str, Any]:
    return {"page": 1, "pageSize": 20, "totalItems": len(items), "totalPages": 1, "resultaten": items}


def _verhuizing(**extra: Any) -> dict[str, Any]:
    return {
        "id": VERHUIZING,
        "inburgeraarId": PERSOON,
        "vanGemeente": "0363",
        "naarGemeente": "0599",
        "verhuisdatum": "2026-07-01",
        "bron": "klantregisseur",
        "status": "aangemeld",
        "aangemeldOp": "2026-06-20T09:00:00Z",
        "overgedragenOp": None,
        **extra,
    }


def _post(nep: dict[str, Any]) -> list[httpx.Request]:
    return [r for r in nep["inburgeraar"].verzoeken if r.method == "POST"]


class TestOpDePagina:
    async def test_the_klantregisseur_sees_the_moves_the_transfer_and_the_form(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["inburgeraar"].op("GET", "/inburgeraars/{id}/verhuizingen", _pagina([_verhuizing()]))
        nep["ketenuitwisseling"].op(
            "GET",
            "/overdrachten",
            _pagina(
                [
                    {
                        "id": VERHUIZING,
                        "richting": "uitgaand",
                        "vanGemeente": "0363",
                        "naarGemeente": "0599",
                        "verhuisdatum": "2026-07-01",
                        "inburgeraarId": PERSOON,
                        "status": "bezig",
                        "stappen": [
                            {"stap": "opgehaald", "gedaanOp": "2026-06-20T09:00:02Z"},
                            {"stap": "afgeleverd", "gedaanOp": None},
                            {"stap": "overgedragen", "gedaanOp": None},
                        ],
                        "pogingen": 2,
                        "laatsteFout": "gemeente 0599 niet bereikbaar",
                        "aangemaaktOp": "2026-06-20T09:00:01Z",
                        "bijgewerktOp": "2026-06-20T09:05:00Z",
                        "afgerondOp": None,
                        "inhoudVerwijderd": False,
                    }
                ]
            ),
        )
        await aanmelden(werkplek)
        html = (await werkplek.get(PAD)).text
        assert '<h2 id="verhuizing">Verhuizing</h2>' in html
        assert "<caption>Verhuizingen</caption>" in html and "Aangemeld, overdracht loopt" in html
        assert "<caption>Overdracht van het dossier</caption>" in html
        assert "Uitgaand (naar de nieuwe gemeente)" in html and "Bezig" in html
        assert "Dossier opgehaald: gedaan op 20 juni 2026 om 11:00" in html
        assert "Afgeleverd bij de nieuwe gemeente: nog niet" in html
        assert "Laatste fout: gemeente 0599 niet bereikbaar" in html
        assert f'action="/werkplek/inburgeraars/{PERSOON}/verhuizingen"' in html
        assert 'id="veld-naarGemeente"' in html and 'type="date" id="veld-verhuisdatum"' in html
        overdrachten = nep["ketenuitwisseling"].verzoeken[0]
        assert overdrachten.url.params["inburgeraarId"] == PERSOON
        assert overdrachten.headers["authorization"].startswith("Bearer ey")

    async def test_a_specialist_sees_no_form_and_asks_nothing_about_moves(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek, rol="specialist-werk")
        html = (await werkplek.get(PAD)).text
        assert "Verhuizing registreren" not in html and 'id="verhuizing"' not in html
        assert not nep["ketenuitwisseling"].verzoeken
        assert not [r for r in nep["inburgeraar"].verzoeken if r.url.path.endswith("/verhuizingen")]
        formulier = await werkplek.get("/werkplek/zoeken")
        response = await werkplek.post(
            f"{PAD}/verhuizingen", data={"csrf": csrf(formulier.text), "naarGemeente": "0599"}
        )
        assert response.status_code == 403
        assert not _post(nep)

    async def test_the_page_stands_without_the_exchange_and_before_inburgeraar_api_knows_moves(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["ketenuitwisseling"].plat = True
        nep["inburgeraar"].op("GET", "/inburgeraars/{id}/verhuizingen", {"title": "niet gevonden", "status": 404}, 404)
        await aanmelden(werkplek)
        response = await werkplek.get(PAD)
        assert response.status_code == 200
        assert "Overdracht van het dossier: niet beschikbaar." in response.text
        assert "ketenuitwisseling is nu niet beschikbaar." in response.text
        assert "Er is geen verhuizing geregistreerd." in response.text
        assert "Versiegeschiedenis" in response.text and "Verhuizing registreren" in response.text

    async def test_after_the_move_a_banner_and_no_form(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["inburgeraar"].op("GET", "/inburgeraars/{id}", PERSOON_VERHUISD)
        nep["inburgeraar"].op(
            "GET",
            "/inburgeraars/{id}/verhuizingen",
            _pagina([_verhuizing(status="overgedragen", overgedragenOp="2026-06-21T10:00:00Z")]),
        )
        await aanmelden(werkplek)
        html = (await werkplek.get(PAD)).text
        assert "Verhuisd naar gemeente 0599 op 1 juli 2026." in html
        assert html.index("Verhuisd naar gemeente") < html.index('id="persoon"')
        assert "<dd>Verhuisd</dd>" in html and "Overgedragen" in html
        assert "Verhuizing registreren" not in html
        # The regie moved with the person: no more changes here, what was decided can still be read.
        assert "PIP wijzigen" not in html and "Opdracht verstrekken" not in html
        assert "Beschikking bekijken" in html


class TestRegistreren:
    async def test_a_move_is_sent_as_the_klantregisseur_and_confirmed(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["inburgeraar"].op("POST", "/inburgeraars/{id}/verhuizingen", _verhuizing(), 201)
        await aanmelden(werkplek)
        pagina = await werkplek.get(PAD)
        response = await werkplek.post(
            f"{PAD}/verhuizingen",
            data={"csrf": csrf(pagina.text), "naarGemeente": " 0599 ", "verhuisdatum": "2026-07-01"},
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"{PAD}?gedaan=verhuizing"
        (post,) = _post(nep)
        assert post.url.path == f"/api/v1/inburgeraars/{PERSOON}/verhuizingen"
        assert json.loads(post.content) == {
            "naarGemeente": "0599",
            "verhuisdatum": "2026-07-01",
            "bron": "klantregisseur",
        }
        bevestigd = await werkplek.get(response.headers["location"])
        assert "De verhuizing is geregistreerd." in bevestigd.text

    async def test_without_a_date_the_date_is_null(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["inburgeraar"].op("POST", "/inburgeraars/{id}/verhuizingen", _verhuizing(verhuisdatum=None), 200)
        await aanmelden(werkplek)
        pagina = await werkplek.get(PAD)
        response = await werkplek.post(
            f"{PAD}/verhuizingen", data={"csrf": csrf(pagina.text), "naarGemeente": "0599", "verhuisdatum": ""}
        )
        assert response.status_code == 303
        assert json.loads(_post(nep)[0].content)["verhuisdatum"] is None

    async def test_the_werkplek_refuses_a_wrong_code_or_the_own_gemeente_without_a_call(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek)
        pagina = await werkplek.get(PAD)
        for code, tekst in (("59", "vier cijfers"), ("0363", "Dit is uw eigen gemeente")):
            response = await werkplek.post(
                f"{PAD}/verhuizingen",
                data={"csrf": csrf(pagina.text), "naarGemeente": code, "verhuisdatum": "1-7-2026"},
            )
            assert response.status_code == 400
            assert "<title>Fout: Verhuizing registreren" in response.text
            assert 'id="veld-naarGemeente-fout"' in response.text and tekst in response.text
            assert 'id="veld-verhuisdatum-fout"' in response.text
            assert 'href="#veld-naarGemeente"' in response.text
            assert f'value="{code}"' in response.text
        assert not _post(nep)

    async def test_a_refusal_of_inburgeraar_api_is_shown_at_its_fields(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["inburgeraar"].op(
            "POST",
            "/inburgeraars/{id}/verhuizingen",
            {
                "title": "Ongeldige verhuizing",
                "status": 422,
                "invalidParams": [
                    {"name": "naarGemeente", "code": "onbekend", "reason": "geen bestaande gemeente"},
                    {"name": "verhuisdatum", "code": "te-vroeg", "reason": "ligt voor de datum koppeling"},
                ],
            },
            422,
        )
        await aanmelden(werkplek)
        pagina = await werkplek.get(PAD)
        response = await werkplek.post(
            f"{PAD}/verhuizingen",
            data={"csrf": csrf(pagina.text), "naarGemeente": "0999", "verhuisdatum": "2020-01-01"},
        )
        assert response.status_code == 400
        assert re.search(r'id="veld-naarGemeente-fout">.*Geen bestaande gemeente', response.text)
        assert re.search(r'id="veld-verhuisdatum-fout">.*Ligt voor de datum koppeling', response.text)
        assert 'aria-describedby="veld-naarGemeente-hint veld-naarGemeente-fout" aria-invalid="true"' in response.text

    async def test_a_post_without_the_csrf_token_is_refused(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek)
        response = await werkplek.post(f"{PAD}/verhuizingen", data={"naarGemeente": "0599"})
        assert response.status_code == 403
        assert not _post(nep)


class TestOvergenomen:
    async def test_history_of_the_previous_gemeente_is_labelled_and_never_this_gemeentes_pip(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        oud = {"geimporteerd": True, "vanGemeente": "0599"}
        nep["pip"].op(
            "GET",
            "/pips",
            _pagina(
                [
                    {
                        "id": PIP,
                        "inburgeraarId": PERSOON,
                        "status": "vastgesteld",
                        "versie": 3,
                        "leerroute": "z-route",
                        "taalniveau": "A1",
                        "vastgesteldDatum": "2025-11-01",
                        "termijnen": [],
                        **oud,
                    }
                ]
            ),
        )
        nep["aanbieder"].op(
            "GET",
            "/opdrachten",
            _pagina(
                [
                    {
                        "id": "5a6b7c8d-1e2f-4a3b-8c4d-5e6f7a8b9c77",
                        "onderdeel": "z-route",
                        "status": "afgerond",
                        "inhoud": {"geplandeStartdatum": "2025-11-02", "geplandeEinddatum": "2026-05-01"},
                        "stand": {"urenAanwezig": 120},
                        "pipId": "00000000-0000-4000-8000-000000000599",
                        "inburgeraarId": PERSOON,
                        **oud,
                    }
                ]
            ),
        )
        nep["aanbieder"].op("GET", "/meldingen", _pagina([]))
        nep["handhaving"].op(
            "GET",
            "/overtredingen",
            _pagina(
                [
                    {"soort": "pip-niet-nagekomen", "status": "beboet", "voorgesteldBedrag": "250", **oud},
                    {"soort": "brede-intake", "status": "kandidaat"},
                ]
            ),
        )
        await aanmelden(werkplek)
        html = (await werkplek.get(PAD)).text
        # Not this gemeente's PIP: it establishes its own, and asks no versions of the other's.
        assert "Er is nog geen PIP." in html and "PIP opstellen" in html
        assert not [r for r in nep["pip"].verzoeken if r.url.path.endswith("/versies")]
        assert "<caption>PIP&#x27;s van de vorige gemeente</caption>" in html
        assert html.count("overgenomen van gemeente 0599") == 3
        assert re.search(r"Z-route — Afgerond <span class=\"label label-overgenomen\">overgenomen van", html)
        assert "<h3>Aanbieder van de vorige gemeente</h3>" in html
        assert re.search(r"pip-niet-nagekomen <span[^>]*>overgenomen van gemeente 0599</span>", html)
        assert not re.search(r"brede-intake <span", html)

    async def test_imported_versions_are_labelled_and_without_the_field_nothing_is(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek)
        assert "overgenomen" not in (await werkplek.get(PAD)).text
        nep["pip"].op(
            "GET",
            "/pips/{id}/versies",
            [
                {"versie": 1, "ingangsdatum": "2025-11-01", "reden": None, "geimporteerd": True},
                {"versie": 2, "ingangsdatum": "2026-03-01", "reden": "overname", "geimporteerd": False},
            ],
        )
        html = (await werkplek.get(PAD)).text
        assert '1 <span class="label label-overgenomen">overgenomen van de vorige gemeente</span>' in html
        assert html.count("overgenomen van") == 1


def _geimporteerde_pip() -> dict[str, Any]:
    return {
        "id": "00000000-0000-4000-8000-000000000599",
        "status": "beeindigd",
        "versie": 2,
        "inhoud": {"leerroute": "z-route", "taalniveau": "A1"},
        "vastgesteldDatum": "2025-11-01",
        "beeindigdDatum": "2026-06-21",
        "beeindigdReden": "verhuisd",
        "versies": [
            {"versie": 1, "leerroute": "z-route", "ingangsdatum": "2025-11-01", "reden": None},
            {"versie": 2, "leerroute": "z-route", "ingangsdatum": "2026-02-01", "reden": "meer uren"},
        ],
        "opdrachten": [],
        "geimporteerd": True,
        "vanGemeente": "0599",
        "overdrachtId": VERHUIZING,
        "verhuisdatum": "2026-07-01",
    }


class TestVanDeVorigeGemeente:
    """The contexts' own routes for what they took over: pip-api `/geimporteerde-pips`, aanbieder-api and
    handhaving-api `/inburgeraars/{id}/overgenomen-…`."""

    async def test_the_pips_progress_and_enforcement_taken_over_each_under_their_section_and_labelled(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        eigen_concept = {
            "id": PIP,
            "inburgeraarId": PERSOON,
            "status": "concept",
            "versie": 0,
            "leerroute": "z-route",
            "taalniveau": "A1",
            "overgenomenVan": {"overdrachtId": VERHUIZING, "vanGemeente": "0599", "pipId": None, "versie": 2},
            "termijnen": [],
        }
        nep["pip"].op("GET", "/pips", _pagina([eigen_concept]))
        nep["pip"].op("GET", "/geimporteerde-pips", [_geimporteerde_pip()])
        nep["aanbieder"].op("GET", "/opdrachten", _pagina([]))
        nep["aanbieder"].op(
            "GET",
            "/inburgeraars/{id}/overgenomen-voortgang",
            _pagina(
                [
                    {
                        "overdrachtId": VERHUIZING,
                        "inburgeraarId": PERSOON,
                        "geimporteerd": True,
                        "vanGemeente": "0599",
                        "verhuisdatum": "2026-07-01",
                        "overgenomenOp": "2026-07-02T08:00:00Z",
                        "dossier": {
                            "opdrachten": [
                                {
                                    "aanbieder": {"naam": "Taalhuis Zuid", "kvkNummer": "12345678"},
                                    "onderdeel": "z-route",
                                    "status": "ingetrokken",
                                    "eindreden": "verhuisd",
                                    "urenGecontracteerd": 600,
                                    "geplandeStartdatum": "2025-11-02",
                                    "geplandeEinddatum": "2026-11-01",
                                    "stand": {"urenAanwezig": 120.5},
                                    "meldingen": [{"gemeldOp": "2026-01-01T10:00:00Z", "melding": {}}],
                                }
                            ],
                            "eerderOvergenomen": [],
                        },
                    }
                ]
            ),
        )
        nep["handhaving"].op(
            "GET",
            "/inburgeraars/{id}/overgenomen-handhaving",
            [
                {
                    "overdrachtId": VERHUIZING,
                    "inburgeraarId": PERSOON,
                    "geimporteerd": True,
                    "vanGemeente": "0599",
                    "overgenomenOp": "2026-07-02T08:00:00Z",
                    "dossier": {
                        "overtredingen": [
                            {
                                "soort": "pip-niet-nagekomen",
                                "status": "beboet",
                                "gedragingVan": "2026-01-01",
                                "gedragingTot": "2026-03-01",
                                "voorgesteldBedrag": 250,
                            }
                        ],
                        "boetes": [
                            {
                                "soort": "pip-niet-nagekomen",
                                "bedrag": 250,
                                "besluitDatum": "2026-04-01",
                                "status": "opgelegd",
                            }
                        ],
                        "waarschuwingen": [],
                    },
                }
            ],
        )
        nep["pip"].op("GET", "/signalen", _pagina([]))
        await aanmelden(werkplek)
        html = (await werkplek.get(PAD)).text
        # This gemeente's own PIP is the concept drafted from the agreements; the previous one's stand apart.
        assert "<dt>Afspraken overgenomen van</dt><dd>gemeente 0599, versie 2</dd>" in html
        assert "<caption>PIP&#x27;s van de vorige gemeente</caption>" in html
        assert "21 juni 2026 (verhuisd)" in html
        assert "<caption>Versiegeschiedenis van de vorige gemeente</caption>" in html and "meer uren" in html
        # The progress even before this gemeente gave an opdracht.
        assert '<h2 id="opdrachten">' in html and "Taalhuis Zuid" in html and "120,5 van 600" in html
        assert "Ingetrokken (verhuisd)" in html
        assert "<caption>Boetes van de vorige gemeente</caption>" in html and "€ 250" in html
        # Every row says where it came from: 1 PIP, 2 versions, 1 opdracht, 1 overtreding, 1 boete.
        assert html.count("overgenomen van gemeente 0599</span>") == 6
        geen = [r for r in nep["pip"].verzoeken if r.url.path.endswith("/geimporteerde-pips")]
        assert geen[0].url.params["inburgeraarId"] == PERSOON

    async def test_an_api_without_the_route_or_away_leaves_the_rest_standing(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        nep["pip"].op("GET", "/geimporteerde-pips", {"title": "niet gevonden", "status": 404}, 404)
        nep["handhaving"].op("GET", "/inburgeraars/{id}/overgenomen-handhaving", {"title": "kapot", "status": 500}, 500)
        await aanmelden(werkplek)
        html = (await werkplek.get(PAD)).text
        assert "PIP&#x27;s van de vorige gemeente" not in html and "Versiegeschiedenis" in html
        assert "Handhaving van de vorige gemeente: niet beschikbaar." in html
        assert "Ruimte onder het plafond" in html

    async def test_a_specialist_is_not_asked_about_what_its_token_may_not_read(
        self, werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None
    ) -> None:
        await aanmelden(werkplek, rol="specialist-werk")
        await werkplek.get(PAD)
        paden = {r.url.path for b in nep.values() for r in b.verzoeken}
        assert "/api/v1/geimporteerde-pips" in paden  # pip:lezen
        assert not any("overgenomen" in p for p in paden)


async def test_the_caseload_says_who_moved_away(werkplek: httpx.AsyncClient, nep: dict[str, Any], gevuld: None) -> None:
    nep["inburgeraar"].op("GET", "/inburgeraars", _pagina([PERSOON_VERHUISD]))
    await aanmelden(werkplek)
    html = (await werkplek.get("/werkplek/caseload")).text
    assert re.search(r"Amal Haddad</a></td>.*<td>Verhuisd</td>", html)
