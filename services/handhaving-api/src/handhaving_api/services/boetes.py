"""Boetes after the besluit: correction (a new besluit that refers to the old), bezwaar and beroep with their
beslissing, payments as registered, and the overview per person beside DUO's boetes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from handhaving_api import activiteiten
from handhaving_api.domain import bedragen, rechtsmiddelen
from handhaving_api.domain.enums import Beslissing, Boetestatus, Categorie, Rechtsmiddel, Rechtsmiddelstatus
from handhaving_api.domain.regels import BEROEP_NA_BEZWAAR, BESLUIT_ONVERANDERLIJK, Weigering
from handhaving_api.events import BoeteGewijzigd
from handhaving_api.models import Boete, DuoBoete, Overtreding, Rechtsmiddelzaak
from handhaving_api.repository import BoeteRepository, DuoBoeteRepository, OvertredingRepository
from handhaving_api.services.gemeenschappelijk import niet_in_de_toekomst, verwerk
from handhaving_api.services.overtredingen import boete_opgelegd
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, NotFound, Unprocessable


class ZaakAlBeslist(Conflict):
    code = "al-beslist"
    title = "Op dit bezwaar of beroep is al beslist."


class ZaakAanhangig(Conflict):
    code = "rechtsmiddel-aanhangig"
    title = "Er loopt al een bezwaar of beroep tegen deze boete."


class BetalingTeHoog(Unprocessable):
    code = "betaling-te-hoog"
    title = "Er is meer betaald dan de boete."


def pad(boete_id: uuid.UUID) -> str:
    return f"/boetes/{boete_id}"


async def _get(ctx: RequestContext, boete_id: uuid.UUID, *, for_update: bool = False) -> Boete:
    boete = await BoeteRepository(ctx.session, ctx.gemeente).get(boete_id, for_update=for_update)
    if boete is None:
        raise NotFound(f"Boete {boete_id} bestaat niet.")
    return boete


def _vereis_staand(boete: Boete) -> None:
    if boete.status != Boetestatus.OPGELEGD.value:
        raise Weigering(
            BESLUIT_ONVERANDERLIJK, f"Boete {boete.id} is {boete.status}; handel verder op het besluit dat nu geldt"
        )


async def raadpleeg(ctx: RequestContext, boete_id: uuid.UUID) -> Boete:
    boete = await _get(ctx, boete_id)
    await verwerk(ctx, activiteiten.HANDHAVING_RAADPLEGEN, Actie.LEZEN, "boete", boete.id, boete.inburgeraar_id)
    return boete


async def lijst(
    ctx: RequestContext,
    paging: PageParams,
    *,
    inburgeraar_id: uuid.UUID | None,
    status: str | None,
    rechtsmiddelstatus: str | None = None,
    klantregisseur: str | None = None,
) -> tuple[Sequence[Boete], int]:
    rows, total = await BoeteRepository(ctx.session, ctx.gemeente).list(
        paging,
        inburgeraar_id=inburgeraar_id,
        status=status,
        rechtsmiddelstatus=rechtsmiddelstatus,
        klantregisseur=klantregisseur,
    )
    await ctx.verwerk_alle(
        activiteiten.HANDHAVING_RAADPLEGEN, Actie.ZOEKEN, object_type="boete", subjects=[(r.id, None) for r in rows]
    )
    return rows, total


async def _vervang(
    ctx: RequestContext, oud: Boete, *, bedrag: int, datum: date, verzenddatum: date, grond: str, reden: str | None
) -> Boete:
    """A new besluit in place of `oud` (which stays, `vervangen`), its amount checked under the person's lock."""
    repo = BoeteRepository(ctx.session, ctx.gemeente)
    await repo.lock_person(oud.inburgeraar_id)
    oud.status = Boetestatus.VERVANGEN.value
    await ctx.session.flush()
    _, opgelegd_pip = await repo.standing_total(oud.inburgeraar_id, Categorie.PIP.value)
    bedragen.controleer_plafond(Categorie(oud.categorie), bedrag, opgelegd_pip)
    nieuw = Boete(
        id=uuid.uuid4(),
        gemeente_code=oud.gemeente_code,
        overtreding_id=oud.overtreding_id,
        inburgeraar_id=oud.inburgeraar_id,
        categorie=oud.categorie,
        bedrag=bedrag,
        voorgesteld_bedrag=oud.voorgesteld_bedrag,
        berekening=list(oud.berekening),
        maatwerk_reden=reden,
        besluit_datum=datum,
        verzend_datum=verzenddatum,
        nieuwe_verschijndatum=oud.nieuwe_verschijndatum,
        status=Boetestatus.OPGELEGD.value,
        vervangt_id=oud.id,
        grond=grond,
        rechtsmiddelstatus=oud.rechtsmiddelstatus,
        betaald_bedrag=min(oud.betaald_bedrag, bedrag),
        genomen_door=ctx.principal.user or ctx.principal.client_id,
    )
    await repo.add(nieuw)
    overtreding = await OvertredingRepository(ctx.session, ctx.gemeente).get(oud.overtreding_id)
    soort = overtreding.soort if overtreding else ""
    await ctx.emit(boete_opgelegd(nieuw, soort), subject=nieuw.id, resource_path=pad(nieuw.id))
    return nieuw


async def corrigeer(
    ctx: RequestContext, boete_id: uuid.UUID, *, bedrag: int, datum: date, verzenddatum: date, reden: str
) -> Boete:
    """A correction is a new besluit referring to the old (Awb art. 6:18-6:19); never above the computed amount."""
    niet_in_de_toekomst(datum, "datum")
    oud = await _get(ctx, boete_id, for_update=True)
    _vereis_staand(oud)
    bedrag = bedragen.stel_bedrag_vast(oud.voorgesteld_bedrag, bedrag, reden)
    nieuw = await _vervang(
        ctx, oud, bedrag=bedrag, datum=datum, verzenddatum=verzenddatum, grond="correctie", reden=reden
    )
    await verwerk(ctx, activiteiten.HANDHAVEN, Actie.WIJZIGEN, "boete", oud.id, oud.inburgeraar_id)
    return nieuw


def _bekendmaking_beroep(zaken: Sequence[Rechtsmiddelzaak], boete: Boete) -> date | None:
    """The date the beslissing op bezwaar was made known, if there is one to appeal (Awb art. 7:1)."""
    beslist = [z for z in zaken if z.soort == Rechtsmiddel.BEZWAAR.value and z.beslist_datum is not None]
    if beslist:
        return max(z.beslist_datum for z in beslist if z.beslist_datum is not None)
    if boete.grond == Rechtsmiddel.BEZWAAR.value:
        return boete.verzend_datum
    return None


async def dien_in(
    ctx: RequestContext,
    boete_id: uuid.UUID,
    soort: Rechtsmiddel,
    *,
    ingediend: date,
    reden_te_laat: str | None,
) -> Rechtsmiddelzaak:
    niet_in_de_toekomst(ingediend, "ingediendDatum")
    boete = await _get(ctx, boete_id, for_update=True)
    _vereis_staand(boete)
    repo = BoeteRepository(ctx.session, ctx.gemeente)
    zaken = list(await repo.zaken(boete.id))
    if any(z.beslissing is None for z in zaken):
        raise ZaakAanhangig(f"Boete {boete.id} heeft een bezwaar of beroep zonder beslissing")
    if soort is Rechtsmiddel.BEZWAAR:
        if any(z.soort == soort.value for z in zaken) or boete.grond in {"bezwaar", "beroep"}:
            raise Weigering(BEROEP_NA_BEZWAAR, "Op het bezwaar tegen dit besluit is al beslist; daarna volgt beroep")
        bekendmaking = boete.verzend_datum
    else:
        gevonden = _bekendmaking_beroep(zaken, boete)
        if gevonden is None or any(z.soort == soort.value for z in zaken) or boete.grond == "beroep":
            raise Weigering(
                BEROEP_NA_BEZWAAR, "Beroep kan alleen tegen een (nog niet aangevochten) beslissing op bezwaar"
            )
        bekendmaking = gevonden
    tijdig = rechtsmiddelen.vereis_ontvankelijk(bekendmaking, ingediend, reden_te_laat)
    zaak = Rechtsmiddelzaak(
        id=uuid.uuid4(),
        boete_id=boete.id,
        soort=soort.value,
        ingediend_datum=ingediend,
        tijdig=tijdig,
        reden_te_laat=None if tijdig else reden_te_laat,
    )
    await repo.add_zaak(zaak)
    status = (
        Rechtsmiddelstatus.BEZWAAR_AANHANGIG if soort is Rechtsmiddel.BEZWAAR else Rechtsmiddelstatus.BEROEP_AANHANGIG
    )
    boete.rechtsmiddelstatus = status.value
    await _meld(ctx, boete, zaak, ingediend)
    await verwerk(ctx, activiteiten.RECHTSMIDDELEN, Actie.AANMAKEN, "boete", boete.id, boete.inburgeraar_id)
    return zaak


async def beslis(
    ctx: RequestContext,
    boete_id: uuid.UUID,
    zaak_id: uuid.UUID,
    soort: Rechtsmiddel,
    *,
    beslissing: Beslissing,
    datum: date,
    nieuw_bedrag: int | None,
    toelichting: str | None,
) -> Rechtsmiddelzaak:
    niet_in_de_toekomst(datum, "datum")
    boete = await _get(ctx, boete_id, for_update=True)
    repo = BoeteRepository(ctx.session, ctx.gemeente)
    zaak = await repo.zaak(boete.id, zaak_id, soort.value)
    if zaak is None:
        raise NotFound(f"Boete {boete_id} heeft geen {soort.value} {zaak_id}.")
    if zaak.beslissing is not None:
        raise ZaakAlBeslist(f"Beslist op {zaak.beslist_datum}: {zaak.beslissing}")
    uitkomst = rechtsmiddelen.uitkomst(beslissing, boete.bedrag, nieuw_bedrag)
    zaak.beslissing = beslissing.value
    zaak.beslist_datum = datum
    zaak.nieuw_bedrag = uitkomst.nieuw_bedrag
    zaak.toelichting = toelichting
    beslist = Rechtsmiddelstatus.BEZWAAR_BESLIST if soort is Rechtsmiddel.BEZWAAR else Rechtsmiddelstatus.BEROEP_BESLIST
    boete.rechtsmiddelstatus = beslist.value
    if uitkomst.status is Boetestatus.VERNIETIGD:
        # An annulled boete no longer counts toward the cap: only `opgelegd` is summed.
        boete.status = Boetestatus.VERNIETIGD.value
    elif uitkomst.nieuw_bedrag is not None:
        nieuw = await _vervang(
            ctx,
            boete,
            bedrag=uitkomst.nieuw_bedrag,
            datum=datum,
            verzenddatum=datum,
            grond=soort.value,
            reden=toelichting,
        )
        zaak.nieuwe_boete_id = nieuw.id
    await ctx.session.flush()
    await _meld(ctx, boete, zaak, datum)
    await verwerk(ctx, activiteiten.RECHTSMIDDELEN, Actie.WIJZIGEN, "boete", boete.id, boete.inburgeraar_id)
    return zaak


async def _meld(ctx: RequestContext, boete: Boete, zaak: Rechtsmiddelzaak, datum: date) -> None:
    await ctx.emit(
        BoeteGewijzigd(
            boete_id=boete.id,
            inburgeraar_id=boete.inburgeraar_id,
            rechtsmiddel=zaak.soort,
            rechtsmiddelstatus=boete.rechtsmiddelstatus,
            beslissing=zaak.beslissing,
            status=boete.status,
            bedrag=boete.bedrag,
            nieuwe_boete_id=zaak.nieuwe_boete_id,
            nieuw_bedrag=zaak.nieuw_bedrag,
            datum=datum,
        ),
        subject=boete.id,
        resource_path=pad(boete.id),
    )


async def zaken(ctx: RequestContext, boete_id: uuid.UUID, soort: Rechtsmiddel) -> Sequence[Rechtsmiddelzaak]:
    boete = await raadpleeg(ctx, boete_id)
    return await BoeteRepository(ctx.session, ctx.gemeente).zaken(boete.id, soort.value)


async def registreer_betaling(ctx: RequestContext, boete_id: uuid.UUID, *, bedrag: int) -> Boete:
    """A payment as registered (the collection itself is outside this context)."""
    boete = await _get(ctx, boete_id, for_update=True)
    _vereis_staand(boete)
    if boete.betaald_bedrag + bedrag > boete.bedrag:
        raise BetalingTeHoog(f"Al betaald € {boete.betaald_bedrag} van € {boete.bedrag}; € {bedrag} is te veel")
    boete.betaald_bedrag += bedrag
    await ctx.session.flush()
    await verwerk(ctx, activiteiten.HANDHAVEN, Actie.WIJZIGEN, "boete", boete.id, boete.inburgeraar_id)
    return boete


@dataclass(frozen=True, slots=True)
class Overzicht:
    inburgeraar_id: uuid.UUID
    boetes: Sequence[Boete]
    duo_boetes: Sequence[DuoBoete]
    opgelegd_brede_intake: int
    opgelegd_pip: int
    betaald: int
    openstaand: int
    ruimte_pip: int
    duo_totaal: int


async def overzicht(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Overzicht:
    """Every boete of the person with its state, the totals of those that stand, the room under the cap, and DUO's
    boetes beside them (seed 001 hoofdstuk 5: the person must not be driven into debt)."""
    boetes = await BoeteRepository(ctx.session, ctx.gemeente).of_person(inburgeraar_id)
    duo = await DuoBoeteRepository(ctx.session, ctx.gemeente).of_person(inburgeraar_id)
    staand = [b for b in boetes if b.status == Boetestatus.OPGELEGD.value]
    pip = sum(b.bedrag for b in staand if b.categorie == Categorie.PIP.value)
    betaald = sum(b.betaald_bedrag for b in staand)
    await verwerk(ctx, activiteiten.HANDHAVING_RAADPLEGEN, Actie.LEZEN, "inburgeraar", inburgeraar_id, inburgeraar_id)
    return Overzicht(
        inburgeraar_id=inburgeraar_id,
        boetes=boetes,
        duo_boetes=duo,
        opgelegd_brede_intake=sum(b.bedrag for b in staand if b.categorie == Categorie.BREDE_INTAKE.value),
        opgelegd_pip=pip,
        betaald=betaald,
        openstaand=sum(b.bedrag for b in staand) - betaald,
        ruimte_pip=bedragen.resterende_ruimte(pip),
        duo_totaal=sum(d.bedrag for d in duo),
    )


async def brief(ctx: RequestContext, boete_id: uuid.UUID) -> tuple[Boete, Overtreding]:
    """The boetebesluit and the overtreding it is about, for its letter."""
    boete = await raadpleeg(ctx, boete_id)
    overtreding = await OvertredingRepository(ctx.session, ctx.gemeente).get(boete.overtreding_id)
    if overtreding is None:  # pragma: no cover - a foreign key holds it
        raise NotFound(f"Boete {boete_id} bestaat niet.")
    return boete, overtreding
