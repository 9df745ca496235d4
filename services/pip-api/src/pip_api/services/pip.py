"""Use cases of the PIP lifecycle: opstellen (concept), wijzigen concept, vaststellen, wijzigen, beëindigen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from inburgering_kit.audit import Actie, Verwerkingsactiviteit
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, NotFound, Unprocessable, invalid
from pip_api import activiteiten
from pip_api.domain.enums import Doelgroep
from pip_api.domain.leerroutes import controleer_routewissel, routeverplichting
from pip_api.domain.pip import (
    Beeindigingsreden,
    GeenWijziging,
    PipInhoud,
    PipStatus,
    controleer_beschikkingsdatums,
    controleer_inhoud,
    gewijzigde_velden,
    vereis_status,
)
from pip_api.domain.termijnen import Bronfeiten, Termijn, bereken_termijnen, termijnstart
from pip_api.domain.voortgang import (
    Uren,
    UrenOverride,
    afschalen_uren,
    controleer_z_route_gerealiseerd,
    gemelde_taaluren,
)
from pip_api.events import (
    LeerrouteGewijzigd,
    PipBeeindigd,
    PipConceptGewijzigd,
    PipGewijzigd,
    PipOpgesteld,
    PipVastgesteld,
)
from pip_api.models import (
    Aanbiederresultaat,
    Aanwezigheidsperiode,
    InburgeraarFeit,
    OpdrachtVoortgang,
    Pip,
    PipVersie,
    Routeadvies,
)
from pip_api.repository import PipRepository
from pip_api.repository.aanbiedervoortgang import AanbiedervoortgangRepository


class ErIsAlEenPip(Conflict):
    code = "pip-bestaat-al"
    title = "Deze inburgeraar heeft al een PIP."


class InburgeraarOnbekend(Unprocessable):
    code = "inburgeraar-onbekend"
    title = "De inburgeraar is bij deze gemeente niet bekend."


@dataclass(frozen=True)
class PipMetTermijnen:
    pip: Pip
    doelgroep: Doelgroep
    termijnen: tuple[Termijn, ...]


def pad(pip_id: uuid.UUID) -> str:
    return f"/pips/{pip_id}"


def bronfeiten(feit: InburgeraarFeit, pip: Pip, inhoud: PipInhoud | None = None) -> Bronfeiten:
    """The facts the termijnen engine needs: the projection plus the PIP's own dagtekening and ontzorgen start
    (from `inhoud` when the caller has the PIP's agreements validated already)."""
    inhoud = inhoud or PipInhoud.model_validate(pip.inhoud)
    return Bronfeiten(
        doelgroep=Doelgroep(feit.doelgroep),
        brp_inschrijvingsdatum=feit.brp_inschrijving_datum,
        pip_datum=pip.vastgesteld_datum,
        duo_termijn_einddatum=feit.duo_termijn_eind_datum,
        duo_pvt_einddatum=feit.duo_pvt_eind_datum,
        duo_map_einddatum=feit.duo_map_eind_datum,
        ontzorgen_startdatum=inhoud.ontzorgen_startdatum,
        eerste_pip_datum=pip.eerste_pip_datum,
    )


def _onbekend(inburgeraar_id: uuid.UUID, veld: str = "inburgeraarId") -> InburgeraarOnbekend:
    return InburgeraarOnbekend(
        f"Inburgeraar {inburgeraar_id} is (nog) niet geregistreerd bij deze gemeente; een PIP hoort bij een "
        "geregistreerde inburgeraar (Wet inburgering art. 15)",
        invalid_params=[invalid(veld, "onbekende inburgeraar", "onbekend")],
    )


async def _feit(repo: PipRepository, inburgeraar_id: uuid.UUID, veld: str = "inburgeraarId") -> InburgeraarFeit:
    feit = await repo.inburgeraar(inburgeraar_id)
    if feit is None:
        raise _onbekend(inburgeraar_id, veld)
    return feit


async def _pip(repo: PipRepository, pip_id: uuid.UUID, *, for_update: bool = False) -> Pip:
    pip = await repo.get(pip_id, for_update=for_update)
    if pip is None:
        raise NotFound(f"PIP {pip_id} bestaat niet.")
    return pip


async def _pip_met_feit(
    repo: PipRepository, pip_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Pip, InburgeraarFeit]:
    gevonden = await repo.met_feit(pip_id, for_update=for_update)
    if gevonden is None:
        raise NotFound(f"PIP {pip_id} bestaat niet.")
    pip, feit = gevonden
    if feit is None:
        raise _onbekend(pip.inburgeraar_id)
    return pip, feit


async def _met_termijnen(repo: PipRepository, pip: Pip) -> PipMetTermijnen:
    feit = await _feit(repo, pip.inburgeraar_id)
    feiten = bronfeiten(feit, pip)
    return PipMetTermijnen(pip, feiten.doelgroep, bereken_termijnen(feiten))


async def _verwerk(ctx: RequestContext, pip: Pip, activiteit: Verwerkingsactiviteit, actie: Actie) -> None:
    # The BSN never reaches this context: the person is the pseudonym of the inburgeraar id every service records.
    betrokkene = ctx.log.betrokkene_van(pip.inburgeraar_id)
    await ctx.verwerk(activiteit, actie, object_type="pip", object_id=pip.id, betrokkene=betrokkene)


async def gerealiseerde_uren(ctx: RequestContext, pip_id: uuid.UUID | None) -> list[Uren]:
    """The hours the providers reported under this PIP, per opdracht (the projection of aanbieder-api's events)."""
    if pip_id is None:
        return []
    opdrachten = await AanbiedervoortgangRepository(ctx.session).van_pip(pip_id, ctx.gemeente)
    # A withdrawn opdracht's hours were still followed: they count.
    return [
        Uren(o.onderdeel, Decimal(str(o.uren_aanwezig)), Decimal(str(o.uren_taal)), Decimal(str(o.uren_participatie)))
        for o in opdrachten
    ]


async def _met_afschalingsuren(
    ctx: RequestContext,
    pip_id: uuid.UUID | None,
    vorige: PipInhoud | None,
    inhoud: PipInhoud,
    override: UrenOverride | None,
) -> PipInhoud:
    """The agreements with the hours a new afschaling rests on filled in: the hours the providers reported, or the
    gemeente's documented override (`domain.voortgang.afschalen_uren`, which refuses fewer than the minimum). An
    afschaling decided before keeps the hours it was decided on."""
    afschaling = inhoud.afschaling
    if afschaling is None:
        return inhoud
    eerder = vorige.afschaling if vorige is not None else None
    if afschaling.zelfde_besluit(eerder):
        assert eerder is not None
        uren = {k: getattr(eerder, k) for k in ("gerealiseerde_taaluren", "uren_bron", "uren_reden")}
    else:
        besluit = afschalen_uren(gemelde_taaluren(await gerealiseerde_uren(ctx, pip_id)), override)
        uren = {"gerealiseerde_taaluren": besluit.uren, "uren_bron": besluit.bron, "uren_reden": besluit.reden}
    return inhoud.model_copy(update={"afschaling": afschaling.model_copy(update=uren)})


async def stel_op(ctx: RequestContext, inburgeraar_id: uuid.UUID, inhoud: PipInhoud) -> PipMetTermijnen:
    repo = PipRepository(ctx.session, ctx.gemeente)
    feit = await _feit(repo, inburgeraar_id)
    inhoud = await _met_afschalingsuren(ctx, None, None, inhoud, None)
    controleer_inhoud(Doelgroep(feit.doelgroep), inhoud)
    pip = Pip(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        inburgeraar_id=inburgeraar_id,
        status=PipStatus.CONCEPT.value,
        versie=0,
        inhoud=inhoud.model_dump(mode="json"),
    )
    if not await repo.add_pip(pip):
        bestaand = await repo.actieve_pip(inburgeraar_id)
        raise ErIsAlEenPip(
            "Een inburgeraar heeft één PIP; wijzig het bestaande (een nieuwe versie) of beëindig het eerst",
            extra={"bestaandeResource": f"{ctx.api_prefix}{pad(bestaand.id)}"} if bestaand else None,
        )
    await ctx.emit(
        PipOpgesteld(
            pip_id=pip.id,
            inburgeraar_id=inburgeraar_id,
            leerroute=inhoud.leerroute.value,
            taalniveau=inhoud.taalniveau.value,
        ),
        subject=pip.id,
        resource_path=pad(pip.id),
    )
    await _verwerk(ctx, pip, activiteiten.PIP_OPSTELLEN, Actie.AANMAKEN)
    return PipMetTermijnen(pip, Doelgroep(feit.doelgroep), bereken_termijnen(bronfeiten(feit, pip, inhoud)))


async def raadpleeg(ctx: RequestContext, pip_id: uuid.UUID) -> PipMetTermijnen:
    repo = PipRepository(ctx.session, ctx.gemeente)
    pip, feit = await _pip_met_feit(repo, pip_id)
    await _verwerk(ctx, pip, activiteiten.PIP_RAADPLEGEN, Actie.LEZEN)
    return PipMetTermijnen(pip, Doelgroep(feit.doelgroep), bereken_termijnen(bronfeiten(feit, pip)))


async def lijst(
    ctx: RequestContext, paging: PageParams, *, inburgeraar_ids: Sequence[uuid.UUID] | None, status: str | None
) -> tuple[list[PipMetTermijnen], int]:
    repo = PipRepository(ctx.session, ctx.gemeente)
    rows, total = await repo.list(paging, inburgeraar_ids=inburgeraar_ids, status=status)
    await ctx.verwerk_alle(
        activiteiten.PIP_RAADPLEGEN, Actie.ZOEKEN, object_type="pip", subjects=[(row.id, None) for row in rows]
    )
    # The facts of every person on the page in one query: a caseload page lists twenty PIPs at once.
    feiten = await repo.inburgeraars({row.inburgeraar_id for row in rows})
    uit = []
    for row in rows:
        feit = feiten.get(row.inburgeraar_id)
        if feit is None:
            raise _onbekend(row.inburgeraar_id, "inburgeraarId")
        bron = bronfeiten(feit, row)
        uit.append(PipMetTermijnen(row, bron.doelgroep, bereken_termijnen(bron)))
    return uit, total


async def wijzig_concept(ctx: RequestContext, pip_id: uuid.UUID, wijzigingen: dict[str, Any]) -> PipMetTermijnen:
    repo = PipRepository(ctx.session, ctx.gemeente)
    pip = await _pip(repo, pip_id, for_update=True)
    # A vastgesteld version is a beschikking: it changes only through `_wijzigen`, as a new version.
    vereis_status(PipStatus(pip.status), PipStatus.CONCEPT, handeling="Het concept bewerken")
    feit = await _feit(repo, pip.inburgeraar_id)
    oud = PipInhoud.model_validate(pip.inhoud)
    inhoud = await _met_afschalingsuren(ctx, pip.id, oud, oud.wijzig(wijzigingen), None)
    controleer_inhoud(Doelgroep(feit.doelgroep), inhoud)
    pip.inhoud = inhoud.model_dump(mode="json")
    await ctx.session.flush()
    if velden := gewijzigde_velden(oud, inhoud):
        await ctx.emit(
            PipConceptGewijzigd(pip_id=pip.id, inburgeraar_id=pip.inburgeraar_id, gewijzigde_velden=velden),
            subject=pip.id,
            resource_path=pad(pip.id),
        )
    await _verwerk(ctx, pip, activiteiten.PIP_OPSTELLEN, Actie.WIJZIGEN)
    return PipMetTermijnen(pip, Doelgroep(feit.doelgroep), bereken_termijnen(bronfeiten(feit, pip)))


async def stel_vast(
    ctx: RequestContext, pip_id: uuid.UUID, *, dagtekening: date, verzenddatum: date, ingangsdatum: date
) -> PipMetTermijnen:
    repo = PipRepository(ctx.session, ctx.gemeente)
    pip, feit = await _pip_met_feit(repo, pip_id, for_update=True)
    vereis_status(PipStatus(pip.status), PipStatus.CONCEPT, handeling="Vaststellen")
    controleer_beschikkingsdatums(dagtekening, verzenddatum, ingangsdatum)
    doelgroep = Doelgroep(feit.doelgroep)
    inhoud = PipInhoud.model_validate(pip.inhoud)
    controleer_inhoud(doelgroep, inhoud)
    pip.status = PipStatus.VASTGESTELD.value
    pip.versie = 1
    pip.vastgesteld_datum = dagtekening
    await repo.add_versie(
        pip,
        PipVersie(
            pip_id=pip.id,
            versie=1,
            inhoud=pip.inhoud,
            dagtekening=dagtekening,
            verzend_datum=verzenddatum,
            ingangs_datum=ingangsdatum,
            reden=None,
            gewijzigde_velden=[],
        ),
    )
    await ctx.emit(
        PipVastgesteld(
            pip_id=pip.id,
            inburgeraar_id=pip.inburgeraar_id,
            versie=1,
            leerroute=inhoud.leerroute.value,
            taalniveau=inhoud.taalniveau.value,
            routeverplichting=routeverplichting(doelgroep).value,
            dagtekening=dagtekening,
            ingangsdatum=ingangsdatum,
        ),
        subject=pip.id,
        resource_path=f"{pad(pip.id)}/versies/1",
    )
    await _verwerk(ctx, pip, activiteiten.PIP_OPSTELLEN, Actie.WIJZIGEN)
    return PipMetTermijnen(pip, doelgroep, bereken_termijnen(bronfeiten(feit, pip, inhoud)))


async def wijzig(
    ctx: RequestContext,
    pip_id: uuid.UUID,
    wijzigingen: dict[str, Any],
    *,
    reden: str,
    dagtekening: date,
    verzenddatum: date,
    ingangsdatum: date,
    routewissel_grond: str | None,
    uren_override: UrenOverride | None = None,
) -> PipMetTermijnen:
    repo = PipRepository(ctx.session, ctx.gemeente)
    pip, feit = await _pip_met_feit(repo, pip_id, for_update=True)
    vereis_status(PipStatus(pip.status), PipStatus.VASTGESTELD, handeling="Wijzigen")
    controleer_beschikkingsdatums(dagtekening, verzenddatum, ingangsdatum)
    doelgroep = Doelgroep(feit.doelgroep)
    oud = PipInhoud.model_validate(pip.inhoud)
    nieuw = await _met_afschalingsuren(ctx, pip.id, oud, oud.wijzig(wijzigingen), uren_override)
    velden = gewijzigde_velden(oud, nieuw)
    if not velden:
        raise GeenWijziging("Geen enkele afspraak verandert; een nieuwe versie zou niets beslissen")
    controleer_inhoud(doelgroep, nieuw, vorige=oud)
    if nieuw.leerroute is not oud.leerroute:
        controleer_routewissel(
            huidige=oud.leerroute,
            nieuwe=nieuw.leerroute,
            termijnstart=termijnstart(bronfeiten(feit, pip, oud)),
            wisseldatum=ingangsdatum,
            grond=routewissel_grond,
        )
    pip.versie += 1
    pip.inhoud = nieuw.model_dump(mode="json")
    await repo.add_versie(
        pip,
        PipVersie(
            pip_id=pip.id,
            versie=pip.versie,
            inhoud=pip.inhoud,
            dagtekening=dagtekening,
            verzend_datum=verzenddatum,
            ingangs_datum=ingangsdatum,
            reden=reden,
            gewijzigde_velden=velden,
        ),
    )
    resource = f"{pad(pip.id)}/versies/{pip.versie}"
    await ctx.emit(
        PipGewijzigd(
            pip_id=pip.id,
            inburgeraar_id=pip.inburgeraar_id,
            versie=pip.versie,
            ingangsdatum=ingangsdatum,
            gewijzigde_velden=velden,
        ),
        subject=pip.id,
        resource_path=resource,
    )
    if nieuw.leerroute is not oud.leerroute or nieuw.taalniveau is not oud.taalniveau:
        # DUO and the aanbieder are told of a changed route or taalniveau (seed 002, items "leerroute ... en
        # wijzigingen daarvan met taalniveau").
        await ctx.emit(
            LeerrouteGewijzigd(
                pip_id=pip.id,
                inburgeraar_id=pip.inburgeraar_id,
                versie=pip.versie,
                vorige_leerroute=oud.leerroute.value,
                leerroute=nieuw.leerroute.value,
                taalniveau=nieuw.taalniveau.value,
                routeverplichting=routeverplichting(doelgroep).value,
                ingangsdatum=ingangsdatum,
            ),
            subject=pip.id,
            resource_path=resource,
        )
    await _verwerk(ctx, pip, activiteiten.PIP_WIJZIGEN, Actie.WIJZIGEN)
    return PipMetTermijnen(pip, doelgroep, bereken_termijnen(bronfeiten(feit, pip, nieuw)))


async def beeindig(
    ctx: RequestContext, pip_id: uuid.UUID, *, datum: date, reden: Beeindigingsreden, toelichting: str | None
) -> PipMetTermijnen:
    repo = PipRepository(ctx.session, ctx.gemeente)
    pip = await _pip(repo, pip_id, for_update=True)
    vereis_status(PipStatus(pip.status), PipStatus.CONCEPT, PipStatus.VASTGESTELD, handeling="Beëindigen")
    if reden is Beeindigingsreden.PLICHT_VOLDAAN:
        # A Z-route is met by its realised hours, as the providers reported them, not by its plan.
        leerroute = PipInhoud.model_validate(pip.inhoud).leerroute
        controleer_z_route_gerealiseerd(await gerealiseerde_uren(ctx, pip.id), leerroute)
    pip.status = PipStatus.BEEINDIGD.value
    pip.beeindigd_datum = datum
    pip.beeindigd_reden = reden.value
    pip.beeindigd_toelichting = toelichting
    await ctx.session.flush()
    await ctx.emit(
        PipBeeindigd(pip_id=pip.id, inburgeraar_id=pip.inburgeraar_id, datum=datum, reden=reden.value),
        subject=pip.id,
        resource_path=pad(pip.id),
    )
    await _verwerk(ctx, pip, activiteiten.PIP_BEEINDIGEN, Actie.WIJZIGEN)
    return await _met_termijnen(repo, pip)


async def versies(ctx: RequestContext, pip_id: uuid.UUID) -> list[PipVersie]:
    repo = PipRepository(ctx.session, ctx.gemeente)
    pip = await _pip(repo, pip_id)
    await _verwerk(ctx, pip, activiteiten.PIP_RAADPLEGEN, Actie.LEZEN)
    return list(await repo.versies(pip.id))


async def versie(ctx: RequestContext, pip_id: uuid.UUID, nummer: int) -> PipVersie:
    repo = PipRepository(ctx.session, ctx.gemeente)
    pip = await _pip(repo, pip_id)
    gevonden = await repo.versie(pip.id, nummer)
    if gevonden is None:
        raise NotFound(f"PIP {pip_id} heeft geen versie {nummer}.")
    await _verwerk(ctx, pip, activiteiten.PIP_RAADPLEGEN, Actie.LEZEN)
    return gevonden


class NogGeenBeschikking(Conflict):
    code = "pip-niet-vastgesteld"
    title = "Een concept is nog geen beschikking."


async def beschikking(ctx: RequestContext, pip_id: uuid.UUID, nummer: int | None) -> tuple[PipMetTermijnen, PipVersie]:
    """The vastgesteld version to send (the current one unless `nummer`), with the termijnen as they stand."""
    repo = PipRepository(ctx.session, ctx.gemeente)
    pip, feit = await _pip_met_feit(repo, pip_id)
    if pip.versie == 0:
        raise NogGeenBeschikking("Stel het PIP eerst vast; een concept wordt niet verzonden")
    gevonden = await repo.versie(pip.id, nummer or pip.versie)
    if gevonden is None:
        raise NotFound(f"PIP {pip_id} heeft geen versie {nummer}.")
    await _verwerk(ctx, pip, activiteiten.PIP_RAADPLEGEN, Actie.LEZEN)
    return PipMetTermijnen(pip, Doelgroep(feit.doelgroep), bereken_termijnen(bronfeiten(feit, pip))), gevonden


@dataclass(frozen=True)
class Voortgang:
    """Provider progress under one PIP, as the projection of aanbieder-api's events holds it."""

    pip: Pip
    opdrachten: Sequence[OpdrachtVoortgang]
    perioden: Sequence[Aanwezigheidsperiode]
    resultaten: Sequence[Aanbiederresultaat]
    adviezen: Sequence[Routeadvies]


async def voortgang(ctx: RequestContext, pip_id: uuid.UUID) -> Voortgang:
    pip = await _pip(PipRepository(ctx.session, ctx.gemeente), pip_id)
    repo = AanbiedervoortgangRepository(ctx.session)
    opdrachten = await repo.van_pip(pip.id, ctx.gemeente)
    ids = [o.opdracht_id for o in opdrachten]
    uit = Voortgang(
        pip, opdrachten, await repo.perioden(ids), await repo.resultaten(ids), await repo.routeadviezen(pip.id)
    )
    await ctx.verwerk(
        activiteiten.VOORTGANG_AANBIEDERS_VOLGEN, Actie.LEZEN, object_type="pip", object_id=pip.id, betrokkene=None
    )
    return uit
