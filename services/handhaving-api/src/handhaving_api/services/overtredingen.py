"""Overtredingen and the Awb procedure on them: register a candidate, then afwijzen, waarschuwen, voornemen,
zienswijze, and the besluit (beboeten or afzien). Every step is checked by `domain.procedure`, dated, and stored with
its actor and reason; every refusal names its rule."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from handhaving_api import activiteiten
from handhaving_api.domain import bedragen, procedure, toelaatbaarheid
from handhaving_api.domain.bedragen import Ladder
from handhaving_api.domain.enums import Boetestatus, Categorie, Handeling, Overtredingsoort, Procedurestatus
from handhaving_api.domain.regels import NIEUWE_TERMIJN, Weigering
from handhaving_api.events import BoeteOpgelegd, BoeteVoorgenomen, OvertredingAfgewezen, WaarschuwingGegeven
from handhaving_api.models import Boete, Overtreding, Procedurestap
from handhaving_api.repository import (
    BoeteRepository,
    MaatregelRepository,
    Overtredingfilter,
    OvertredingRepository,
    VerordeningRepository,
)
from handhaving_api.services.gemeenschappelijk import niet_in_de_toekomst, persoonsfeiten, verwerk
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, NotFound, Unprocessable, invalid


class GedragingOngeldig(Unprocessable):
    code = "gedraging-ongeldig"
    title = "De periode van de gedraging is niet geldig."


def pad(overtreding_id: uuid.UUID) -> str:
    return f"/overtredingen/{overtreding_id}"


@dataclass(frozen=True, slots=True)
class NieuweOvertreding:
    inburgeraar_id: uuid.UUID
    soort: Overtredingsoort
    gedraging_van: date
    gedraging_tot: date
    omschrijving: str | None
    pip_id: uuid.UUID | None = None
    klantregisseur: str | None = None


async def registreer(ctx: RequestContext, nieuw: NieuweOvertreding) -> Overtreding:
    """A candidate registered by hand, with its description and the date of the gedraging."""
    if nieuw.gedraging_tot < nieuw.gedraging_van:
        raise GedragingOngeldig(
            "gedragingTot ligt vóór gedragingVan", invalid_params=[invalid("gedragingTot", "vóór gedragingVan")]
        )
    niet_in_de_toekomst(nieuw.gedraging_van, "gedragingVan")
    feiten = await persoonsfeiten(ctx, nieuw.inburgeraar_id)
    # Only what the law lets the gemeente enforce for this doelgroep is offered as a candidate.
    toelaatbaarheid.vereis_handhaafbaar(nieuw.soort, feiten.doelgroep)
    overtreding = Overtreding(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        inburgeraar_id=nieuw.inburgeraar_id,
        soort=nieuw.soort.value,
        categorie=nieuw.soort.categorie.value,
        status=Procedurestatus.KANDIDAAT.value,
        gedraging_van=nieuw.gedraging_van,
        gedraging_tot=nieuw.gedraging_tot,
        omschrijving=nieuw.omschrijving,
        bron="handmatig",
        bron_id=None,
        bewijs={},
        pip_id=nieuw.pip_id,
        klantregisseur=nieuw.klantregisseur or ctx.principal.user,
        berekening=[],
    )
    await OvertredingRepository(ctx.session, ctx.gemeente).add(overtreding)
    await verwerk(
        ctx,
        activiteiten.OVERTREDING_REGISTREREN,
        Actie.AANMAKEN,
        "overtreding",
        overtreding.id,
        overtreding.inburgeraar_id,
    )
    return overtreding


async def _get(ctx: RequestContext, overtreding_id: uuid.UUID, *, for_update: bool = False) -> Overtreding:
    overtreding = await OvertredingRepository(ctx.session, ctx.gemeente).get(overtreding_id, for_update=for_update)
    if overtreding is None:
        raise NotFound(f"Overtreding {overtreding_id} bestaat niet.")
    return overtreding


async def raadpleeg(ctx: RequestContext, overtreding_id: uuid.UUID) -> Overtreding:
    overtreding = await _get(ctx, overtreding_id)
    await verwerk(
        ctx, activiteiten.HANDHAVING_RAADPLEGEN, Actie.LEZEN, "overtreding", overtreding.id, overtreding.inburgeraar_id
    )
    return overtreding


async def lijst(
    ctx: RequestContext, paging: PageParams, filter_: Overtredingfilter
) -> tuple[Sequence[Overtreding], int]:
    rows, total = await OvertredingRepository(ctx.session, ctx.gemeente).list(paging, filter_)
    await ctx.verwerk_alle(
        activiteiten.HANDHAVING_RAADPLEGEN,
        Actie.ZOEKEN,
        object_type="overtreding",
        subjects=[(row.id, None) for row in rows],
    )
    return rows, total


async def stappen(ctx: RequestContext, overtreding_id: uuid.UUID) -> Sequence[Procedurestap]:
    overtreding = await raadpleeg(ctx, overtreding_id)
    return await OvertredingRepository(ctx.session, ctx.gemeente).stappen(overtreding.id)


async def _stap(
    ctx: RequestContext, overtreding: Overtreding, handeling: Handeling, datum: date, reden: str | None
) -> Procedurestatus:
    """Check and take one step: the new status, and the step on record with its actor."""
    niet_in_de_toekomst(datum, "datum")
    repo = OvertredingRepository(ctx.session, ctx.gemeente)
    eerder = handeling is Handeling.VOORNEMEN and await repo.eerder_gewaarschuwd(
        overtreding.inburgeraar_id, overtreding.categorie, overtreding.id
    )
    status = procedure.volgende(Procedurestatus(overtreding.status), handeling, eerder_gewaarschuwd=eerder)
    overtreding.status = status.value
    await repo.add_stap(
        Procedurestap(
            id=uuid.uuid4(),
            overtreding_id=overtreding.id,
            handeling=handeling.value,
            status=status.value,
            datum=datum,
            door=ctx.principal.user,
            door_client=ctx.principal.client_id,
            reden=reden,
        )
    )
    await verwerk(
        ctx, activiteiten.HANDHAVEN, Actie.WIJZIGEN, "overtreding", overtreding.id, overtreding.inburgeraar_id
    )
    return status


async def wijs_af(ctx: RequestContext, overtreding_id: uuid.UUID, *, datum: date, reden: str) -> Overtreding:
    overtreding = await _get(ctx, overtreding_id, for_update=True)
    await _stap(ctx, overtreding, Handeling.AFWIJZEN, datum, reden)
    overtreding.besluit_datum = datum
    await ctx.emit(
        OvertredingAfgewezen(
            overtreding_id=overtreding.id,
            inburgeraar_id=overtreding.inburgeraar_id,
            soort=overtreding.soort,
            datum=datum,
        ),
        subject=overtreding.id,
        resource_path=pad(overtreding.id),
    )
    return overtreding


async def waarschuw(ctx: RequestContext, overtreding_id: uuid.UUID, *, datum: date, reden: str | None) -> Overtreding:
    overtreding = await _get(ctx, overtreding_id, for_update=True)
    await _stap(ctx, overtreding, Handeling.WAARSCHUWEN, datum, reden)
    await ctx.emit(
        WaarschuwingGegeven(
            overtreding_id=overtreding.id,
            inburgeraar_id=overtreding.inburgeraar_id,
            soort=overtreding.soort,
            datum=datum,
        ),
        subject=overtreding.id,
        resource_path=pad(overtreding.id),
    )
    return overtreding


async def _vereis_toelaatbaar(ctx: RequestContext, overtreding: Overtreding, op: date) -> None:
    """The refusals of what the law forbids, checked at the voornemen and again at the besluit."""
    soort = Overtredingsoort(overtreding.soort)
    feiten = await persoonsfeiten(ctx, overtreding.inburgeraar_id)
    toelaatbaarheid.vereis_handhaafbaar(soort, feiten.doelgroep)
    toelaatbaarheid.vereis_pip_boete_mogelijk(soort, feiten, overtreding.gedraging_van, op)
    maatregelen = await MaatregelRepository(ctx.session, ctx.gemeente).of_person(overtreding.inburgeraar_id)
    toelaatbaarheid.vereis_geen_participatiewet_maatregel(
        [toelaatbaarheid.Maatregelperiode(m.id, m.periode_van, m.periode_tot, m.overtreding_id) for m in maatregelen],
        overtreding.id,
        overtreding.gedraging_van,
        overtreding.gedraging_tot,
    )


async def ladder(ctx: RequestContext, op: date) -> tuple[Ladder, bool]:
    """The verordening in force on `op`, and whether it is the default (the gemeente has none in force)."""
    versies = [
        Ladder(v.ingangsdatum, tuple(v.brede_intake), tuple(v.pip))
        for v in await VerordeningRepository(ctx.session, ctx.gemeente).all()
    ]
    gekozen = bedragen.geldende_ladder(versies, op)
    return gekozen, gekozen is bedragen.STANDAARD_LADDER


async def neem_voor(
    ctx: RequestContext, overtreding_id: uuid.UUID, *, datum: date, termijn_dagen: int, reden: str | None
) -> Overtreding:
    """The voornemen: the proposed amount computed and explained, and the zienswijzetermijn set."""
    overtreding = await _get(ctx, overtreding_id, for_update=True)
    await _stap(ctx, overtreding, Handeling.VOORNEMEN, datum, reden)
    await _vereis_toelaatbaar(ctx, overtreding, datum)
    categorie = Categorie(overtreding.categorie)
    gekozen, standaard = await ladder(ctx, overtreding.gedraging_van)
    aantal, _ = await BoeteRepository(ctx.session, ctx.gemeente).standing_total(
        overtreding.inburgeraar_id, categorie.value
    )
    _, opgelegd_pip = await BoeteRepository(ctx.session, ctx.gemeente).standing_total(
        overtreding.inburgeraar_id, Categorie.PIP.value
    )
    voorstel = bedragen.stel_voor(
        categorie, gekozen, eerdere_boetes=aantal, opgelegd_pip=opgelegd_pip, standaard=standaard
    )
    overtreding.voornemen_datum = datum
    overtreding.zienswijze_uiterste_datum = procedure.zienswijze_uiterste_datum(datum, termijn_dagen)
    overtreding.voorgesteld_bedrag = voorstel.bedrag
    overtreding.berekening = list(voorstel.berekening)
    await ctx.emit(
        BoeteVoorgenomen(
            overtreding_id=overtreding.id,
            inburgeraar_id=overtreding.inburgeraar_id,
            soort=overtreding.soort,
            voornemen_datum=datum,
            zienswijze_uiterste_datum=overtreding.zienswijze_uiterste_datum,
            voorgesteld_bedrag=voorstel.bedrag,
        ),
        subject=overtreding.id,
        resource_path=pad(overtreding.id),
    )
    return overtreding


async def ontvang_zienswijze(
    ctx: RequestContext, overtreding_id: uuid.UUID, *, datum: date, samenvatting: str | None
) -> Overtreding:
    overtreding = await _get(ctx, overtreding_id, for_update=True)
    await _stap(ctx, overtreding, Handeling.ZIENSWIJZE, datum, samenvatting)
    overtreding.zienswijze_datum = datum
    uiterste = overtreding.zienswijze_uiterste_datum
    overtreding.zienswijze_tijdig = uiterste is None or not procedure.termijn_verstreken(uiterste, datum)
    return overtreding


async def zie_af(ctx: RequestContext, overtreding_id: uuid.UUID, *, datum: date, reden: str) -> Overtreding:
    """No boete after the voornemen, with the reason (the procedure ends here)."""
    overtreding = await _get(ctx, overtreding_id, for_update=True)
    await _stap(ctx, overtreding, Handeling.AFZIEN, datum, reden)
    overtreding.besluit_datum = datum
    return overtreding


@dataclass(frozen=True, slots=True)
class Besluit:
    datum: date
    verzenddatum: date
    bedrag: int | None
    maatwerk_reden: str | None
    nieuwe_verschijndatum: date | None
    reden: str | None


async def beboet(ctx: RequestContext, overtreding_id: uuid.UUID, besluit: Besluit) -> Boete:
    """The boetebesluit, under the person's lock: the cap is checked against every boete that stands at this moment,
    so two besluiten taken at once for one person never exceed it together."""
    overtreding = await _get(ctx, overtreding_id, for_update=True)
    procedure.vereis_besluitrijp(
        Procedurestatus(overtreding.status), overtreding.zienswijze_uiterste_datum, besluit.datum
    )
    await _stap(ctx, overtreding, Handeling.BEBOETEN, besluit.datum, besluit.reden)
    await _vereis_toelaatbaar(ctx, overtreding, besluit.datum)
    categorie = Categorie(overtreding.categorie)
    if categorie is Categorie.BREDE_INTAKE and (
        besluit.nieuwe_verschijndatum is None or besluit.nieuwe_verschijndatum <= besluit.datum
    ):
        raise Weigering(
            NIEUWE_TERMIJN,
            "Noem in het besluit een nieuwe datum om te verschijnen, na de datum van het besluit",
            invalid_params=[invalid("nieuweVerschijndatum", "ontbreekt of ligt niet na het besluit")],
        )
    assert overtreding.voorgesteld_bedrag is not None
    bedrag = bedragen.stel_bedrag_vast(overtreding.voorgesteld_bedrag, besluit.bedrag, besluit.maatwerk_reden)
    repo = BoeteRepository(ctx.session, ctx.gemeente)
    await repo.lock_person(overtreding.inburgeraar_id)
    _, opgelegd_pip = await repo.standing_total(overtreding.inburgeraar_id, Categorie.PIP.value)
    bedragen.controleer_plafond(categorie, bedrag, opgelegd_pip)
    boete = Boete(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        overtreding_id=overtreding.id,
        inburgeraar_id=overtreding.inburgeraar_id,
        categorie=categorie.value,
        bedrag=bedrag,
        voorgesteld_bedrag=overtreding.voorgesteld_bedrag,
        berekening=list(overtreding.berekening),
        maatwerk_reden=besluit.maatwerk_reden if bedrag != overtreding.voorgesteld_bedrag else None,
        besluit_datum=besluit.datum,
        verzend_datum=besluit.verzenddatum,
        nieuwe_verschijndatum=besluit.nieuwe_verschijndatum,
        status=Boetestatus.OPGELEGD.value,
        vervangt_id=None,
        grond=None,
        rechtsmiddelstatus="geen",
        betaald_bedrag=0,
        genomen_door=ctx.principal.user or ctx.principal.client_id,
    )
    await repo.add(boete)
    overtreding.besluit_datum = besluit.datum
    await ctx.emit(boete_opgelegd(boete, overtreding.soort), subject=boete.id, resource_path=f"/boetes/{boete.id}")
    return boete


def boete_opgelegd(boete: Boete, soort: str) -> BoeteOpgelegd:
    return BoeteOpgelegd(
        boete_id=boete.id,
        overtreding_id=boete.overtreding_id,
        inburgeraar_id=boete.inburgeraar_id,
        categorie=boete.categorie,
        soort=soort,
        bedrag=boete.bedrag,
        besluit_datum=boete.besluit_datum,
        verzend_datum=boete.verzend_datum,
        nieuwe_verschijndatum=boete.nieuwe_verschijndatum,
        vervangt_id=boete.vervangt_id,
    )


class GeenBrief(Conflict):
    code = "brief-bestaat-niet"
    title = "Deze stap is (nog) niet gezet; er is geen brief over."


async def brief(
    ctx: RequestContext, overtreding_id: uuid.UUID, handeling: Handeling
) -> tuple[Overtreding, Procedurestap]:
    """The overtreding and the step (waarschuwing or voornemen) whose letter is asked for."""
    overtreding = await raadpleeg(ctx, overtreding_id)
    for stap in await OvertredingRepository(ctx.session, ctx.gemeente).stappen(overtreding.id):
        if stap.handeling == handeling.value:
            return overtreding, stap
    raise GeenBrief(f"Over deze overtreding is geen {handeling.value}-stap gezet (status {overtreding.status})")
