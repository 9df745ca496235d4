"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4; `inburgering_kit.overdracht`), the
providers' part: export it for the new gemeente, take it in from the previous one, and end what still ran here when
the person moved away (`opdrachten.beeindig_bij_verhuizing`, called by the inburgeraar projection).

What is taken in stays apart from this gemeente's own opdrachten: it is history the klantregisseur reads, not work a
provider here carries out, and none of this gemeente's counts (CBS delivery, monitoring, provider performance) or
provider views reads that table.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from aanbieder_api import activiteiten
from aanbieder_api.domain.enums import OpdrachtStatus
from aanbieder_api.domain.melding import MELDING
from aanbieder_api.domain.opdracht import OpdrachtInhoud
from aanbieder_api.domain.overdracht import (
    EerderOvergenomen,
    Overdrachtsdossier,
    OvergedragenAanbieder,
    OvergedragenMelding,
    OvergedragenOpdracht,
    eindreden,
    inhoud_hash,
)
from aanbieder_api.domain.stand import Stand
from aanbieder_api.models import Melding, Opdracht, OvergenomenVoortgang
from aanbieder_api.repository.overdracht import OverdrachtRepository
from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN, zonder_eigen_geschiedenis
from inburgering_kit.pagination import PageParams
from inburgering_kit.problems import Conflict, Unprocessable, invalid

_TIJDZONE = ZoneInfo("Europe/Amsterdam")


class OverdrachtAnders(Conflict):
    code = "overdracht-anders"
    title = "Onder dit overdrachtId is een andere overdracht overgenomen."


def _einddatum(opdracht: Opdracht, stand: Stand) -> date | None:
    if opdracht.status == OpdrachtStatus.AFGEROND.value:
        return stand.einddatum
    if opdracht.status == OpdrachtStatus.INGETROKKEN.value:
        # Nothing changes an opdracht's content after its withdrawal: its last change is the withdrawal.
        return opdracht.gewijzigd_at.astimezone(_TIJDZONE).date()
    return None


def _melding(m: Melding) -> OvergedragenMelding:
    # The provider's own `kenmerk` refers to its own administration: it means nothing at the new gemeente.
    gegevens = {k: v for k, v in m.gegevens.items() if k != "kenmerk"}
    return OvergedragenMelding(gemeld_op=m.gemeld_at, melding=MELDING.validate_python(gegevens))


def _opdracht(opdracht: Opdracht, naam: str, kvk: str, meldingen: Sequence[Melding]) -> OvergedragenOpdracht:
    inhoud = OpdrachtInhoud.model_validate(opdracht.inhoud)
    stand = Stand.model_validate(opdracht.stand)
    return OvergedragenOpdracht(
        aanbieder=OvergedragenAanbieder(naam=naam, kvk_nummer=kvk),
        onderdeel=opdracht.onderdeel,
        leerroute=inhoud.leerroute,
        cursusnaam=inhoud.cursusnaam,
        cursusonderdelen=inhoud.cursusonderdelen,
        uren_gecontracteerd=inhoud.uren,
        geplande_startdatum=inhoud.geplande_startdatum,
        geplande_einddatum=inhoud.geplande_einddatum,
        status=opdracht.status,
        verstrekt_op=opdracht.created_at,
        eindreden=eindreden(opdracht.status, opdracht.intrekkingsreden),
        einddatum=_einddatum(opdracht, stand),
        stand=stand,
        meldingen=tuple(_melding(m) for m in meldingen),
    )


async def exporteer(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Overdrachtsdossier:
    """Everything of the person's opdrachten in this gemeente for the new gemeente, and what this gemeente itself took
    over at an earlier move. Empty for a person this context never heard of: whether the person exists is
    inburgeraar-api's to say."""
    repo = OverdrachtRepository(ctx.session, ctx.gemeente)
    rows = await repo.opdrachten_met_aanbieder(inburgeraar_id)
    per_opdracht: dict[uuid.UUID, list[Melding]] = defaultdict(list)
    for melding in await repo.meldingen([opdracht.id for opdracht, _, _ in rows]):
        per_opdracht[melding.opdracht_id].append(melding)
    eerder: list[EerderOvergenomen] = []
    for overgenomen in await repo.overgenomen_van(inburgeraar_id):
        dossier = Overdrachtsdossier.model_validate(overgenomen.dossier)
        eerder.append(
            EerderOvergenomen(
                van_gemeente=overgenomen.van_gemeente,
                verhuisdatum=overgenomen.verhuisdatum,
                opdrachten=dossier.opdrachten,
            )
        )
        eerder.extend(dossier.eerder_overgenomen)
    await ctx.verwerk(
        OVERDRAGEN,
        Actie.LEZEN,
        object_type="overdrachtsdossier",
        object_id=inburgeraar_id,
        betrokkene=ctx.log.betrokkene_van(inburgeraar_id),
    )
    return Overdrachtsdossier(
        opdrachten=tuple(_opdracht(o, naam, kvk, per_opdracht[o.id]) for o, naam, kvk in rows),
        eerder_overgenomen=tuple(eerder),
    )


async def neem_over(
    ctx: RequestContext,
    overdracht_id: uuid.UUID,
    *,
    inburgeraar_id: uuid.UUID,
    van_gemeente: str,
    verhuisdatum: date | None,
    dossier: Overdrachtsdossier,
) -> tuple[OvergenomenVoortgang, bool]:
    """Store the previous gemeente's part as history of this gemeente's person; True when this call stored it. The
    same transfer again returns what was stored; another body under the same id is a conflict."""
    if van_gemeente == ctx.gemeente:
        raise Unprocessable(
            "Een overdracht komt van een andere gemeente dan de eigen.",
            invalid_params=[invalid("vanGemeente", "is de eigen gemeente", "eigen-gemeente")],
        )
    inhoud = dossier.model_dump(mode="json")
    kenmerk = inhoud_hash(str(inburgeraar_id), van_gemeente, verhuisdatum, inhoud)
    # Kept without what the previous gemeente had taken over from this one (a person who moves back): the opdrachten
    # of the first stay are still this gemeente's own.
    bewaard = zonder_eigen_geschiedenis(inhoud, ctx.gemeente, "eerderOvergenomen")
    rij, nieuw = await OverdrachtRepository(ctx.session, ctx.gemeente).neem_op(
        overdracht_id, inburgeraar_id=inburgeraar_id, van_gemeente=van_gemeente, verhuisdatum=verhuisdatum,
        dossier=bewaard, inhoud_hash=kenmerk,
    )  # fmt: skip
    if rij.gemeente_code != ctx.gemeente or rij.inhoud_hash != kenmerk:
        raise OverdrachtAnders(
            f"Overdracht {overdracht_id} is al met een andere inhoud overgenomen; een nieuwe overdracht heeft een "
            "eigen overdrachtId."
        )
    await ctx.verwerk(
        OVERNEMEN,
        Actie.AANMAKEN if nieuw else Actie.LEZEN,
        object_type="overgenomen-voortgang",
        object_id=overdracht_id,
        betrokkene=ctx.log.betrokkene_van(inburgeraar_id),
    )
    return rij, nieuw


async def overgenomen(
    ctx: RequestContext, inburgeraar_id: uuid.UUID, paging: PageParams
) -> tuple[Sequence[OvergenomenVoortgang], int]:
    """The progress this gemeente took over for its person from previous gemeenten, oldest transfer first."""
    rows, total = await OverdrachtRepository(ctx.session, ctx.gemeente).overgenomen_pagina(inburgeraar_id, paging)
    await ctx.verwerk_alle(
        activiteiten.VOORTGANG_RAADPLEGEN,
        Actie.LEZEN,
        object_type="overgenomen-voortgang",
        subjects=[(r.overdracht_id, ctx.log.betrokkene_van(r.inburgeraar_id)) for r in rows],
    )
    return rows, total
