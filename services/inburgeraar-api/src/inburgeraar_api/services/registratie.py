"""Registering, finding and changing an inburgeraar."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic.alias_generators import to_camel

from inburgeraar_api import activiteiten, scopes
from inburgeraar_api.domain.enums import Doelgroep, InburgeraarStatus
from inburgeraar_api.domain.registratie import controleer_registratie
from inburgeraar_api.events import BsnVastgelegd, InburgeraarGeregistreerd, InburgeraarGewijzigd
from inburgeraar_api.models import Inburgeraar
from inburgeraar_api.repository import DuplicateBsn, InburgeraarRepository
from inburgering_kit.audit import Actie, Verwerkingsactiviteit
from inburgering_kit.bsn import Bsn
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, NotFound


@dataclass(frozen=True)
class NieuweInburgeraar:
    """What registering needs; `contact` is the stored JSON shape of the contact details."""

    bsn: Bsn | None
    doelgroep: Doelgroep
    nareiziger: bool
    datum_koppeling: date | None
    datum_inschrijving_brp: date | None
    contact: dict[str, Any]
    klantregisseur: str | None
    # `{"soort": "verhuizing", "vanGemeente": ...}` for a person who moved here (see `registreer_bij_verhuizing`).
    herkomst: dict[str, Any] | None = None


class BsnAlGeregistreerd(Conflict):
    code = "bsn-al-geregistreerd"
    title = "Deze gemeente heeft een inburgeraar met dit BSN al geregistreerd."


class InburgeraarVerhuisd(Conflict):
    code = "inburgeraar-verhuisd"
    title = "De inburgeraar is naar een andere gemeente verhuisd; het dossier is overgedragen."


class BsnAlBekend(Conflict):
    code = "bsn-al-bekend"
    title = "Het BSN van deze inburgeraar is al vastgelegd."


def pad(inburgeraar_id: uuid.UUID) -> str:
    return f"/inburgeraars/{inburgeraar_id}"


def _duplicate(existing_id: uuid.UUID, api_prefix: str) -> BsnAlGeregistreerd:
    return BsnAlGeregistreerd(
        "Gebruik de bestaande registratie; zie `bestaandeResource`.",
        extra={"bestaandeResource": f"{api_prefix}{pad(existing_id)}"},
    )


async def verwerk(
    ctx: RequestContext,
    inburgeraar: Inburgeraar,
    activiteit: Verwerkingsactiviteit,
    actie: Actie,
    object_type: str,
    object_id: uuid.UUID | None = None,
) -> None:
    """A processing record about this inburgeraar (object: the inburgeraar itself unless another is named)."""
    await ctx.verwerk(
        activiteit,
        actie,
        object_type=object_type,
        object_id=object_id or inburgeraar.id,
        # The pseudonym every service records for this person (`privacy` in the kit), with or without a BSN.
        betrokkene=ctx.log.betrokkene_van(inburgeraar.id),
    )


def alleen_eigen(ctx: RequestContext) -> str | None:
    """The client whose own registrations are all the caller may see (a chain partner that links persons, such as
    COA), or None when the caller's scopes are not narrowed to its own."""
    principal = ctx.principal
    if principal.has(scopes.INBURGERAAR_LEZEN) or principal.has(scopes.INBURGERAAR_SCHRIJVEN):
        return None
    return principal.client_id if principal.has(scopes.INBURGERAAR_KOPPELEN) else None


def zichtbaar(ctx: RequestContext, inburgeraar: Inburgeraar | None) -> Inburgeraar | None:
    eigen = alleen_eigen(ctx)
    if inburgeraar is not None and eigen is not None and inburgeraar.geregistreerd_door != eigen:
        return None
    return inburgeraar


async def vind(ctx: RequestContext, inburgeraar_id: uuid.UUID, *, for_update: bool = False) -> Inburgeraar:
    """The inburgeraar as far as the caller may know it: of its gemeente, and, for a chain partner that links
    persons, one it linked itself. Any other is not found, exactly like one that does not exist."""
    found = await InburgeraarRepository(ctx.session, ctx.gemeente).get(inburgeraar_id, for_update=for_update)
    inburgeraar = zichtbaar(ctx, found)
    if inburgeraar is None:
        raise NotFound("Er is geen inburgeraar met dit id in uw gemeente.")
    return inburgeraar


async def vind_actief(ctx: RequestContext, inburgeraar_id: uuid.UUID, *, for_update: bool = False) -> Inburgeraar:
    """`vind`, for a write that only makes sense while this gemeente has the regie: not for a person who moved away
    (Besluit art. 9.4 lid 4; the new gemeente carries on with the handed-over dossier)."""
    inburgeraar = await vind(ctx, inburgeraar_id, for_update=for_update)
    if inburgeraar.status == InburgeraarStatus.VERHUISD.value:
        raise InburgeraarVerhuisd("Deze gemeente voert de regie niet meer; de nieuwe gemeente heeft het dossier.")
    return inburgeraar


async def registreer(ctx: RequestContext, data: NieuweInburgeraar) -> Inburgeraar:
    controleer_registratie(data.doelgroep, data.nareiziger, data.datum_koppeling, data.datum_inschrijving_brp)
    bsn = data.bsn
    inburgeraar = Inburgeraar(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        status=(InburgeraarStatus.GEREGISTREERD if bsn else InburgeraarStatus.BSN_ONTBREEKT).value,
        bsn=str(bsn) if bsn else None,
        bsn_pseudoniem=ctx.log.betrokkene(bsn),
        doelgroep=data.doelgroep.value,
        nareiziger=data.nareiziger,
        datum_koppeling=data.datum_koppeling,
        datum_inschrijving_brp=data.datum_inschrijving_brp,
        contact=data.contact,
        klantregisseur=data.klantregisseur,
        geregistreerd_door=ctx.principal.client_id,
        herkomst=data.herkomst,
        versie=1,
    )
    try:
        await InburgeraarRepository(ctx.session, ctx.gemeente).add(inburgeraar)
    except DuplicateBsn as exc:
        raise _duplicate(exc.existing_id, ctx.api_prefix) from None
    await _meld_geregistreerd(ctx, inburgeraar)
    await verwerk(ctx, inburgeraar, activiteiten.REGISTRATIE, Actie.AANMAKEN, "inburgeraar")
    return inburgeraar


async def _meld_geregistreerd(ctx: RequestContext, inburgeraar: Inburgeraar) -> None:
    await ctx.emit(
        InburgeraarGeregistreerd(
            inburgeraar_id=inburgeraar.id,
            doelgroep=inburgeraar.doelgroep,
            nareiziger=inburgeraar.nareiziger,
            status=inburgeraar.status,
            datum_koppeling=inburgeraar.datum_koppeling,
            datum_inschrijving_brp=inburgeraar.datum_inschrijving_brp,
        ),
        subject=inburgeraar.id,
        resource_path=pad(inburgeraar.id),
    )


async def registreer_bij_verhuizing(ctx: RequestContext, data: NieuweInburgeraar) -> tuple[Inburgeraar, bool]:
    """A person who moved here, registered on DUO's notice or when the previous gemeente's dossier arrives: once per
    (gemeente, BSN) — a registration this gemeente already has is the answer (`False`: not new), whoever made it; the
    one of a person who once moved away from here is taken up again (`keer_terug`)."""
    assert data.bsn is not None
    repo = InburgeraarRepository(ctx.session, ctx.gemeente)
    bestaand = await repo.find_by_pseudoniem(ctx.log.betrokkene(data.bsn) or "")
    if bestaand is None:
        try:
            return await registreer(ctx, data), True
        except BsnAlGeregistreerd:
            # Registered by a concurrent request since the lookup: the insert did not abort the transaction.
            bestaand = await repo.find_by_pseudoniem(ctx.log.betrokkene(data.bsn) or "")
            if bestaand is None:
                raise
    if bestaand.status == InburgeraarStatus.VERHUISD.value:
        return await keer_terug(ctx, bestaand.id, data.herkomst), False
    await verwerk(ctx, bestaand, activiteiten.REGISTRATIE, Actie.LEZEN, "inburgeraar")
    return bestaand, False


async def keer_terug(ctx: RequestContext, inburgeraar_id: uuid.UUID, herkomst: dict[str, Any] | None) -> Inburgeraar:
    """A person who moved away from here comes back (Besluit art. 9.4 lid 4, the other way round): the same
    registration, with all this gemeente kept of the first stay, is active again — `geregistreerd`, coming from the
    gemeente left — and announced as a registration here (`inburgeraar-geregistreerd`, the same id), so every context
    takes the person as this gemeente's again and DUO hears whose the regie is. The first stay's dates stay as they
    were: the day of the return is the imported dossier's `verhuisdatum`."""
    inburgeraar = await InburgeraarRepository(ctx.session, ctx.gemeente).get(inburgeraar_id, for_update=True)
    assert inburgeraar is not None  # found by the caller in this gemeente; registrations are never deleted in between
    if inburgeraar.status != InburgeraarStatus.VERHUISD.value:
        # Taken up again by a concurrent call since the caller looked: one return, one announcement.
        await verwerk(ctx, inburgeraar, activiteiten.REGISTRATIE, Actie.LEZEN, "inburgeraar")
        return inburgeraar
    inburgeraar.status = InburgeraarStatus.GEREGISTREERD.value
    inburgeraar.herkomst = herkomst
    inburgeraar.versie += 1
    await ctx.session.flush()
    await _meld_geregistreerd(ctx, inburgeraar)
    await verwerk(ctx, inburgeraar, activiteiten.REGISTRATIE, Actie.WIJZIGEN, "inburgeraar")
    return inburgeraar


async def raadpleeg(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Inburgeraar:
    inburgeraar = await vind(ctx, inburgeraar_id)
    await verwerk(ctx, inburgeraar, activiteiten.RAADPLEGEN, Actie.LEZEN, "inburgeraar")
    return inburgeraar


async def lijst(ctx: RequestContext, paging: PageParams, **filters: object) -> tuple[Sequence[Inburgeraar], int]:
    rows, total = await InburgeraarRepository(ctx.session, ctx.gemeente).list(
        paging,
        geregistreerd_door=alleen_eigen(ctx),
        **filters,  # type: ignore[arg-type]
    )
    await ctx.verwerk_alle(
        activiteiten.RAADPLEGEN,
        Actie.ZOEKEN,
        object_type="inburgeraar",
        subjects=[(row.id, ctx.log.betrokkene_van(row.id)) for row in rows],
    )
    return rows, total


async def zoek_op_bsn(ctx: RequestContext, bsn: Bsn) -> Inburgeraar | None:
    pseudoniem = ctx.log.betrokkene(bsn)
    found = await InburgeraarRepository(ctx.session, ctx.gemeente).find_by_pseudoniem(pseudoniem or "")
    inburgeraar = zichtbaar(ctx, found)
    await ctx.verwerk(
        activiteiten.RAADPLEGEN,
        Actie.ZOEKEN,
        object_type="inburgeraar",
        object_id=inburgeraar.id if inburgeraar else None,
        # Not found, the person is known here by the BSN alone; a search by BSN finds both (`ids_van_bsn`).
        betrokkene=ctx.log.betrokkene_van(inburgeraar.id) if inburgeraar else pseudoniem,
    )
    return inburgeraar


async def wijzig(ctx: RequestContext, inburgeraar_id: uuid.UUID, changes: Mapping[str, Any]) -> Inburgeraar:
    """`changes`: only the fields the caller sent, by attribute name; `contact` in its stored JSON shape."""
    inburgeraar = await vind(ctx, inburgeraar_id, for_update=True)
    merged = {
        "doelgroep": Doelgroep(changes.get("doelgroep", inburgeraar.doelgroep)),
        "nareiziger": changes.get("nareiziger", inburgeraar.nareiziger),
        "datum_koppeling": changes.get("datum_koppeling", inburgeraar.datum_koppeling),
        "datum_inschrijving_brp": changes.get("datum_inschrijving_brp", inburgeraar.datum_inschrijving_brp),
    }
    controleer_registratie(**merged)
    gewijzigd: list[str] = []
    for field, raw in changes.items():
        value = raw
        if field == "doelgroep" and value is not None:
            value = Doelgroep(value).value
        elif field == "nareiziger" and value is None:
            value = False
        if getattr(inburgeraar, field) != value:
            setattr(inburgeraar, field, value)
            gewijzigd.append(to_camel(field))
    if gewijzigd:
        inburgeraar.versie += 1
        await ctx.session.flush()
        await ctx.emit(
            InburgeraarGewijzigd(
                inburgeraar_id=inburgeraar.id,
                gewijzigde_velden=sorted(gewijzigd),
                doelgroep=inburgeraar.doelgroep,
                datum_koppeling=inburgeraar.datum_koppeling,
                datum_inschrijving_brp=inburgeraar.datum_inschrijving_brp,
            ),
            subject=inburgeraar.id,
            resource_path=pad(inburgeraar.id),
        )
    await verwerk(ctx, inburgeraar, activiteiten.REGISTRATIE, Actie.WIJZIGEN, "inburgeraar")
    return inburgeraar


async def leg_bsn_vast(ctx: RequestContext, inburgeraar_id: uuid.UUID, bsn: Bsn) -> Inburgeraar:
    inburgeraar = await vind(ctx, inburgeraar_id, for_update=True)
    if inburgeraar.bsn is not None:
        raise BsnAlBekend("Een vastgelegd BSN wordt niet overschreven; neem contact op met de beheerder bij een fout.")
    try:
        await InburgeraarRepository(ctx.session, ctx.gemeente).leg_bsn_vast(
            inburgeraar, str(bsn), ctx.log.betrokkene(bsn)
        )
    except DuplicateBsn as exc:
        raise _duplicate(exc.existing_id, ctx.api_prefix) from None
    inburgeraar.status = InburgeraarStatus.GEREGISTREERD.value
    inburgeraar.versie += 1
    await ctx.emit(
        BsnVastgelegd(inburgeraar_id=inburgeraar.id),
        subject=inburgeraar.id,
        resource_path=pad(inburgeraar.id),
    )
    await verwerk(ctx, inburgeraar, activiteiten.REGISTRATIE, Actie.WIJZIGEN, "inburgeraar")
    return inburgeraar
