"""Use cases of opdrachten: the gemeente verstrekt, wijzigt and trekt in; both sides read.

The portal and the provider API read through `voor_aanbieder`, `lijst_voor_aanbieder` and `versies_voor_aanbieder`
with an `Aanbiederidentiteit`: another aanbieder's opdracht is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aanbieder_api import activiteiten
from aanbieder_api.domain.aanbieder import Aanbiederfeiten, ContractInhoud, Keurmerk, controleer_toewijzing
from aanbieder_api.domain.enums import Dienst, OpdrachtStatus
from aanbieder_api.domain.opdracht import (
    GeenWijziging,
    OpdrachtIngetrokken,
    OpdrachtInhoud,
    deelnemerreferentie,
    gewijzigde_velden,
)
from aanbieder_api.domain.overdracht import TEKST_VERHUISD, Intrekkingsreden
from aanbieder_api.domain.stand import Stand
from aanbieder_api.domain.voor_pip import controleer_zonder_pip
from aanbieder_api.events import OpdrachtGewijzigd, OpdrachtVerstrekt
from aanbieder_api.events import OpdrachtIngetrokken as OpdrachtIngetrokkenEvent
from aanbieder_api.models import Opdracht, OpdrachtVersie, PipFeit
from aanbieder_api.repository.aanbieders import AanbiederRepository
from aanbieder_api.repository.opdrachten import OpdrachtRepository
from aanbieder_api.services.toegang import Aanbiederidentiteit, controleer_client
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import NotFound, Unprocessable, invalid


class PipOnbekend(Unprocessable):
    code = "pip-onbekend"
    title = "Het PIP is bij deze gemeente niet bekend."


class PipBeeindigd(Unprocessable):
    code = "pip-beeindigd"
    title = "Het PIP is beëindigd."


class InburgeraarOnbekend(Unprocessable):
    code = "inburgeraar-onbekend"
    title = "De inburgeraar is bij deze gemeente niet (of nog niet) geregistreerd."


class InburgeraarAnders(Unprocessable):
    code = "inburgeraar-past-niet-bij-pip"
    title = "Het PIP is van een andere inburgeraar."


class AanbiederOnbekend(Unprocessable):
    code = "aanbieder-onbekend"
    title = "De aanbieder is bij deze gemeente niet geregistreerd."


def pad(opdracht_id: uuid.UUID) -> str:
    return f"/opdrachten/{opdracht_id}"


def pad_voor_aanbieder(opdracht_id: uuid.UUID) -> str:
    return f"/toegewezen-opdrachten/{opdracht_id}"


async def _opdracht(repo: OpdrachtRepository, opdracht_id: uuid.UUID, *, for_update: bool = False) -> Opdracht:
    opdracht = await repo.get(opdracht_id, for_update=for_update)
    if opdracht is None:
        raise NotFound(f"Opdracht {opdracht_id} bestaat niet.")
    return opdracht


def _event_basis(opdracht: Opdracht) -> dict[str, Any]:
    return {
        "opdracht_id": opdracht.id,
        "pip_id": opdracht.pip_id,
        "inburgeraar_id": opdracht.inburgeraar_id,
        "aanbieder_id": opdracht.aanbieder_id,
        "onderdeel": opdracht.onderdeel,
    }


async def _vastgesteld_pip(repo: OpdrachtRepository, pip_id: uuid.UUID, inburgeraar_id: uuid.UUID | None) -> PipFeit:
    pip = await repo.pip(pip_id)
    if pip is None:
        raise PipOnbekend(
            f"PIP {pip_id} is (nog) niet vastgesteld bij deze gemeente; een opdracht voert een deel van een "
            "vastgesteld PIP uit (Wi art. 15-16)",
            invalid_params=[invalid("pipId", "onbekend PIP", "onbekend")],
        )
    if pip.status == "beeindigd":
        raise PipBeeindigd(
            f"PIP {pip_id} is beëindigd", invalid_params=[invalid("pipId", "het PIP is beëindigd", "pip-beeindigd")]
        )
    if inburgeraar_id is not None and inburgeraar_id != pip.inburgeraar_id:
        raise InburgeraarAnders(
            f"PIP {pip_id} is niet van inburgeraar {inburgeraar_id}",
            invalid_params=[invalid("inburgeraarId", "niet de inburgeraar van het PIP", "past-niet-bij-pip")],
        )
    return pip


async def _voor_het_pip(repo: OpdrachtRepository, inburgeraar_id: uuid.UUID | None, onderdeel: Dienst) -> None:
    """A referral from the registration on, without a PIP (`domain.voor_pip`): the person must be registered in this
    gemeente as far as inburgeraar-api's events told this context."""
    controleer_zonder_pip(onderdeel, None)
    if inburgeraar_id is None:
        raise Unprocessable(
            "Zonder pipId noemt de opdracht de inburgeraar (inburgeraarId).",
            invalid_params=[
                invalid("inburgeraarId", "verplicht zonder pipId", "verplicht"),
                invalid("pipId", "of een vastgesteld PIP", "verplicht"),
            ],
        )
    persoon = await repo.inburgeraar(inburgeraar_id)
    if persoon is None:
        raise InburgeraarOnbekend(
            f"Inburgeraar {inburgeraar_id} is (nog) niet geregistreerd bij deze gemeente",
            invalid_params=[invalid("inburgeraarId", "onbekende inburgeraar", "onbekend")],
        )
    controleer_zonder_pip(onderdeel, persoon.doelgroep)


async def verstrek(
    ctx: RequestContext,
    *,
    pip_id: uuid.UUID | None,
    inburgeraar_id: uuid.UUID | None = None,
    aanbieder_id: uuid.UUID,
    onderdeel: Dienst,
    inhoud: OpdrachtInhoud,
    deelnemer_key: bytes,
) -> Opdracht:
    """With `pip_id`: a part of a vastgesteld PIP. Without: a part that comes before the PIP, for `inburgeraar_id`."""
    repo = OpdrachtRepository(ctx.session, ctx.gemeente)
    pip: PipFeit | None = None
    if pip_id is not None:
        pip = await _vastgesteld_pip(repo, pip_id, inburgeraar_id)
        inburgeraar_id = pip.inburgeraar_id
    else:
        await _voor_het_pip(repo, inburgeraar_id, onderdeel)
    assert inburgeraar_id is not None
    aanbieders = AanbiederRepository(ctx.session, ctx.gemeente)
    aanbieder = await aanbieders.get(aanbieder_id)
    if aanbieder is None:
        raise AanbiederOnbekend(
            f"Aanbieder {aanbieder_id} is niet geregistreerd bij deze gemeente",
            invalid_params=[invalid("aanbiederId", "onbekende aanbieder", "onbekend")],
        )
    feiten = Aanbiederfeiten(
        diensten=frozenset(Dienst(d) for d in aanbieder.diensten),
        keurmerk=Keurmerk.model_validate(aanbieder.keurmerk) if aanbieder.keurmerk else None,
        contracten=tuple(ContractInhoud.model_validate(c.inhoud) for c in await aanbieders.contracten(aanbieder_id)),
    )
    controleer_toewijzing(feiten, onderdeel, inhoud.geplande_startdatum)
    now = datetime.now(UTC)
    opdracht = Opdracht(
        id=uuid.uuid4(),
        gemeente_code=ctx.gemeente,
        aanbieder_id=aanbieder_id,
        pip_id=pip_id,
        inburgeraar_id=inburgeraar_id,
        deelnemer_referentie=deelnemerreferentie(deelnemer_key, ctx.gemeente, aanbieder_id, inburgeraar_id),
        onderdeel=onderdeel.value,
        status=OpdrachtStatus.VERSTREKT.value,
        versie=1,
        inhoud=inhoud.model_dump(mode="json"),
        pip_versie=pip.versie if pip is not None else None,
        stand=Stand().model_dump(mode="json"),
        gewijzigd_at=now,
        created_at=now,
    )
    await repo.add(opdracht)
    await repo.add(
        OpdrachtVersie(
            opdracht_id=opdracht.id, versie=1, inhoud=opdracht.inhoud, gewijzigde_velden=[], reden=None, created_at=now
        )
    )
    await ctx.emit(
        OpdrachtVerstrekt(
            **_event_basis(opdracht),
            versie=1,
            geplande_startdatum=inhoud.geplande_startdatum,
            geplande_einddatum=inhoud.geplande_einddatum,
        ),
        subject=opdracht.id,
        resource_path=pad(opdracht.id),
    )
    await ctx.verwerk(
        activiteiten.OPDRACHT_VERSTREKKEN,
        Actie.AANMAKEN,
        object_type="opdracht",
        object_id=opdracht.id,
        betrokkene=ctx.log.betrokkene_van(opdracht.inburgeraar_id),
    )
    return opdracht


async def nieuwe_versie(
    ctx: RequestContext,
    opdracht: Opdracht,
    inhoud: OpdrachtInhoud,
    *,
    reden: str,
    reden_code: str,
    pip_versie: int | None,
) -> OpdrachtVersie:
    """Record a new version of the content (the gemeente's change, or a PIP change the projection marks)."""
    velden = gewijzigde_velden(OpdrachtInhoud.model_validate(opdracht.inhoud), inhoud)
    now = datetime.now(UTC)
    opdracht.versie += 1
    opdracht.inhoud = inhoud.model_dump(mode="json")
    opdracht.pip_versie = pip_versie
    opdracht.gewijzigd_at = now
    versie = OpdrachtVersie(
        opdracht_id=opdracht.id, versie=opdracht.versie, inhoud=opdracht.inhoud, gewijzigde_velden=velden,
        reden=reden, created_at=now,
    )  # fmt: skip
    ctx.session.add(versie)
    await ctx.session.flush()
    await ctx.emit(
        OpdrachtGewijzigd(**_event_basis(opdracht), versie=opdracht.versie, gewijzigde_velden=velden, reden=reden_code),
        subject=opdracht.id,
        resource_path=pad(opdracht.id),
    )
    return versie


async def wijzig(ctx: RequestContext, opdracht_id: uuid.UUID, wijzigingen: dict[str, Any], *, reden: str) -> Opdracht:
    repo = OpdrachtRepository(ctx.session, ctx.gemeente)
    opdracht = await _opdracht(repo, opdracht_id, for_update=True)
    if opdracht.status == OpdrachtStatus.INGETROKKEN.value:
        raise OpdrachtIngetrokken(f"Opdracht {opdracht_id} is ingetrokken en verandert niet meer.")
    inhoud = OpdrachtInhoud.model_validate(opdracht.inhoud).wijzig(wijzigingen)
    pip = await repo.pip(opdracht.pip_id) if opdracht.pip_id is not None else None
    pip_versie = pip.versie if pip is not None else opdracht.pip_versie
    if (
        not gewijzigde_velden(OpdrachtInhoud.model_validate(opdracht.inhoud), inhoud)
        and pip_versie == opdracht.pip_versie
    ):
        raise GeenWijziging("Elk veld heeft al deze waarde: er is geen nieuwe versie gemaakt.")
    await nieuwe_versie(ctx, opdracht, inhoud, reden=reden, reden_code="gemeente", pip_versie=pip_versie)
    await ctx.verwerk(
        activiteiten.OPDRACHT_VERSTREKKEN,
        Actie.WIJZIGEN,
        object_type="opdracht",
        object_id=opdracht.id,
        betrokkene=ctx.log.betrokkene_van(opdracht.inburgeraar_id),
    )
    return opdracht


async def trek_in(ctx: RequestContext, opdracht_id: uuid.UUID, *, reden: str) -> Opdracht:
    repo = OpdrachtRepository(ctx.session, ctx.gemeente)
    opdracht = await _opdracht(repo, opdracht_id, for_update=True)
    if opdracht.status != OpdrachtStatus.INGETROKKEN.value:
        await _trek_in(ctx, opdracht, reden=reden, code=Intrekkingsreden.GEMEENTE)
    return opdracht


async def _trek_in(ctx: RequestContext, opdracht: Opdracht, *, reden: str, code: Intrekkingsreden) -> None:
    """Withdraw a locked opdracht: a new version naming the status and the reason, and the `opdracht-ingetrokken`
    event with its reason code, which is how the provider learns it (its system, the portal, a webhook)."""
    now = datetime.now(UTC)
    opdracht.status = OpdrachtStatus.INGETROKKEN.value
    opdracht.intrekkingsreden = code.value
    opdracht.versie += 1
    opdracht.gewijzigd_at = now
    ctx.session.add(
        OpdrachtVersie(
            opdracht_id=opdracht.id,
            versie=opdracht.versie,
            inhoud=opdracht.inhoud,
            gewijzigde_velden=["status"],
            reden=reden,
            created_at=now,
        )
    )
    await ctx.session.flush()
    await ctx.emit(
        OpdrachtIngetrokkenEvent(**_event_basis(opdracht), versie=opdracht.versie, reden=code.value),
        subject=opdracht.id,
        resource_path=pad(opdracht.id),
    )
    await ctx.verwerk(
        activiteiten.OPDRACHT_VERSTREKKEN,
        Actie.WIJZIGEN,
        object_type="opdracht",
        object_id=opdracht.id,
        betrokkene=ctx.log.betrokkene_van(opdracht.inburgeraar_id),
    )


async def beeindig_bij_verhuizing(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> list[Opdracht]:
    """The person moved to another gemeente (inburgeraar-api's `verhuisd`): every opdracht of theirs that still runs
    here ends with reason `verhuisd`, the way a withdrawal reaches the provider. Finished ones stay as they are (the
    history the new gemeente received); further reports on the ended ones are refused like on any withdrawn one."""
    beeindigd = []
    for opdracht in await OpdrachtRepository(ctx.session, ctx.gemeente).lopend_van(inburgeraar_id):
        await _trek_in(ctx, opdracht, reden=TEKST_VERHUISD, code=Intrekkingsreden.VERHUISD)
        beeindigd.append(opdracht)
    return beeindigd


async def raadpleeg(ctx: RequestContext, opdracht_id: uuid.UUID) -> Opdracht:
    opdracht = await _opdracht(OpdrachtRepository(ctx.session, ctx.gemeente), opdracht_id)
    await ctx.verwerk(
        activiteiten.OPDRACHT_RAADPLEGEN,
        Actie.LEZEN,
        object_type="opdracht",
        object_id=opdracht.id,
        betrokkene=ctx.log.betrokkene_van(opdracht.inburgeraar_id),
    )
    return opdracht


async def pip_versies(ctx: RequestContext, rows: Sequence[Opdracht]) -> dict[uuid.UUID, int]:
    """The current version of each PIP of a page of opdrachten, in one query."""
    return await OpdrachtRepository(ctx.session, ctx.gemeente).pip_versies({r.pip_id for r in rows if r.pip_id})


async def pip_versie(ctx: RequestContext, opdracht: Opdracht) -> int | None:
    """The PIP's current version: above the opdracht's `pip_versie` when the PIP changed since it was checked."""
    if opdracht.pip_id is None:
        return None
    pip = await OpdrachtRepository(ctx.session, ctx.gemeente).pip(opdracht.pip_id)
    return pip.versie if pip is not None else None


async def lijst(ctx: RequestContext, paging: PageParams, **filters: Any) -> tuple[Sequence[Opdracht], int]:
    rows, total = await OpdrachtRepository(ctx.session, ctx.gemeente).list(paging, **filters)
    await ctx.verwerk_alle(
        activiteiten.OPDRACHT_RAADPLEGEN, Actie.ZOEKEN, object_type="opdracht", subjects=[(r.id, None) for r in rows]
    )
    return rows, total


async def versies(
    ctx: RequestContext, opdracht_id: uuid.UUID, paging: PageParams
) -> tuple[Sequence[OpdrachtVersie], int]:
    repo = OpdrachtRepository(ctx.session, ctx.gemeente)
    await _opdracht(repo, opdracht_id)
    return await repo.versiepagina(opdracht_id, paging)


# ---- the provider's side (API and portal) ----


async def _eigen(ctx: RequestContext, wie: Aanbiederidentiteit, opdracht_id: uuid.UUID) -> Opdracht:
    await controleer_client(ctx, wie)
    opdracht = await OpdrachtRepository(ctx.session, wie.gemeente).get(opdracht_id)
    if opdracht is None or opdracht.aanbieder_id != wie.aanbieder_id:
        raise NotFound(f"Opdracht {opdracht_id} bestaat niet.")
    return opdracht


async def voor_aanbieder(ctx: RequestContext, wie: Aanbiederidentiteit, opdracht_id: uuid.UUID) -> Opdracht:
    opdracht = await _eigen(ctx, wie, opdracht_id)
    await ctx.verwerk(
        activiteiten.OPDRACHT_RAADPLEGEN,
        Actie.LEZEN,
        object_type="opdracht",
        object_id=opdracht.id,
        betrokkene=ctx.log.betrokkene_van(opdracht.inburgeraar_id),
    )
    return opdracht


async def lijst_voor_aanbieder(
    ctx: RequestContext,
    wie: Aanbiederidentiteit,
    paging: PageParams,
    *,
    gewijzigd_sinds: datetime | None = None,
    status: str | None = None,
) -> tuple[Sequence[Opdracht], int]:
    """The aanbieder's opdrachten; with `gewijzigd_sinds` only those whose content changed after that moment,
    oldest change first, so a system that remembers the last `gewijzigdOp` it saw never misses one."""
    await controleer_client(ctx, wie)
    rows, total = await OpdrachtRepository(ctx.session, wie.gemeente).list(
        paging, aanbieder_id=wie.aanbieder_id, gewijzigd_sinds=gewijzigd_sinds, status=status
    )
    await ctx.verwerk_alle(
        activiteiten.OPDRACHT_RAADPLEGEN, Actie.ZOEKEN, object_type="opdracht", subjects=[(r.id, None) for r in rows]
    )
    return rows, total


async def versies_voor_aanbieder(
    ctx: RequestContext, wie: Aanbiederidentiteit, opdracht_id: uuid.UUID
) -> Sequence[OpdrachtVersie]:
    """Every version, oldest first: what the portal compares with the version the user saw last."""
    await _eigen(ctx, wie, opdracht_id)
    return await OpdrachtRepository(ctx.session, wie.gemeente).versies(opdracht_id)


async def versiepagina_voor_aanbieder(
    ctx: RequestContext, wie: Aanbiederidentiteit, opdracht_id: uuid.UUID, paging: PageParams
) -> tuple[Sequence[OpdrachtVersie], int]:
    await _eigen(ctx, wie, opdracht_id)
    return await OpdrachtRepository(ctx.session, wie.gemeente).versiepagina(opdracht_id, paging)
