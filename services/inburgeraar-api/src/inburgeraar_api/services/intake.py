"""Brede intake (Wet art. 14; Besluit art. 5.2): oproepen, gesprekken, results per topic, the
leerbaarheidstoets, the background, and completion — also in absence after three oproepen."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import TypeAdapter

from inburgeraar_api import activiteiten
from inburgeraar_api.domain.aanbiedermelding import LeerbaarheidstoetsUitslag, uit_opslag
from inburgeraar_api.domain.brede_intake import (
    IntakeResultaat,
    Leerbaarheidstoets,
    mag_afronden,
    volgende_stap_na_oproepen,
)
from inburgeraar_api.domain.enums import IntakeStap, Onderwerp, OproepUitkomst
from inburgeraar_api.events import (
    BredeIntakeAfgerond,
    BredeIntakeResultaatVastgelegd,
    LeerbaarheidstoetsVastgelegd,
    OproepNietVerschenen,
    OproepOnvoldoendeMeegewerkt,
    OproepVerschenen,
    OproepVerstuurd,
)
from inburgeraar_api.models import BredeIntake, Inburgeraar, Intakegesprek, Oproep
from inburgeraar_api.repository import DossierRepository
from inburgeraar_api.services.registratie import pad, verwerk, vind, vind_actief
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.events import EventData
from inburgering_kit.problems import Conflict, NotFound, Unprocessable

_RESULTAAT: TypeAdapter[IntakeResultaat] = TypeAdapter(IntakeResultaat)

_UITKOMST_EVENT: dict[OproepUitkomst, type[OproepVerschenen | OproepNietVerschenen | OproepOnvoldoendeMeegewerkt]] = {
    OproepUitkomst.VERSCHENEN: OproepVerschenen,
    OproepUitkomst.NIET_VERSCHENEN: OproepNietVerschenen,
    OproepUitkomst.ONVOLDOENDE_MEEGEWERKT: OproepOnvoldoendeMeegewerkt,
}


@dataclass(frozen=True)
class Stand:
    """The brede intake as it stands: its records and what follows from them."""

    status: Literal["lopend", "afgerond"]
    afgerond_datum: date | None
    afgerond_bij_afwezigheid: bool
    volgende_stap: IntakeStap
    oproepen: Sequence[Oproep]
    gesprekken: Sequence[Intakegesprek]
    resultaten: list[IntakeResultaat]
    leerbaarheidstoets: LeerbaarheidstoetsUitslag | None
    achtergrond: Mapping[str, Any] | None


class BredeIntakeAlAfgerond(Conflict):
    code = "brede-intake-afgerond"
    title = "De brede intake is afgerond en wordt niet meer gewijzigd."


class UitkomstAlVastgelegd(Conflict):
    code = "uitkomst-al-vastgelegd"
    title = "De uitkomst van deze oproep is al vastgelegd."


class OnderwerpKomtNietOvereen(Unprocessable):
    code = "onderwerp-komt-niet-overeen"
    title = "Het onderwerp in de body verschilt van het onderwerp in het pad."


def _pad(inburgeraar_id: uuid.UUID) -> str:
    return f"{pad(inburgeraar_id)}/brede-intake"


async def _open_intake(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> tuple[Inburgeraar, BredeIntake]:
    """The inburgeraar (row-locked, so concurrent intake writes serialise) and its open brede intake."""
    inburgeraar = await vind_actief(ctx, inburgeraar_id, for_update=True)
    repo = DossierRepository(ctx.session)
    intake = await repo.brede_intake(inburgeraar.id, for_update=True)
    if intake is None:
        intake = BredeIntake(
            id=uuid.uuid4(),
            inburgeraar_id=inburgeraar.id,
            status="lopend",
            resultaten={},
            afgerond_bij_afwezigheid=False,
            versie=1,
        )
        await repo.add(intake)
    if intake.status == "afgerond":
        raise BredeIntakeAlAfgerond(f"Afgerond op {intake.afgerond_datum}; leg nieuwe feiten vast in het PIP-traject.")
    return inburgeraar, intake


async def _na_wijziging(
    ctx: RequestContext,
    inburgeraar: Inburgeraar,
    intake: BredeIntake,
    event: EventData,
    object_type: str,
    object_id: uuid.UUID,
) -> None:
    intake.versie += 1
    await ctx.session.flush()
    await ctx.emit(event, subject=inburgeraar.id, resource_path=_pad(inburgeraar.id))
    await verwerk(ctx, inburgeraar, activiteiten.BREDE_INTAKE, Actie.WIJZIGEN, object_type, object_id)


async def roep_op(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, verzonden_datum: date, afspraak_op: datetime
) -> Oproep:
    inburgeraar, intake = await _open_intake(ctx, inburgeraar_id)
    repo = DossierRepository(ctx.session)
    bestaande = await repo.oproepen(inburgeraar.id)
    if bestaande and bestaande[-1].uitkomst is None:
        raise Conflict("De vorige oproep heeft nog geen uitkomst; leg die eerst vast.")
    record = Oproep(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        volgnummer=len(bestaande) + 1,
        verzonden_datum=verzonden_datum,
        afspraak_at=afspraak_op.astimezone(UTC),
    )
    await repo.add(record)
    await _na_wijziging(
        ctx,
        inburgeraar,
        intake,
        OproepVerstuurd(
            inburgeraar_id=inburgeraar.id,
            oproep_id=record.id,
            volgnummer=record.volgnummer,
            afspraak_op=record.afspraak_at,
        ),
        "oproep",
        record.id,
    )
    return record


async def leg_uitkomst_vast(
    ctx: RequestContext,
    inburgeraar_id: uuid.UUID,
    oproep_id: uuid.UUID,
    uitkomst: OproepUitkomst,
    toelichting: str | None,
) -> Oproep:
    inburgeraar, intake = await _open_intake(ctx, inburgeraar_id)
    repo = DossierRepository(ctx.session)
    record = await repo.oproep(inburgeraar.id, oproep_id)
    if record is None:
        raise NotFound("Deze oproep bestaat niet.")
    if record.uitkomst is not None:
        raise UitkomstAlVastgelegd()
    record.uitkomst = uitkomst.value
    record.toelichting = toelichting
    record.uitkomst_vastgelegd_at = datetime.now(UTC)
    alle = await repo.oproepen(inburgeraar.id)
    niet_verschenen = sum(1 for o in alle if o.uitkomst == OproepUitkomst.NIET_VERSCHENEN.value)
    event = _UITKOMST_EVENT[uitkomst](
        inburgeraar_id=inburgeraar.id,
        oproep_id=record.id,
        volgnummer=record.volgnummer,
        aantal_niet_verschenen=niet_verschenen,
    )
    await _na_wijziging(ctx, inburgeraar, intake, event, "oproep", record.id)
    return record


async def leg_gesprek_vast(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, datum: date, gegevens: Mapping[str, Any]
) -> Intakegesprek:
    """`gegevens`: the gesprek as stored (JSON), `datum` among them."""
    inburgeraar, intake = await _open_intake(ctx, inburgeraar_id)
    record = Intakegesprek(
        id=uuid.uuid4(),
        inburgeraar_id=inburgeraar.id,
        datum=datum,
        gegevens=dict(gegevens),
    )
    await DossierRepository(ctx.session).add(record)
    intake.versie += 1
    await verwerk(ctx, inburgeraar, activiteiten.BREDE_INTAKE, Actie.AANMAKEN, "intakegesprek", record.id)
    return record


async def leg_resultaat_vast(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, onderwerp: Onderwerp, resultaat: IntakeResultaat
) -> Stand:
    if resultaat.onderwerp != onderwerp:
        raise OnderwerpKomtNietOvereen(f"pad: {onderwerp.value}, body: {resultaat.onderwerp.value}")
    inburgeraar, intake = await _open_intake(ctx, inburgeraar_id)
    intake.resultaten = {**intake.resultaten, onderwerp.value: resultaat.model_dump(mode="json")}
    await _na_wijziging(
        ctx,
        inburgeraar,
        intake,
        BredeIntakeResultaatVastgelegd(inburgeraar_id=inburgeraar.id, onderwerp=onderwerp.value),
        "brede-intake",
        intake.id,
    )
    return await _read(ctx, inburgeraar, intake)


async def leg_leerbaarheidstoets_vast(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, toets: Leerbaarheidstoets
) -> Stand:
    inburgeraar, intake = await _open_intake(ctx, inburgeraar_id)
    intake.leerbaarheidstoets = {**toets.model_dump(mode="json"), "bron": "gemeente"}
    await _na_wijziging(
        ctx,
        inburgeraar,
        intake,
        LeerbaarheidstoetsVastgelegd(
            inburgeraar_id=inburgeraar.id,
            datum=toets.datum,
            geadviseerde_leerroute=toets.geadviseerde_leerroute.value,
            bron="gemeente",
        ),
        "brede-intake",
        intake.id,
    )
    return await _read(ctx, inburgeraar, intake)


async def leg_achtergrond_vast(ctx: RequestContext, inburgeraar_id: uuid.UUID, achtergrond: Mapping[str, Any]) -> Stand:
    """`achtergrond`: as stored (JSON)."""
    inburgeraar, intake = await _open_intake(ctx, inburgeraar_id)
    intake.achtergrond = dict(achtergrond)
    intake.versie += 1
    await ctx.session.flush()
    await verwerk(ctx, inburgeraar, activiteiten.BREDE_INTAKE, Actie.WIJZIGEN, "brede-intake", intake.id)
    return await _read(ctx, inburgeraar, intake)


async def rond_af(ctx: RequestContext, inburgeraar_id: uuid.UUID, datum: date, bij_afwezigheid: bool) -> Stand:
    inburgeraar, intake = await _open_intake(ctx, inburgeraar_id)
    oproepen = await DossierRepository(ctx.session).oproepen(inburgeraar.id)
    mag_afronden(
        bij_afwezigheid,
        [OproepUitkomst(o.uitkomst) if o.uitkomst else None for o in oproepen],
        {Onderwerp(k) for k in intake.resultaten},
        intake.leerbaarheidstoets is not None,
    )
    intake.status = "afgerond"
    intake.afgerond_datum = datum
    intake.afgerond_bij_afwezigheid = bij_afwezigheid
    await _na_wijziging(
        ctx,
        inburgeraar,
        intake,
        BredeIntakeAfgerond(inburgeraar_id=inburgeraar.id, datum=datum, bij_afwezigheid=bij_afwezigheid),
        "brede-intake",
        intake.id,
    )
    return await _read(ctx, inburgeraar, intake)


async def _read(ctx: RequestContext, inburgeraar: Inburgeraar, intake: BredeIntake | None) -> Stand:
    repo = DossierRepository(ctx.session)
    oproepen = await repo.oproepen(inburgeraar.id)
    gesprekken = await repo.intakegesprekken(inburgeraar.id)
    resultaten: dict[str, Any] = intake.resultaten if intake else {}
    return Stand(
        status="afgerond" if intake and intake.status == "afgerond" else "lopend",
        afgerond_datum=intake.afgerond_datum if intake else None,
        afgerond_bij_afwezigheid=intake.afgerond_bij_afwezigheid if intake else False,
        volgende_stap=volgende_stap_na_oproepen([OproepUitkomst(o.uitkomst) if o.uitkomst else None for o in oproepen]),
        oproepen=oproepen,
        gesprekken=gesprekken,
        resultaten=[_RESULTAAT.validate_python(resultaten[o.value]) for o in Onderwerp if o.value in resultaten],
        leerbaarheidstoets=uit_opslag(intake.leerbaarheidstoets) if intake and intake.leerbaarheidstoets else None,
        achtergrond=intake.achtergrond if intake and intake.achtergrond else None,
    )


async def stand(ctx: RequestContext, inburgeraar: Inburgeraar) -> Stand | None:
    """The brede intake of a person already found, None when nothing of it was recorded yet; no processing record
    of its own (the caller logs its purpose)."""
    repo = DossierRepository(ctx.session)
    intake = await repo.brede_intake(inburgeraar.id)
    if intake is None and not await repo.oproepen(inburgeraar.id) and not await repo.intakegesprekken(inburgeraar.id):
        return None
    return await _read(ctx, inburgeraar, intake)


async def lees(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Stand:
    inburgeraar = await vind(ctx, inburgeraar_id)
    intake = await DossierRepository(ctx.session).brede_intake(inburgeraar.id)
    await verwerk(
        ctx,
        inburgeraar,
        activiteiten.BREDE_INTAKE,
        Actie.LEZEN,
        "brede-intake",
        intake.id if intake else inburgeraar.id,
    )
    return await _read(ctx, inburgeraar, intake)
