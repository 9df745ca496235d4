"""Melden, dan ophalen: the worker that fetches each announced fact at its partner and hands it to the context that
owns it, through that context's API (DOMAIN §5; vng-uitvoeringstoets §4.3–4.4).

Applied once, whatever arrives: a repeated notification is one row (`ontvangst`); a row is claimed by one replica at
a time; every hand-over carries the fact's id as Idempotency-Key (or is itself idempotent at the owner), so a worker
that died between the owner's answer and its own record hands it over again without effect. Out of order: facts of
one person go in the partner's volgnummer order as far as they have arrived; one the owner refuses because an
earlier one is missing is tried again with back-off; one that replaces an earlier fact of its soort (`VERVANGEND`)
and is older than one already applied is skipped, so it never overwrites the newer.

Nothing of the fact is kept: it lives in memory between the fetch and the hand-over. The processing log records the
fetch and the hand-over with their legal ground, the person pseudonymised by the keyed hash of the BSN.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from inburgering_kit.audit import Actie, Verwerkingslog
from inburgering_kit.auth import Principal
from inburgering_kit.bsn import Bsn
from inburgering_kit.db import Database
from ketenuitwisseling import activiteiten
from ketenuitwisseling.domain import feiten, klantprofiel
from ketenuitwisseling.repository import MeldingRepository
from ketenuitwisseling.services import overdracht
from ketenuitwisseling.services.partners import (
    Doel,
    GeenPeer,
    Onbereikbaar,
    Verbindingen,
    controleer_bereikbaar,
    probleem,
    wachttijd,
)

logger = logging.getLogger(__name__)

CLIENT_ID = "ketenuitwisseling"


@dataclass(frozen=True)
class Instellingen:
    batch: int = 200
    gelijktijdig: int = 8
    claim_seconden: int = 120
    max_pogingen: int = 12
    max_wachttijd: float = 300.0
    # The gemeenten served here: a move between two of them is handed over within this deployment.
    gemeenten: tuple[str, ...] = ()


@dataclass
class Uitkomst:
    """What became of one fact: a final status, or `opnieuw` with a reason and a wait."""

    status: str
    uitkomst: str
    inburgeraar_id: uuid.UUID | None = None
    wacht: float | None = None
    betrokkene: str | None = None
    opgehaald: bool = False
    koppel: tuple[str, uuid.UUID] | None = None


class Weigering(Exception):  # noqa: N818 - the owner's verdict, recorded
    def __init__(self, uitkomst: str, *, definitief: bool = False) -> None:
        super().__init__(uitkomst)
        self.uitkomst = uitkomst
        self.definitief = definitief


class Wacht(Exception):  # noqa: N818 - waiting for something that has not arrived yet
    pass


@dataclass
class _Geclaimd:
    bron: str
    feit_id: uuid.UUID
    soort: str
    gemeente: str
    volgnummer: int
    pogingen: int
    feit: Mapping[str, Any] | None = None
    persoon: str | None = None
    resultaat: Uitkomst | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def systeem(gemeente: str) -> Principal:
    return Principal(
        client_id=CLIENT_ID, user=None, scopes=frozenset(), gemeente_code=gemeente, aanbieder_id=None, roles=frozenset()
    )


class Ophaler:
    def __init__(
        self, database: Database, verbindingen: Verbindingen, log: Verwerkingslog, instellingen: Instellingen
    ) -> None:
        self.database = database
        self.v = verbindingen
        self.log = log
        self.instellingen = instellingen

    async def ronde(self) -> int:
        """One pass: claim what is due, fetch and hand over; returns how many facts it handled."""
        async with self.database.unit_of_work() as uow:
            rows = await MeldingRepository(uow.session).claim(self.instellingen.batch, self.instellingen.claim_seconden)
            await uow.commit()
        if not rows:
            return 0
        geclaimd = [_Geclaimd(r.bron, r.feit_id, r.soort, r.gemeente_code, r.volgnummer, r.pogingen) for r in rows]
        limiet = asyncio.Semaphore(self.instellingen.gelijktijdig)

        async def haal(g: _Geclaimd) -> None:
            async with limiet:
                await self._haal_op(g)

        await asyncio.gather(*(haal(g) for g in geclaimd))
        per_persoon: dict[tuple[str, str, str], list[_Geclaimd]] = defaultdict(list)
        for g in geclaimd:
            if g.resultaat is None:
                per_persoon[(g.bron, g.gemeente, g.persoon or str(g.feit_id))].append(g)

        async def geef_door(groep: list[_Geclaimd]) -> None:
            async with limiet:
                wacht = False
                for g in sorted(groep, key=lambda x: x.volgnummer):
                    if wacht:
                        # Never past an earlier fact of the same person that still waits: that would apply them
                        # out of the partner's order.
                        g.resultaat = self._later(g, "wacht op een eerder feit van deze persoon")
                        continue
                    await self._geef_door(g)
                    wacht = g.resultaat is not None and g.resultaat.status == "opnieuw"

        await asyncio.gather(*(geef_door(groep) for groep in per_persoon.values()))
        async with self.database.unit_of_work() as uow:
            for g in geclaimd:
                await self._leg_vast(uow.session, g)
            await uow.commit()
        return len(geclaimd)

    # ---- fetch ----

    async def _haal_op(self, g: _Geclaimd) -> None:
        doel = Doel.DUO if g.bron == "duo" else Doel.COA
        try:
            response = controleer_bereikbaar(await self.v.call(doel, g.gemeente, "GET", f"/feiten/{g.feit_id}"))
        except (httpx.HTTPError, Onbereikbaar) as exc:
            g.resultaat = self._later(g, f"ophalen bij {g.bron}: {exc}", getattr(exc, "retry_after", None))
            return
        if response.status_code == 404:
            g.resultaat = Uitkomst("geweigerd", f"{g.bron} kent dit feit niet (voor deze gemeente)")
            return
        if response.status_code != 200:
            g.resultaat = self._later(g, f"ophalen bij {g.bron}: {probleem(response)[0]}")
            return
        feit = response.json()
        g.feit = feit
        g.persoon = feiten.partner_persoon_id(g.bron, feit)
        bsn = (feit.get("persoon") or {}).get("bsn")
        g.extra["betrokkene"] = self.log.betrokkene(Bsn(str(bsn))) if bsn else None

    def _later(self, g: _Geclaimd, reden: str, retry_after: float | None = None) -> Uitkomst:
        return Uitkomst("opnieuw", reden, wacht=wachttijd(g.pogingen, self.instellingen.max_wachttijd, retry_after))

    # ---- hand over ----

    async def _geef_door(self, g: _Geclaimd) -> None:
        assert g.feit is not None
        try:
            opdracht = feiten.opdracht(g.bron, g.feit)
        except (feiten.OnbekendFeitError, KeyError, ValueError, TypeError) as exc:
            g.resultaat = Uitkomst("geweigerd", f"niet door te geven: {exc}", opgehaald=True)
            return
        if (g.bron, g.soort) in feiten.VERVANGEND and g.persoon is not None:
            async with self.database.unit_of_work() as uow:
                ouder = await MeldingRepository(uow.session).nieuwer_toegepast(
                    bron=g.bron, gemeente=g.gemeente, partner_persoon_id=g.persoon, soort=g.soort,
                    volgnummer=g.volgnummer,
                )  # fmt: skip
            if ouder:
                g.resultaat = Uitkomst("verouderd", "een nieuwer feit van deze soort is al verwerkt", opgehaald=True)
                return
        try:
            g.resultaat = await self._voer_uit(g, opdracht)
        except (httpx.HTTPError, Onbereikbaar) as exc:
            g.resultaat = self._later(g, f"doorgeven: {exc}", getattr(exc, "retry_after", None))
        except Wacht as exc:
            g.resultaat = self._nog_niet(g, str(exc))
        except Weigering as exc:
            g.resultaat = Uitkomst("geweigerd", exc.uitkomst) if exc.definitief else self._nog_niet(g, exc.uitkomst)
        g.resultaat.opgehaald = True

    def _nog_niet(self, g: _Geclaimd, reden: str) -> Uitkomst:
        # Perhaps an earlier fact has not arrived yet (reordered notifications): tried again, and after
        # `max_pogingen` put on the work list with the owner's reason.
        if g.pogingen >= self.instellingen.max_pogingen:
            return Uitkomst("geweigerd", reden)
        return self._later(g, reden)

    async def _voer_uit(self, g: _Geclaimd, opdracht: feiten.Opdracht) -> Uitkomst:  # noqa: PLR0911 - one arm per command
        match opdracht:
            case feiten.Plichtmutaties():
                inburgeraar_id = await self._zoek(g.gemeente, opdracht.bsn)
                for n, mutatie in enumerate(opdracht.mutaties):
                    response = await self._owner(
                        Doel.INBURGERAAR_DUO, g.gemeente, "POST", f"/inburgeraars/{inburgeraar_id}/plicht-mutaties",
                        mutatie, f"{g.bron}-{g.feit_id}-{n}",
                    )  # fmt: skip
                    self._aanvaard(response, {200, 201})
                return Uitkomst("verwerkt", f"plicht-mutaties van inburgeraar {inburgeraar_id}", inburgeraar_id)
            case feiten.DuoBoete():
                inburgeraar_id = await self._zoek(g.gemeente, opdracht.bsn)
                body = {
                    "inburgeraarId": str(inburgeraar_id), "kenmerk": opdracht.kenmerk,
                    "besluitDatum": opdracht.besluit_datum, "bedrag": opdracht.bedrag, "reden": opdracht.reden,
                }  # fmt: skip
                response = await self._owner(
                    Doel.HANDHAVING, g.gemeente, "POST", "/duo-boetes", body, f"{g.bron}-{g.feit_id}"
                )
                self._aanvaard(response, {200, 201})
                return Uitkomst("verwerkt", f"duo-boete van inburgeraar {inburgeraar_id}", inburgeraar_id)
            case feiten.Verhuizing():
                return await self._verhuizing(g, opdracht)
            case feiten.Koppeling():
                return await self._koppeling(g, opdracht)
            case feiten.BsnBekend():
                inburgeraar_id = await self._gekoppeld(g.gemeente, opdracht.coa_id)
                response = await self._owner(
                    Doel.INBURGERAAR_COA, g.gemeente, "POST", f"/inburgeraars/{inburgeraar_id}/bsn",
                    {"bsn": opdracht.bsn}, None,
                )  # fmt: skip
                if response.status_code == 409 and "bsn-al-bekend" in response.text:
                    return Uitkomst("verwerkt", "BSN was al vastgelegd", inburgeraar_id)
                self._aanvaard(response, {200})
                return Uitkomst("verwerkt", f"BSN vastgelegd bij inburgeraar {inburgeraar_id}", inburgeraar_id)
            case feiten.Klantprofiel():
                inburgeraar_id = await self._gekoppeld(g.gemeente, opdracht.coa_id)
                vertaald = klantprofiel.vertaal(opdracht.profiel)
                response = await self._owner(
                    Doel.INBURGERAAR_COA, g.gemeente, "POST", f"/inburgeraars/{inburgeraar_id}/klantprofielen",
                    {"bron": "COA", "profiel": vertaald.profiel}, None,
                )  # fmt: skip
                self._aanvaard(response, {200, 201})
                versie = response.json().get("versie")
                if vertaald.niet_overgenomen:
                    # Taken over as far as it is structured; the rest asks for a person (the work list).
                    rest = ", ".join(vertaald.niet_overgenomen)
                    return Uitkomst(
                        "werklijst", f"klantprofielversie {versie} van {inburgeraar_id}; met de hand over te nemen: "
                        f"{rest}", inburgeraar_id,
                    )  # fmt: skip
                return Uitkomst("verwerkt", f"klantprofielversie {versie} van {inburgeraar_id}", inburgeraar_id)
        raise Weigering("onbekende opdracht", definitief=True)  # pragma: no cover - the match is exhaustive

    async def _verhuizing(self, g: _Geclaimd, o: feiten.Verhuizing) -> Uitkomst:
        """DUO tells both gemeenten. At O: register the move (the same open move again is no second one, so the two
        notices of one deployment serving O and N start one transfer). At N with O served here: register the person
        at N (issue 13 point 1, with O's doelgroep) and the move at O; with O elsewhere: ask O's exchange, and the
        person is registered at N with the dossier it sends (DUO's notice carries no doelgroep to register with)."""
        van, naar = o.vorige_gemeentecode, o.nieuwe_gemeentecode
        if not van or not naar or not o.bsn or g.gemeente not in {van, naar}:
            raise Weigering("verhuizing zonder vorige en nieuwe gemeente of BSN", definitief=True)
        wanneer = f" per {o.verhuisdatum}" if o.verhuisdatum else ""
        try:
            if g.gemeente == van:
                inburgeraar_id = await overdracht.registreer_verhuizing(self.v, van, o.bsn, naar, o.verhuisdatum)
                return Uitkomst("verwerkt", f"verhuizing naar {naar}{wanneer} geregistreerd", inburgeraar_id)
            if van not in {*self.instellingen.gemeenten, g.gemeente}:
                verzocht = await self._verzoek_peer(o, van, naar)
                return Uitkomst("verwerkt", f"verhuisd uit {van}{wanneer}: {verzocht}")
            oud = await overdracht.zoek(self.v, van, o.bsn)
            if oud is None:
                raise overdracht.Mislukt(f"gemeente {van} kent de persoon niet: er is geen dossier over te dragen")
            nieuw_id = await self._registreer_bij_nieuwe(g, o, van, naar, oud)
            await overdracht.registreer_verhuizing(self.v, van, o.bsn, naar, o.verhuisdatum)
        except overdracht.Mislukt as exc:
            return Uitkomst("werklijst", f"verhuizing uit {van}{wanneer}: {exc}", None)
        except GeenPeer as exc:
            return Uitkomst("werklijst", f"verhuizing uit {van}{wanneer}: {exc}; met de hand over te dragen", None)
        return Uitkomst(
            "verwerkt", f"geregistreerd als inburgeraar {nieuw_id} (uit {van}{wanneer}); verhuizing geregistreerd bij "
            f"{van}", nieuw_id,
        )  # fmt: skip

    async def _registreer_bij_nieuwe(
        self, g: _Geclaimd, o: feiten.Verhuizing, van: str, naar: str, oud: Mapping[str, Any]
    ) -> uuid.UUID:
        if (gevonden := await overdracht.zoek(self.v, naar, o.bsn)) is not None:
            return uuid.UUID(str(gevonden["id"]))
        body: dict[str, Any] = {
            "bsn": o.bsn, "doelgroep": oud["doelgroep"], "nareiziger": bool(oud.get("nareiziger", False)),
            "herkomst": {"soort": "verhuizing", "vanGemeente": van},
        }  # fmt: skip
        if o.verhuisdatum:
            body["datumInschrijvingBrp"] = o.verhuisdatum
        response = controleer_bereikbaar(
            await self.v.bij_context(
                "inburgeraar",
                naar,
                "POST",
                "/inburgeraars",
                json=body,
                idempotency_key=f"{g.bron}-{g.feit_id}-inschrijving",
            )
        )
        # With `herkomst` registering is idempotent per BSN at inburgeraar-api: the person it already has is 200.
        self._aanvaard(response, {200, 201})
        return uuid.UUID(str(response.json()["id"]))

    async def _verzoek_peer(self, o: feiten.Verhuizing, van: str, naar: str) -> str:
        body = {"bsn": o.bsn, "vanGemeente": van, "naarGemeente": naar, "verhuisdatum": o.verhuisdatum}
        response = controleer_bereikbaar(await self.v.bij_peer(van, naar, "POST", "/overdrachtsverzoeken", json=body))
        if response.status_code == 404:
            raise overdracht.Mislukt(f"gemeente {van} kent de persoon niet: {probleem(response)[0]}")
        self._aanvaard(response, {200, 202})
        return f"overdracht gevraagd aan de uitwisseling van {van}"

    async def _koppeling(self, g: _Geclaimd, k: feiten.Koppeling) -> Uitkomst:
        async with self.database.unit_of_work() as uow:
            bestaand = await MeldingRepository(uow.session).koppeling("coa", g.gemeente, k.coa_id)
        if bestaand is not None:
            return Uitkomst("verwerkt", f"koppeling al geregistreerd als inburgeraar {bestaand}", bestaand)
        body: dict[str, Any] = {
            "doelgroep": k.doelgroep, "nareiziger": k.nareiziger, "datumKoppeling": k.datum_koppeling,
        }  # fmt: skip
        if k.bsn:
            body["bsn"] = k.bsn
        response = await self._owner(
            Doel.INBURGERAAR_COA, g.gemeente, "POST", "/inburgeraars", body, f"{g.bron}-{g.feit_id}"
        )
        if response.status_code == 409 and "bsn-al-geregistreerd" in response.text and k.bsn:
            # Registered before by the gemeente itself (BRP): linked, not registered twice.
            gevonden = await self._zoek(g.gemeente, k.bsn)
            assert gevonden is not None  # `_zoek` raises `Wacht` when it finds none
            inburgeraar_id = gevonden
        else:
            self._aanvaard(response, {200, 201})
            inburgeraar_id = uuid.UUID(response.json()["id"])
        # Linked at once, not with the batch's record: COA's next fact about this person may be in the same batch.
        async with self.database.unit_of_work() as uow:
            await MeldingRepository(uow.session).koppel("coa", g.gemeente, k.coa_id, inburgeraar_id)
            await uow.commit()
        staat = "" if k.bsn else " (bsn-ontbreekt)"
        return Uitkomst(
            "verwerkt", f"geregistreerd als inburgeraar {inburgeraar_id}{staat}", inburgeraar_id,
            koppel=(k.coa_id, inburgeraar_id),
        )  # fmt: skip

    async def _owner(
        self, doel: Doel, gemeente: str, method: str, path: str, body: Any, key: str | None
    ) -> httpx.Response:
        return controleer_bereikbaar(await self.v.call(doel, gemeente, method, path, json=body, idempotency_key=key))

    @staticmethod
    def _aanvaard(response: httpx.Response, goed: set[int]) -> None:
        if response.status_code in goed:
            return
        reden, params = probleem(response)
        velden = "; ".join(f"{p.get('name')}: {p.get('reason')}" for p in params)
        uitkomst = f"{reden}{' (' + velden + ')' if velden else ''}"
        # A 422 may be an earlier fact that is still on its way; 400/409 will not mend by waiting.
        raise Weigering(uitkomst, definitief=response.status_code != 422)

    async def _zoek(self, gemeente: str, bsn: str, *, verplicht: bool = True) -> uuid.UUID | None:
        response = await self._owner(Doel.INBURGERAAR_DUO, gemeente, "POST", "/inburgeraars/_zoek", {"bsn": bsn}, None)
        self._aanvaard(response, {200})
        items = response.json().get("resultaten") or []
        if not items:
            if verplicht:
                raise Wacht("inburgeraar (nog) niet geregistreerd in deze gemeente")
            return None
        return uuid.UUID(items[0]["id"])

    async def _gekoppeld(self, gemeente: str, coa_id: str) -> uuid.UUID:
        async with self.database.unit_of_work() as uow:
            inburgeraar_id = await MeldingRepository(uow.session).koppeling("coa", gemeente, coa_id)
        if inburgeraar_id is None:
            raise Wacht("de koppeling van het COA voor deze persoon is (nog) niet verwerkt")
        return inburgeraar_id

    # ---- record ----

    async def _leg_vast(self, session: Any, g: _Geclaimd) -> None:
        u = g.resultaat
        assert u is not None
        repo = MeldingRepository(session)
        values: dict[str, Any] = {"status": u.status, "uitkomst": u.uitkomst}
        nu = datetime.now(UTC)
        if u.status == "opnieuw":
            values["volgende_poging_at"] = nu + timedelta(seconds=u.wacht or 1.0)
        else:
            values["verwerkt_at"] = nu
        if u.opgehaald:
            values["opgehaald_at"] = nu
        if g.persoon is not None:
            values["partner_persoon_id"] = g.persoon
        if u.inburgeraar_id is not None:
            values["inburgeraar_id"] = u.inburgeraar_id
        if u.koppel is not None:
            await repo.koppel("coa", g.gemeente, u.koppel[0], u.koppel[1])
        await repo.leg_vast(g.bron, g.feit_id, **values)
        if u.opgehaald:
            activiteit = activiteiten.ONTVANGEN_DUO if g.bron == "duo" else activiteiten.ONTVANGEN_COA
            principal = systeem(g.gemeente)
            betrokkene = g.extra.get("betrokkene")
            await self.log.record(
                session, principal, activiteit, Actie.LEZEN, object_type=f"feit-{g.bron}", object_id=g.feit_id,
                betrokkene=betrokkene,
            )  # fmt: skip
            if u.status in {"verwerkt", "werklijst"}:
                await self.log.record(
                    session, principal, activiteit, Actie.AANMAKEN, object_type=f"feit-{g.bron}",
                    object_id=g.feit_id, betrokkene=betrokkene,
                )  # fmt: skip
