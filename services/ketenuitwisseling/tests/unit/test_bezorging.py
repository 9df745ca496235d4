"""Sending a claimed batch (`Bezorger.bezorg_alle`) on fakes of inburgeraar-api and DUO: one BSN lookup per gemeente
per batch, bounded sends in flight, and each report's outcome (received, rejected with reasons, or later with a
reason) without the BSN in it."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from inburgering_kit.audit import Verwerkingslog
from ketenuitwisseling.services.bezorging import Bezorger
from ketenuitwisseling.services.ophalen import Instellingen
from ketenuitwisseling.services.partners import Doel, Verbindingen

BSN = "999990019"


class _Tokens:
    async def token(self, doel: Doel, gemeente: str) -> str:
        return f"{doel}-{gemeente}"


class _Inburgeraars:
    def __init__(self, personen: dict[str, str | None], status: int = 200) -> None:
        self.personen = personen
        self.status = status
        self.vragen: list[tuple[str, list[str]]] = []

    async def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/inburgeraars/duo-identificaties/_zoek"
        ids = json.loads(request.content)["ids"]
        self.vragen.append((request.headers["Authorization"], ids))
        if self.status != 200:
            return httpx.Response(self.status, json={"status": self.status})
        items = [{"id": i, "bsn": self.personen[i], "status": "geregistreerd"} for i in ids if i in self.personen]
        return httpx.Response(200, json={"items": items})


class _Duo:
    def __init__(self, antwoord: tuple[int, dict[str, Any], dict[str, str]] | None = None) -> None:
        self.antwoord = antwoord
        self.ontvangen: dict[str, dict[str, Any]] = {}
        self.bezig = 0
        self.hoogstens = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.bezig += 1
        self.hoogstens = max(self.hoogstens, self.bezig)
        try:
            await asyncio.sleep(0)  # other sends get their turn while this one is "on the wire"
            if self.antwoord is not None:
                status, body, headers = self.antwoord
                return httpx.Response(status, json=body, headers=headers)
            self.ontvangen[request.url.path.rsplit("/", 1)[1]] = json.loads(request.content)
            return httpx.Response(201, json={"ontvangenOp": datetime.now(UTC).isoformat()})
        finally:
            self.bezig -= 1


class _Opdrachten:
    """aanbieder-api's versions of one opdracht, as `GET /opdrachten/{id}/versies?page=&pageSize=1` gives them."""

    def __init__(self, einddatums: list[str], status: int = 200) -> None:
        self.einddatums = einddatums
        self.status = status
        self.vragen: list[tuple[str, str]] = []

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.vragen.append((request.headers["Authorization"], str(request.url)))
        if self.status != 200:
            return httpx.Response(self.status, json={"status": self.status})
        assert request.url.params["pageSize"] == "1"
        pagina = int(request.url.params["page"])
        versies = [
            {"versie": i, "inhoud": {"geplandeStartdatum": "2027-01-04", "geplandeEinddatum": einde}}
            for i, einde in enumerate(self.einddatums, start=1)
        ][pagina - 1 : pagina]
        return httpx.Response(200, json={"resultaten": versies, "totalItems": len(self.einddatums)})


def _bezorger(
    inburgeraars: _Inburgeraars, duo: _Duo, gelijktijdig: int = 3, opdrachten: _Opdrachten | None = None
) -> Bezorger:
    def client(base: str, handler: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=base, transport=httpx.MockTransport(handler))

    v = Verbindingen(
        duo=client("http://duo/api/v1/", duo.handle),
        coa=client("http://coa/api/v1/", duo.handle),
        inburgeraar=client("http://inburgeraar/api/v1/", inburgeraars.handle),
        handhaving=client("http://handhaving/api/v1/", duo.handle),
        tokens=_Tokens(),
        aanbieder=client("http://aanbieder/api/v1/", (opdrachten or _Opdrachten([])).handle),
    )
    instellingen = Instellingen(batch=50, gelijktijdig=gelijktijdig, max_wachttijd=300)
    return Bezorger(None, v, Verwerkingslog(b"sleutel"), instellingen)  # type: ignore[arg-type]


def _row(persoon: str, gemeente: str = "0363", item: str = "b", pogingen: int = 1) -> SimpleNamespace:
    return SimpleNamespace(
        id=uuid.uuid4(), gemeente_code=gemeente, inburgeraar_id=uuid.UUID(persoon), item=item,
        gegevens={"pipId": "p"}, pogingen=pogingen,
    )  # fmt: skip


def _personen(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


async def test_one_lookup_per_gemeente_for_the_whole_batch() -> None:
    a, b, c = _personen(3)
    inburgeraars, duo = _Inburgeraars({a: BSN, b: BSN, c: BSN}), _Duo()
    # Several items of one person, two gemeenten.
    rows = [_row(a), _row(a, item="k"), _row(b), _row(c, gemeente="0599"), _row(c, gemeente="0599", item="n")]

    uitkomsten = await _bezorger(inburgeraars, duo).bezorg_alle(rows)

    assert sorted(inburgeraars.vragen) == sorted(
        [(f"Bearer {Doel.INBURGERAAR_DUO}-0363", [a, b]), (f"Bearer {Doel.INBURGERAAR_DUO}-0599", [c])]
    )
    assert sorted(duo.ontvangen) == sorted(str(r.id) for r in rows)
    assert {body["bsn"] for body in duo.ontvangen.values()} == {BSN}
    assert [u.values["status"] for u in uitkomsten] == ["ontvangen"] * len(rows)
    assert all(u.verzonden and u.betrokkene for u in uitkomsten)


async def test_sends_in_flight_are_bounded() -> None:
    personen = _personen(20)
    duo = _Duo()
    await _bezorger(_Inburgeraars(dict.fromkeys(personen, BSN)), duo, gelijktijdig=3).bezorg_alle(
        [_row(p) for p in personen]
    )
    assert len(duo.ontvangen) == 20
    assert 1 <= duo.hoogstens <= 3


async def test_lookup_down_every_report_waits_and_nothing_goes_to_duo() -> None:
    a, b = _personen(2)
    duo = _Duo()
    uitkomsten = await _bezorger(_Inburgeraars({a: BSN, b: BSN}, status=503), duo).bezorg_alle([_row(a), _row(b)])
    assert duo.ontvangen == {}
    for u in uitkomsten:
        assert not u.verzonden
        assert u.values["laatste_fout"].startswith("503")
        assert u.values["volgende_poging_at"] > datetime.now(UTC)


async def test_unknown_person_or_missing_bsn_waits_alone() -> None:
    bekend, zonder_bsn, onbekend = _personen(3)
    duo = _Duo()
    rows = [_row(bekend), _row(zonder_bsn), _row(onbekend)]
    uitkomsten = await _bezorger(_Inburgeraars({bekend: BSN, zonder_bsn: None}), duo).bezorg_alle(rows)
    assert list(duo.ontvangen) == [str(rows[0].id)]
    assert uitkomsten[0].values["status"] == "ontvangen"
    assert "bsn-ontbreekt" in uitkomsten[1].values["laatste_fout"]
    assert "niet gevonden" in uitkomsten[2].values["laatste_fout"]
    assert all("status" not in u.values for u in uitkomsten[1:])


async def test_rejection_is_final_with_duos_reasons() -> None:
    [a] = _personen(1)
    redenen = [{"name": "gegevens.pipId", "reason": "onbekend"}]
    duo = _Duo((422, {"status": 422, "title": "afgewezen", "invalidParams": redenen}, {}))
    [u] = await _bezorger(_Inburgeraars({a: BSN}), duo).bezorg_alle([_row(a)])
    assert u.verzonden
    assert u.values["status"] == "afgewezen"
    assert u.values["redenen"] == redenen


@pytest.mark.parametrize(("pogingen", "retry_after", "minimaal"), [(1, None, 1), (4, None, 8), (1, "120", 120)])
async def test_duo_down_is_retried_with_back_off(pogingen: int, retry_after: str | None, minimaal: float) -> None:
    [a] = _personen(1)
    headers = {"Retry-After": retry_after} if retry_after else {}
    duo = _Duo((503, {"status": 503}, headers))
    [u] = await _bezorger(_Inburgeraars({a: BSN}), duo).bezorg_alle([_row(a, pogingen=pogingen)])
    assert not u.verzonden and "status" not in u.values
    wacht = (u.values["volgende_poging_at"] - datetime.now(UTC)).total_seconds()
    assert minimaal - 5 < wacht <= minimaal


async def test_no_outcome_holds_the_bsn() -> None:
    a, b = _personen(2)
    for duo in (_Duo(), _Duo((422, {"status": 422, "title": "nee"}, {})), _Duo((500, {"status": 500}, {}))):
        uitkomsten = await _bezorger(_Inburgeraars({a: BSN, b: BSN}), duo).bezorg_alle([_row(a), _row(b)])
        assert all(BSN not in repr(u) for u in uitkomsten)


def _f_row(persoon: str, opdracht_id: str, versie: int, pogingen: int = 1) -> SimpleNamespace:
    return SimpleNamespace(
        id=uuid.uuid4(), gemeente_code="0363", inburgeraar_id=uuid.UUID(persoon), item="f",
        gegevens={"onderdeel": "map", "bijgesteld": True}, pogingen=pogingen,
        aanvullen={"opdrachtId": opdracht_id, "versie": versie},
    )  # fmt: skip


async def test_completed_from_the_opdracht_version_its_event_made_and_kept() -> None:
    [a] = _personen(1)
    opdracht_id = str(uuid.uuid4())
    # Version 2 moved the end, version 3 (a later change) moved it again: the report of version 2 says version 2's.
    opdrachten, duo = _Opdrachten(["2027-06-30", "2027-09-30", "2027-12-31"]), _Duo()
    row = _f_row(a, opdracht_id, 2)
    [u] = await _bezorger(_Inburgeraars({a: BSN}), duo, opdrachten=opdrachten).bezorg_alle([row])
    gegevens = {"onderdeel": "map", "bijgesteld": True, "uitersteDatum": "2027-09-30"}
    assert duo.ontvangen[str(row.id)]["gegevens"] == gegevens
    assert opdrachten.vragen == [
        (f"Bearer {Doel.AANBIEDER}-0363", f"http://aanbieder/api/v1/opdrachten/{opdracht_id}/versies?page=2&pageSize=1")
    ]
    # Stored with the outcome, so the work list shows what was sent and no later attempt fetches again.
    assert u.values["status"] == "ontvangen"
    assert (u.values["gegevens"], u.values["aanvullen"]) == (gegevens, None)


async def test_aanbieder_api_down_the_report_waits_and_nothing_goes_to_duo() -> None:
    [a] = _personen(1)
    for opdrachten in (_Opdrachten([], status=503), _Opdrachten(["2027-06-30"])):  # down; version not (yet) there
        duo = _Duo()
        [u] = await _bezorger(_Inburgeraars({a: BSN}), duo, opdrachten=opdrachten).bezorg_alle(
            [_f_row(a, str(uuid.uuid4()), 2)]
        )
        assert duo.ontvangen == {} and not u.verzonden
        assert "status" not in u.values and "aanvullen" not in u.values
        assert u.values["volgende_poging_at"] > datetime.now(UTC)


async def test_completion_kept_when_duo_is_down() -> None:
    [a] = _personen(1)
    duo = _Duo((503, {"status": 503}, {}))
    [u] = await _bezorger(_Inburgeraars({a: BSN}), duo, opdrachten=_Opdrachten(["2027-06-30"])).bezorg_alle(
        [_f_row(a, str(uuid.uuid4()), 1)]
    )
    assert not u.verzonden and "status" not in u.values
    assert u.values["gegevens"]["uitersteDatum"] == "2027-06-30" and u.values["aanvullen"] is None
