"""Progress from aanbieders: the one apply path of every channel (API, file, portal) into the same records.

The API's push (`meld_via_api`) reads and writes in one statement each, guarded by the opdracht's row version;
the portal, the file batches and a push that keeps losing that race apply under the opdracht's row lock (`meld`,
`meld_alle`). Both use the same rules, stand computation and events (`Meldpunt`).

For the portal (and any caller outside an HTTP request):

    from aanbieder_api.services.toegang import Aanbiederidentiteit, werkcontext
    from aanbieder_api.services import opdrachten, voortgang
    from aanbieder_api.domain.melding import MELDING          # TypeAdapter of the `Melding` union
    from aanbieder_api.domain.enums import Kanaal

    wie = Aanbiederidentiteit(gemeente="0363", aanbieder_id=..., client_id=None)   # None: the portal's own user
    async with werkcontext(app, principal) as ctx:             # commits when the block ends without error
        rows, total = await opdrachten.lijst_voor_aanbieder(ctx, wie, paging)
        opdracht = await opdrachten.voor_aanbieder(ctx, wie, opdracht_id)
        resultaat = await voortgang.meld(ctx, wie, opdracht_id, MELDING.validate_python(form), Kanaal.PORTAAL)
        page = await voortgang.meldingen_voor_aanbieder(ctx, wie, opdracht_id, paging)

`principal` is an `inburgering_kit.auth.Principal` with `client_id` (e.g. "portaal"), `user` (the employee),
`gemeente_code` and `aanbieder_id`: it is what the processing log and the reports record as the actor. A rule
violation raises a `Problem` (NotFound, MeldingNietToegestaan, ...) carrying `invalid_params` for the form.

`meld` is idempotent by content: the same report about the same opdracht is stored once (`Meldingsresultaat.nieuw`
is False the second time and nothing changes), whichever channel sends it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from aanbieder_api import activiteiten
from aanbieder_api.domain.enums import Dienst, Kanaal, Meldingsoort, OpdrachtStatus, Uitslag
from aanbieder_api.domain.melding import (
    Aanwezigheid,
    Eindresultaat,
    Examenresultaat,
    Leerbaarheidstoets,
    Melding,
    Planning,
    RouteadviesMelding,
    Start,
    ZRouteUren,
    controleer_melding,
    gegevens,
    meldingsleutel,
    periode,
)
from aanbieder_api.domain.ontvangst import MeldingOntvangen
from aanbieder_api.domain.opdracht import OpdrachtIngetrokken
from aanbieder_api.domain.stand import Periodeuren, Stand, pas_toe
from aanbieder_api.events import (
    LeerbaarheidstoetsAfgenomen,
    ResultaatBehaald,
    ResultaatNietBehaald,
    RouteadviesOntvangen,
    UrenBijgewerkt,
    VerzuimGemeld,
    VoortgangGemeld,
)
from aanbieder_api.models import Melding as MeldingRecord
from aanbieder_api.repository.meldingen import MeldingRepository, Opdrachtstand, Periodewijziging
from aanbieder_api.repository.opdrachten import OpdrachtRepository
from aanbieder_api.repository.push import PushRepository
from aanbieder_api.services.opdrachten import pad
from aanbieder_api.services.toegang import Aanbiederidentiteit, ClientNietGeregistreerd, controleer_client
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.idempotency import IdempotencyClaim, KeyedRequest, StoredAnswer
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import NotFound, Problem

# How often a push reads and writes again when its opdracht changed in between, before it waits for the row lock.
PUSHPOGINGEN = 3


@dataclass(frozen=True)
class Meldingsresultaat:
    melding_id: uuid.UUID
    opdracht_id: uuid.UUID
    soort: Meldingsoort
    kanaal: Kanaal
    gemeld_op: datetime
    nieuw: bool
    gegevens: dict[str, Any]
    status: OpdrachtStatus
    stand: dict[str, Any]


@dataclass
class Meldpunt:
    """Applies reports within one transaction. Opdrachten are read and locked once (a file batch preloads all of
    its rows' opdrachten in one statement); stands and periods are written once, by `schrijf`."""

    ctx: RequestContext
    wie: Aanbiederidentiteit
    kanaal: Kanaal
    aanlevering_id: uuid.UUID | None = None
    _opdrachten: dict[uuid.UUID, Opdrachtstand] = field(default_factory=dict)
    _perioden: dict[tuple[uuid.UUID, str, date, date], Periodewijziging] = field(default_factory=dict)
    _client_gecontroleerd: bool = False
    # Opdrachten whose stand a report already wrote (the one-statement path): in the processing log, not rewritten.
    _gemeld: list[uuid.UUID] = field(default_factory=list)

    @property
    def repo(self) -> MeldingRepository:
        return MeldingRepository(self.ctx.session, self.wie.gemeente)

    async def laad(self, opdracht_ids: Sequence[uuid.UUID], claim: IdempotencyClaim | None = None) -> None:
        """Read and lock the opdrachten; the client registration is checked in the same statement (hot path), and
        `claim` (a push's Idempotency-Key) is made in it too: when it lost, nothing is read."""
        nieuw = sorted({i for i in opdracht_ids if i not in self._opdrachten})
        client_ok: bool | None = None
        if nieuw:
            gevonden, client_ok = await self.repo.lock_for_melding(
                self.wie.aanbieder_id, nieuw, self.wie.client_id, claim
            )
            self._opdrachten |= gevonden
        if claim is not None and not claim.won:
            return
        if not self._client_gecontroleerd:
            if client_ok is None:
                await controleer_client(self.ctx, self.wie)
            elif not client_ok:
                raise self._client_niet_geregistreerd()
            self._client_gecontroleerd = True

    def _client_niet_geregistreerd(self) -> ClientNietGeregistreerd:
        return ClientNietGeregistreerd(
            f"Client {self.wie.client_id} is bij deze gemeente niet geregistreerd voor aanbieder "
            f"{self.wie.aanbieder_id}"
        )

    def _toegestaan(self, opdracht_id: uuid.UUID, melding: Melding) -> Opdrachtstand:
        """The loaded opdracht, when this report may be made about it (else the Problem that says why)."""
        opdracht = self._opdrachten.get(opdracht_id)
        if opdracht is None:
            raise NotFound(f"Opdracht {opdracht_id} bestaat niet.")
        if opdracht.status == OpdrachtStatus.INGETROKKEN.value:
            raise OpdrachtIngetrokken(f"Opdracht {opdracht_id} is ingetrokken: er kan niet meer op gemeld worden.")
        controleer_melding(Dienst(opdracht.onderdeel), opdracht.geplande_startdatum, melding)
        return opdracht

    def _record(self, melding_id: uuid.UUID, opdracht_id: uuid.UUID, melding: Melding) -> dict[str, Any]:
        inhoud = gegevens(melding)
        return {
            "id": melding_id,
            "gemeente_code": self.wie.gemeente,
            "opdracht_id": opdracht_id,
            "aanbieder_id": self.wie.aanbieder_id,
            "soort": melding.soort.value,
            "gegevens": inhoud,
            "sleutel": meldingsleutel(inhoud),
            "kanaal": self.kanaal.value,
            "aanlevering_id": self.aanlevering_id,
            "actor_client": self.ctx.principal.client_id,
            "actor_user": self.ctx.principal.user,
        }

    @staticmethod
    def _periodesleutel(opdracht_id: uuid.UUID, melding: Melding) -> tuple[uuid.UUID, str, date, date] | None:
        p = periode(melding)
        return (opdracht_id, melding.soort.value, p[0], p[1]) if p else None

    async def _pas_toe(
        self,
        opdracht: Opdrachtstand,
        melding_id: uuid.UUID,
        melding: Melding,
        opgeslagen: tuple[Decimal, Decimal, Decimal] | None,
    ) -> OpdrachtStatus:
        """A new report's effect: the period's hours, the stand, the status and the events (all channels)."""
        vorige = Periodeuren()
        periodesleutel = self._periodesleutel(opdracht.id, melding)
        if periodesleutel is not None:
            eerder = self._perioden.get(periodesleutel)
            if eerder is not None:
                vorige = Periodeuren(*eerder.uren)
            elif opgeslagen is not None:
                vorige = Periodeuren(*opgeslagen)
            nieuw = Periodeuren.van(melding)
            self._perioden[periodesleutel] = Periodewijziging(
                opdracht.id, melding.soort.value, periodesleutel[2], periodesleutel[3], (nieuw.a, nieuw.b, nieuw.c),
                melding_id,
            )  # fmt: skip
        stand, status = pas_toe(Stand.model_validate(opdracht.stand), OpdrachtStatus(opdracht.status), melding, vorige)
        opdracht.stand = stand.model_dump(mode="json")
        opdracht.status = status.value
        opdracht.gewijzigd = True
        await self._events(opdracht, melding_id, melding, stand)
        return status

    async def meld(
        self, opdracht_id: uuid.UUID, melding: Melding, claim: IdempotencyClaim | None = None
    ) -> Meldingsresultaat | None:
        """One report (API, portal): usually one statement stores it with the opdracht's new stand (see
        `MeldingRepository.add_melding`); a correction of a period reported before takes a second one. With
        `claim`, None when the claim lost (the caller replays the first answer)."""
        if opdracht_id not in self._opdrachten or claim is not None:
            await self.laad([opdracht_id], claim)
            if claim is not None and not claim.won:
                return None
        opdracht = self._toegestaan(opdracht_id, melding)
        melding_id = uuid.uuid4()
        record = self._record(melding_id, opdracht_id, melding)
        periodesleutel = self._periodesleutel(opdracht_id, melding)
        status = OpdrachtStatus(opdracht.status)
        # Computed as if the period is new; written only if it is.
        stand, nieuwe_status = pas_toe(Stand.model_validate(opdracht.stand), status, melding, Periodeuren())
        uren = Periodeuren.van(melding)
        gemeld_at, bijgewerkt, opgeslagen = await self.repo.add_melding(
            record, periodesleutel[1:] if periodesleutel else None, (uren.a, uren.b, uren.c),
            replace(opdracht, stand=stand.model_dump(mode="json"), status=nieuwe_status.value),
        )  # fmt: skip
        if gemeld_at is None:
            bestaand = await self.repo.get_melding(opdracht_id, record["sleutel"])
            return Meldingsresultaat(
                bestaand.id, opdracht_id, melding.soort, Kanaal(bestaand.kanaal), bestaand.gemeld_at, False,
                record["gegevens"], status, opdracht.stand,
            )  # fmt: skip
        if bijgewerkt:
            opdracht.stand, opdracht.status = stand.model_dump(mode="json"), nieuwe_status.value
            self._gemeld.append(opdracht.id)
            await self._events(opdracht, melding_id, melding, stand)
        else:
            # A correction of a period reported before: the stand moves by the difference (`schrijf` writes it).
            nieuwe_status = await self._pas_toe(opdracht, melding_id, melding, opgeslagen)
        return Meldingsresultaat(
            melding_id, opdracht_id, melding.soort, self.kanaal, gemeld_at, True, record["gegevens"], nieuwe_status,
            opdracht.stand,
        )  # fmt: skip

    async def push(self, opdracht_id: uuid.UUID, melding: Melding, verzoek: KeyedRequest) -> StoredAnswer | None:
        """A report over the API in two statements on a connection of its own, each committing by itself: one reads
        everything the push decides on, one writes the report, its period, the stand, the events, the processing
        record and the Idempotency-Key with its answer — unless the key or the opdracht changed in between, when it
        reads again. None after `PUSHPOGINGEN` such rounds: the caller then waits for the opdracht's lock (`meld`
        with a claim)."""
        # Made once: its id is used only by the round whose write succeeds.
        record = self._record(uuid.uuid4(), opdracht_id, melding)
        periodesleutel = self._periodesleutel(opdracht_id, melding)
        for _ in range(PUSHPOGINGEN):
            async with self.ctx.own_connection() as conn:
                repo = PushRepository(conn, self.wie.gemeente)
                beeld = await repo.read(
                    opdracht_id, self.wie.aanbieder_id, self.wie.client_id, (verzoek.owner, verzoek.key),
                    record["sleutel"], periodesleutel[1:] if periodesleutel else None,
                )  # fmt: skip
                if beeld.antwoord is not None:
                    return verzoek.replay_of(*beeld.antwoord)
                if not beeld.client_ok:
                    raise self._client_niet_geregistreerd()
                if beeld.opdracht is not None:
                    self._opdrachten[opdracht_id] = beeld.opdracht
                opdracht = self._toegestaan(opdracht_id, melding)
                if beeld.bestaand is not None:
                    bestaand_id, gemeld_at, kanaal = beeld.bestaand
                    resultaat = Meldingsresultaat(
                        bestaand_id, opdracht_id, melding.soort, Kanaal(kanaal), gemeld_at, False, record["gegevens"],
                        OpdrachtStatus(opdracht.status), opdracht.stand,
                    )  # fmt: skip
                    verstuurd = await repo.write(verzoek, antwoord(resultaat), opdracht, gemeld_at)
                else:
                    gemeld_at = datetime.now(UTC)
                    resultaat, periodewijziging = await self._nieuw(
                        opdracht, melding, record, gemeld_at, Periodeuren(*beeld.periode) if beeld.periode else None
                    )
                    verstuurd = await repo.write(
                        verzoek, antwoord(resultaat), opdracht, gemeld_at, record, periodewijziging, beeld.rijversie,
                        self.ctx.writes,
                    )  # fmt: skip
                if verstuurd is not None:
                    return verstuurd
            self._opdrachten.pop(opdracht_id, None)
        return None

    async def _nieuw(
        self,
        opdracht: Opdrachtstand,
        melding: Melding,
        record: dict[str, Any],
        gemeld_at: datetime,
        vorige: Periodeuren | None,
    ) -> tuple[Meldingsresultaat, Periodewijziging | None]:
        """A new report's effect for a push: the stand (corrected by the period's earlier hours, `vorige`), the
        period's new hours, the events and the processing record; the caller writes them."""
        stand, status = pas_toe(
            Stand.model_validate(opdracht.stand),
            OpdrachtStatus(opdracht.status),
            melding,
            vorige if vorige is not None else Periodeuren(),
        )
        opdracht.stand, opdracht.status = stand.model_dump(mode="json"), status.value
        periodesleutel = self._periodesleutel(opdracht.id, melding)
        uren = Periodeuren.van(melding)
        periodewijziging = (
            Periodewijziging(opdracht.id, *periodesleutel[1:], (uren.a, uren.b, uren.c), record["id"])
            if periodesleutel
            else None
        )
        await self._events(opdracht, record["id"], melding, stand)
        await self.ctx.verwerk_alle(
            activiteiten.VOORTGANG_ONTVANGEN,
            Actie.AANMAKEN,
            object_type="opdracht",
            subjects=[(opdracht.id, self._betrokkene(opdracht.id))],
        )
        resultaat = Meldingsresultaat(
            record["id"], opdracht.id, melding.soort, self.kanaal, gemeld_at, True, record["gegevens"], status,
            opdracht.stand,
        )  # fmt: skip
        return resultaat, periodewijziging

    async def meld_alle(self, meldingen: Sequence[tuple[uuid.UUID, Melding]]) -> list[bool | Problem]:
        """Many reports in row order (a file batch): per report True (applied), False (the same report was there
        already) or the Problem that refused it. The same rules, stand and events as `meld`, in a few statements:
        one insert of all reports and one read of the periods they touch."""
        await self.laad([o for o, _ in meldingen])
        uitkomst: list[bool | Problem] = [False] * len(meldingen)
        geldig: list[tuple[int, Opdrachtstand, Melding, dict[str, Any]]] = []
        for n, (opdracht_id, melding) in enumerate(meldingen):
            try:
                opdracht = self._toegestaan(opdracht_id, melding)
            except Problem as exc:
                uitkomst[n] = exc
                continue
            geldig.append((n, opdracht, melding, self._record(uuid.uuid4(), opdracht_id, melding)))
        nieuw = await self.repo.add_meldingen([r for *_, r in geldig])
        sleutels = {
            k
            for _, o, m, r in geldig
            if r["id"] in nieuw and (k := self._periodesleutel(o.id, m)) is not None and k not in self._perioden
        }
        opgeslagen = await self.repo.get_perioden(sleutels)
        for n, opdracht, melding, record in geldig:
            if record["id"] in nieuw:
                periodesleutel = self._periodesleutel(opdracht.id, melding)
                await self._pas_toe(
                    opdracht, record["id"], melding, opgeslagen.get(periodesleutel) if periodesleutel else None
                )
                uitkomst[n] = True
        return uitkomst

    def _betrokkene(self, opdracht_id: uuid.UUID) -> str | None:
        opdracht = self._opdrachten.get(opdracht_id)
        return self.ctx.log.betrokkene_van(opdracht.inburgeraar_id) if opdracht is not None else None

    async def schrijf(self) -> None:
        """Write the changed stands and periods; the request (or the batch) commits them with the reports."""
        gewijzigd = [o for o in self._opdrachten.values() if o.gewijzigd]
        await self.repo.update_standen(gewijzigd, list(self._perioden.values()))
        verwerkt = list(dict.fromkeys([*self._gemeld, *(o.id for o in gewijzigd)]))
        if verwerkt:
            await self.ctx.verwerk_alle(
                activiteiten.VOORTGANG_ONTVANGEN, Actie.AANMAKEN, object_type="opdracht",
                subjects=[(o, self._betrokkene(o)) for o in verwerkt],
            )  # fmt: skip
        self._gemeld.clear()
        for o in gewijzigd:
            o.gewijzigd = False
        self._perioden.clear()

    async def _events(self, opdracht: Opdrachtstand, melding_id: uuid.UUID, melding: Melding, stand: Stand) -> None:
        basis: dict[str, Any] = {
            "opdracht_id": opdracht.id, "pip_id": opdracht.pip_id, "inburgeraar_id": opdracht.inburgeraar_id,
            "aanbieder_id": opdracht.aanbieder_id, "onderdeel": opdracht.onderdeel, "melding_id": melding_id,
        }  # fmt: skip
        events: list[Any] = [
            VoortgangGemeld(
                **basis,
                soort=melding.soort.value,
                kanaal=self.kanaal.value,
                status=opdracht.status,
                datum=melding.datum if isinstance(melding, Start) else None,
                geplande_einddatum=melding.geplande_einddatum if isinstance(melding, Start | Planning) else None,
            )
        ]
        if isinstance(melding, Aanwezigheid) and melding.uren_afwezig_ongeoorloofd > 0:
            events.append(
                VerzuimGemeld(
                    **basis,
                    periode_van=melding.periode_van,
                    periode_tot=melding.periode_tot,
                    uren_afwezig_ongeoorloofd=melding.uren_afwezig_ongeoorloofd,
                    uren_afwezig_geoorloofd=melding.uren_afwezig_geoorloofd,
                )
            )
        if isinstance(melding, Aanwezigheid | ZRouteUren):
            events.append(
                UrenBijgewerkt(
                    **basis,
                    uren_aanwezig=float(stand.uren_aanwezig),
                    uren_taal=float(stand.uren_taal),
                    uren_participatie=float(stand.uren_participatie),
                    uren_gecontracteerd=opdracht.uren,
                )
            )
        if isinstance(melding, Examenresultaat | Eindresultaat):
            if melding.resultaat is Uitslag.BEHAALD:
                events.append(
                    ResultaatBehaald(**basis, soort=melding.soort.value, datum=melding.datum, niveau=melding.niveau)
                )
            else:
                events.append(ResultaatNietBehaald(**basis, soort=melding.soort.value, datum=melding.datum))
        if isinstance(melding, RouteadviesMelding):
            events.append(RouteadviesOntvangen(**basis, advies=melding.advies.value))
        if isinstance(melding, Leerbaarheidstoets):
            events.append(
                LeerbaarheidstoetsAfgenomen(
                    **basis,
                    datum=melding.datum,
                    resultaat=melding.resultaat,
                    geadviseerde_leerroute=melding.leerroute.value if melding.leerroute else None,
                )
            )
        for event in events:
            await self.ctx.emit(event, subject=opdracht.id, resource_path=pad(opdracht.id))


async def meld(
    ctx: RequestContext, wie: Aanbiederidentiteit, opdracht_id: uuid.UUID, melding: Melding, kanaal: Kanaal
) -> Meldingsresultaat:
    """One report about one opdracht (API and portal)."""
    resultaat = await _meld(ctx, wie, opdracht_id, melding, kanaal, None)
    assert resultaat is not None
    return resultaat


async def meld_via_api(
    ctx: RequestContext, wie: Aanbiederidentiteit, opdracht_id: uuid.UUID, melding: Melding, verzoek: KeyedRequest
) -> StoredAnswer:
    """A push over the API, the provider's hot path, with its Idempotency-Key: the answer to send (a replay when
    the key answered before). Two statements on a connection of their own (`Meldpunt.push`); when the opdracht
    keeps changing under them (many reports about it at once), the report waits for the opdracht's lock instead."""
    if (antwoord_ := await Meldpunt(ctx, wie, Kanaal.API).push(opdracht_id, melding, verzoek)) is not None:
        return antwoord_
    claim = verzoek.claim()
    gemeld = await _meld(ctx, wie, opdracht_id, melding, Kanaal.API, claim)
    if (replay := await verzoek.settle(ctx, claim)) is not None:
        return replay
    assert gemeld is not None
    return verzoek.store(ctx, *antwoord(gemeld))


def antwoord(gemeld: Meldingsresultaat) -> tuple[int, dict[str, Any]]:
    """The answer to a push (status and body), serialised once: for the response and for the stored replay."""
    inhoud = MeldingOntvangen(
        id=gemeld.melding_id, opdracht_id=gemeld.opdracht_id, soort=gemeld.soort, kanaal=gemeld.kanaal,
        gemeld_op=gemeld.gemeld_op, al_ontvangen=not gemeld.nieuw, status=gemeld.status,
        stand=Stand.model_validate(gemeld.stand),
    )  # fmt: skip
    return (200 if not gemeld.nieuw else 201), inhoud.model_dump(mode="json")


async def _meld(
    ctx: RequestContext,
    wie: Aanbiederidentiteit,
    opdracht_id: uuid.UUID,
    melding: Melding,
    kanaal: Kanaal,
    claim: IdempotencyClaim | None,
) -> Meldingsresultaat | None:
    """`meld` whose first statement also claims the request's Idempotency-Key (the push over the API): None when
    the claim lost and nothing was done."""
    punt = Meldpunt(ctx, wie, kanaal)
    resultaat = await punt.meld(opdracht_id, melding, claim)
    if resultaat is not None:
        await punt.schrijf()
    return resultaat


async def meldingen_voor_aanbieder(
    ctx: RequestContext, wie: Aanbiederidentiteit, opdracht_id: uuid.UUID, paging: PageParams
) -> tuple[Sequence[MeldingRecord], int]:
    await controleer_client(ctx, wie)
    repo = OpdrachtRepository(ctx.session, wie.gemeente)
    opdracht = await repo.get(opdracht_id)
    if opdracht is None or opdracht.aanbieder_id != wie.aanbieder_id:
        raise NotFound(f"Opdracht {opdracht_id} bestaat niet.")
    return await repo.meldingen(paging, opdracht_id=opdracht_id)


async def meldingen(
    ctx: RequestContext,
    paging: PageParams,
    *,
    opdracht_id: uuid.UUID | None = None,
    aanbieder_id: uuid.UUID | None = None,
    soort: str | None = None,
    vanaf: datetime | None = None,
    opdracht_ids: Sequence[uuid.UUID] | None = None,
) -> tuple[Sequence[MeldingRecord], int]:
    """The gemeente's view: what was reported when, by whom and through which channel. Filtered on several
    opdrachten (the overview of one person), another gemeente's opdracht simply gives nothing."""
    repo = OpdrachtRepository(ctx.session, ctx.gemeente)
    if opdracht_id is not None and await repo.get(opdracht_id) is None:
        raise NotFound(f"Opdracht {opdracht_id} bestaat niet.")
    rows, total = await repo.meldingen(
        paging, opdracht_id=opdracht_id, aanbieder_id=aanbieder_id, soort=soort, vanaf=vanaf, opdracht_ids=opdracht_ids
    )
    await ctx.verwerk_alle(
        activiteiten.VOORTGANG_RAADPLEGEN, Actie.ZOEKEN, object_type="opdracht",
        subjects=[(o, None) for o in dict.fromkeys(r.opdracht_id for r in rows)],
    )  # fmt: skip
    return rows, total
