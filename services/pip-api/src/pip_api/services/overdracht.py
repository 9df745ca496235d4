"""The dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4; DOMAIN §6; issue 15 §3), pip-api's part.

- The old gemeente hands over every PIP of the person with all versions, outcomes, progress conversations and the
  providers' progress (`exporteer`), and when inburgeraar-api reports the person moved, ends the running PIP with
  reason `verhuisd` and closes the person's open signals (`verhuisd`).
- The new gemeente keeps that part as read-only history of its own person (`neem_over`), never as its own PIPs (the
  CBS delivery, monitoring, signals and DUO reports read the `pip` table, and nothing of the history is there), and
  takes the agreements of the last vastgesteld version over as a concept PIP in its own name: vaststellen it is its
  own decision, with the existing route, prompted by an `overgenomen-pip` signal on the worklist. The concept is
  announced as any concept is (`pip-opgesteld`); no event tells of the imported history, so no reader of this
  context's events (DUO reports, aanbieder-api, handhaving-api) takes it for a decision of the new gemeente.
- A person who moves back to a gemeente they left: its own PIPs of the first stay are still there (the one that ran
  ended `verhuisd`), so the PIPs the other gemeente had taken over from it are not kept a second time as history;
  the agreements in force there become a concept again, and inburgeraar-api's new `inburgeraar-geregistreerd` ends
  the move-out in the projection (`projectie`), so signals are raised for the person here again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from inburgering_kit.audit import Actie
from inburgering_kit.context import RequestContext
from inburgering_kit.overdracht import OVERDRAGEN, OVERNEMEN, Overdrachtsdeel, vingerafdruk, zonder_eigen_geschiedenis
from inburgering_kit.problems import Conflict, Unprocessable, invalid
from pip_api import activiteiten
from pip_api.domain.enums import Termijnsoort
from pip_api.domain.overdracht import (
    AanwezigheidDeel,
    GeimporteerdePip,
    OpdrachtDeel,
    Overdrachtsdossier,
    OvergenomenVan,
    Overname,
    PipDeel,
    PipVersieDeel,
    ResultaatDeel,
    RouteadviesDeel,
    UitkomstDeel,
    VoortgangsgesprekDeel,
    eerste_pip_datum,
    inhoud_van,
    lees_dossier,
    over_te_nemen,
)
from pip_api.domain.pip import Beeindigingsreden, PipInhoud, PipStatus
from pip_api.domain.signalen import Signaalsoort
from pip_api.events import PipBeeindigd, PipOpgesteld, SignaalVervallen
from pip_api.models import Overdracht, Pip, Signaal
from pip_api.repository import PipRepository
from pip_api.repository.overdracht import OverdrachtRepository, Persoonsdossier
from pip_api.services.pip import pad
from pip_api.services.signalen import gesloten, signaal_pad

_TIJDZONE = ZoneInfo("Europe/Amsterdam")
# The worklist signal's rule: the taken-over agreements wait for this gemeente's own vaststelling.
REGEL_OVERNAME = "overname-pip-na-verhuizing"


class OverdrachtBestaatAl(Conflict):
    code = "overdracht-bestaat-al"
    title = "Onder deze overdracht is een ander dossierdeel overgenomen."


class PipInmiddelsOpgesteld(Conflict):
    code = "pip-bestaat-al"
    title = "Deze inburgeraar kreeg intussen een PIP; probeer de overdracht opnieuw."


class InburgeraarVanAndereGemeente(Unprocessable):
    code = "inburgeraar-onbekend"
    title = "De inburgeraar is bij deze gemeente niet bekend."


def _betrokkene(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> str | None:
    # The BSN never reaches this context: the person is the pseudonym of the inburgeraar id every service records.
    return ctx.log.betrokkene_van(inburgeraar_id)


def _float(waarde: float | Decimal | None) -> float:
    return float(waarde or 0)


def _dossier(inburgeraar_id: uuid.UUID, gemeente: str, rows: Persoonsdossier) -> Overdrachtsdossier:
    pips = []
    for pip in rows.pips:
        opdrachten = [o for o in rows.opdrachten if o.pip_id == pip.id]
        pips.append(
            PipDeel(
                id=pip.id,
                status=PipStatus(pip.status),
                versie=pip.versie,
                inhoud=PipInhoud.model_validate(pip.inhoud),
                vastgesteld_datum=pip.vastgesteld_datum,
                beeindigd_datum=pip.beeindigd_datum,
                beeindigd_reden=Beeindigingsreden(pip.beeindigd_reden) if pip.beeindigd_reden else None,
                beeindigd_toelichting=pip.beeindigd_toelichting,
                overgenomen_van=(
                    OvergenomenVan(
                        overdracht_id=pip.overdracht_id,
                        van_gemeente=pip.overgenomen_van_gemeente or "",
                        pip_id=pip.overgenomen_pip_id,
                        versie=pip.overgenomen_versie,
                        eerste_pip_datum=pip.eerste_pip_datum,
                    )
                    if pip.overdracht_id is not None
                    else None
                ),
                versies=tuple(
                    PipVersieDeel.model_validate(
                        {
                            **v.inhoud,
                            "versie": v.versie,
                            "dagtekening": v.dagtekening,
                            "verzenddatum": v.verzend_datum,
                            "ingangsdatum": v.ingangs_datum,
                            "reden": v.reden,
                            "gewijzigdeVelden": v.gewijzigde_velden,
                        }
                    )
                    for v in rows.versies
                    if v.pip_id == pip.id
                ),
                uitkomsten=tuple(
                    UitkomstDeel.model_validate(
                        {
                            "id": u.id,
                            "onderdeel": u.onderdeel,
                            "datum": u.datum,
                            "redenen": u.redenen,
                            "verwijtbaar": u.verwijtbaar,
                            "toelichting": u.toelichting,
                        }
                    )
                    for u in rows.uitkomsten
                    if u.pip_id == pip.id
                ),
                voortgangsgesprekken=tuple(
                    VoortgangsgesprekDeel(
                        id=g.id,
                        gepland_datum=g.gepland_datum,
                        gehouden_datum=g.gehouden_datum,
                        uitkomst=g.uitkomst,
                        afspraken=tuple(g.afspraken),
                        niet_verschenen_op=g.niet_verschenen_op,
                        niet_verschenen_reden=g.niet_verschenen_reden,
                    )
                    for g in rows.gesprekken
                    if g.pip_id == pip.id
                ),
                opdrachten=tuple(
                    OpdrachtDeel(
                        opdracht_id=o.opdracht_id,
                        aanbieder_id=o.aanbieder_id,
                        onderdeel=o.onderdeel,
                        status=o.status,
                        geplande_startdatum=o.geplande_startdatum,
                        geplande_einddatum=o.geplande_einddatum,
                        start_gemeld_datum=o.start_gemeld_datum,
                        laatste_melding_datum=o.laatste_melding_datum,
                        uren_aanwezig=_float(o.uren_aanwezig),
                        uren_taal=_float(o.uren_taal),
                        uren_participatie=_float(o.uren_participatie),
                        uren_gecontracteerd=o.uren_gecontracteerd,
                        niveau=o.niveau,
                        eindresultaat=o.eindresultaat,
                        eindresultaat_datum=o.eindresultaat_datum,
                        aanwezigheid=tuple(
                            AanwezigheidDeel(
                                periode_van=p.periode_van,
                                periode_tot=p.periode_tot,
                                uren_aanwezig=float(p.uren_aanwezig) if p.uren_aanwezig is not None else None,
                                uren_afwezig_geoorloofd=_float(p.uren_afwezig_geoorloofd),
                                uren_afwezig_ongeoorloofd=_float(p.uren_afwezig_ongeoorloofd),
                            )
                            for p in rows.perioden
                            if p.opdracht_id == o.opdracht_id
                        ),
                        resultaten=tuple(
                            ResultaatDeel(soort=r.soort, uitslag=r.uitslag, datum=r.datum, niveau=r.niveau)
                            for r in rows.resultaten
                            if r.opdracht_id == o.opdracht_id
                        ),
                    )
                    for o in opdrachten
                ),
                routeadviezen=tuple(
                    RouteadviesDeel(opdracht_id=a.opdracht_id, advies=a.advies, ontvangen_datum=a.ontvangen_datum)
                    for a in rows.adviezen
                    if a.pip_id == pip.id
                ),
            )
        )
    return Overdrachtsdossier(inburgeraar_id=inburgeraar_id, gemeente=gemeente, pips=tuple(pips))


async def exporteer(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> Overdrachtsdossier:
    """Everything of the person in the calling gemeente; empty lists for a person without a PIP here (whether the
    person exists at all is inburgeraar-api's to say)."""
    repo = OverdrachtRepository(ctx.session, ctx.gemeente)
    rows = await repo.dossier(inburgeraar_id)
    eerder = _geimporteerd(await repo.van_inburgeraar(inburgeraar_id))
    await ctx.verwerk(
        OVERDRAGEN,
        Actie.LEZEN,
        object_type="inburgeraar",
        object_id=inburgeraar_id,
        betrokkene=_betrokkene(ctx, inburgeraar_id),
    )
    return _dossier(inburgeraar_id, ctx.gemeente, rows).model_copy(update={"geimporteerd": tuple(eerder)})


def _herhaling(ctx: RequestContext, bestaand: Overdracht, sha: str) -> Overname:
    if bestaand.gemeente_code != ctx.gemeente or bestaand.body_sha256 != sha:
        raise OverdrachtBestaatAl(
            f"Overdracht {bestaand.id} is al overgenomen met een ander dossierdeel; een nieuwe overdracht krijgt een "
            "eigen id"
        )
    return Overname.model_validate(bestaand.antwoord)


def vandaag() -> date:
    return datetime.now(_TIJDZONE).date()


async def neem_over(ctx: RequestContext, overdracht_id: uuid.UUID, deel: Overdrachtsdeel) -> tuple[Overname, bool]:
    """Take the previous gemeente's part in for the calling gemeente's person: (the answer, whether it is new). The
    same body under the same id again answers the same; another body 409."""
    dossier = lees_dossier(deel.dossier)
    sha = vingerafdruk(deel.model_dump(mode="json", by_alias=True))
    repo = OverdrachtRepository(ctx.session, ctx.gemeente)
    bestaand = await repo.get(overdracht_id)
    if bestaand is not None:
        return _herhaling(ctx, bestaand, sha), False
    inburgeraar_id = deel.inburgeraar_id
    gemeente = await repo.gemeente_van(inburgeraar_id)
    if gemeente is not None and gemeente != ctx.gemeente:
        # Another gemeente's person (the previous gemeente's id instead of the new one, say): the history would land
        # on the person who left. An id not projected yet is taken: inburgeraar-api registered it just before.
        raise InburgeraarVanAndereGemeente(
            "Deze inburgeraar hoort bij een andere gemeente; neem over onder de inburgeraar van deze gemeente",
            invalid_params=[invalid("inburgeraarId", "inburgeraar van een andere gemeente", "andere-gemeente")],
        )
    bron = over_te_nemen(dossier)
    lopend = await repo.lopende_pip(inburgeraar_id)
    nieuw_pip = bron is not None and lopend is None
    pip_id = uuid.uuid4() if nieuw_pip else None
    signaal_id = uuid.uuid4() if nieuw_pip else None
    eerste = min((eerste_pip_datum(p) for p in (*dossier.pips, *dossier.geimporteerd) if p.versies), default=None)
    antwoord = Overname(
        overdracht_id=overdracht_id,
        inburgeraar_id=inburgeraar_id,
        van_gemeente=deel.van_gemeente,
        verhuisdatum=deel.verhuisdatum,
        geimporteerde_pips=len(dossier.pips),
        geimporteerde_versies=sum(len(p.versies) for p in dossier.pips),
        overgenomen_pip_id=pip_id,
        signaal_id=signaal_id,
    )
    rij = Overdracht(
        id=overdracht_id,
        gemeente_code=ctx.gemeente,
        inburgeraar_id=inburgeraar_id,
        van_gemeente=deel.van_gemeente,
        verhuisdatum=deel.verhuisdatum,
        body_sha256=sha,
        # Without the PIPs the previous gemeente had taken over from this one: this gemeente's own, still here.
        dossier=zonder_eigen_geschiedenis(dossier.model_dump(mode="json"), ctx.gemeente, "geimporteerd"),
        overgenomen_pip_id=pip_id,
        eerste_pip_datum=eerste,
        antwoord=antwoord.model_dump(mode="json"),
        ontvangen_at=datetime.now(UTC),
    )
    if not await repo.voeg_toe(rij):
        # A twin request stored it first (and has committed: the insert waited for it).
        bestaand = await repo.get(overdracht_id)
        assert bestaand is not None
        return _herhaling(ctx, bestaand, sha), False
    if bron is not None and pip_id is not None and signaal_id is not None:
        await _concept(ctx, rij, bron, pip_id, signaal_id)
    await ctx.verwerk(
        OVERNEMEN,
        Actie.AANMAKEN,
        object_type="overdracht",
        object_id=overdracht_id,
        betrokkene=_betrokkene(ctx, inburgeraar_id),
    )
    return antwoord, True


async def _concept(
    ctx: RequestContext,
    overdracht: Overdracht,
    bron: tuple[PipDeel, PipVersieDeel],
    pip_id: uuid.UUID,
    signaal_id: uuid.UUID,
) -> None:
    """The previous gemeente's agreements as this gemeente's concept PIP, with the signal to vaststellen it."""
    vorige_pip, versie = bron
    inhoud = inhoud_van(versie)
    pip = Pip(
        id=pip_id,
        gemeente_code=ctx.gemeente,
        inburgeraar_id=overdracht.inburgeraar_id,
        status=PipStatus.CONCEPT.value,
        versie=0,
        inhoud=inhoud.model_dump(mode="json"),
        overdracht_id=overdracht.id,
        # From the history the previous gemeente had taken over itself: the PIP is that earlier gemeente's.
        overgenomen_van_gemeente=(
            vorige_pip.van_gemeente if isinstance(vorige_pip, GeimporteerdePip) else overdracht.van_gemeente
        ),
        overgenomen_pip_id=vorige_pip.id,
        overgenomen_versie=versie.versie,
        eerste_pip_datum=eerste_pip_datum(vorige_pip),
    )
    if not await PipRepository(ctx.session, ctx.gemeente).add_pip(pip):
        # A klantregisseur made one between our look and our insert: the whole transfer is retried and then finds it.
        raise PipInmiddelsOpgesteld("De inburgeraar kreeg zojuist een PIP bij deze gemeente")
    ctx.session.add(
        Signaal(
            id=signaal_id,
            gemeente_code=ctx.gemeente,
            pip_id=pip_id,
            inburgeraar_id=overdracht.inburgeraar_id,
            soort=Signaalsoort.GEMELD.value,
            termijnsoort=Termijnsoort.OVERGENOMEN_PIP.value,
            einddatum=vandaag(),
            regel=REGEL_OVERNAME,
            status="open",
        )
    )
    await ctx.session.flush()
    await ctx.emit(
        PipOpgesteld(
            pip_id=pip_id,
            inburgeraar_id=overdracht.inburgeraar_id,
            leerroute=inhoud.leerroute.value,
            taalniveau=inhoud.taalniveau.value,
        ),
        subject=pip_id,
        resource_path=pad(pip_id),
    )


def _geimporteerd(overdrachten: list[Overdracht]) -> list[GeimporteerdePip]:
    uit: list[GeimporteerdePip] = []
    for overdracht in overdrachten:
        dossier = Overdrachtsdossier.model_validate(overdracht.dossier)
        uit.extend(
            GeimporteerdePip.model_validate(
                {
                    **pip.model_dump(by_alias=False),
                    "van_gemeente": overdracht.van_gemeente,
                    "overdracht_id": overdracht.id,
                    "verhuisdatum": overdracht.verhuisdatum,
                }
            )
            for pip in dossier.pips
        )
        # What the previous gemeente had taken over itself on an earlier move, marked with where it came from.
        uit.extend(dossier.geimporteerd)
    return uit


async def geimporteerd(ctx: RequestContext, inburgeraar_id: uuid.UUID) -> list[GeimporteerdePip]:
    """The PIPs of previous gemeenten of this gemeente's person, as they were handed over."""
    uit = _geimporteerd(await OverdrachtRepository(ctx.session, ctx.gemeente).van_inburgeraar(inburgeraar_id))
    await ctx.verwerk(
        activiteiten.PIP_RAADPLEGEN,
        Actie.LEZEN,
        object_type="inburgeraar",
        object_id=inburgeraar_id,
        betrokkene=_betrokkene(ctx, inburgeraar_id),
    )
    return uit


async def verhuisd(ctx: RequestContext, inburgeraar_id: uuid.UUID, datum: date) -> None:
    """The person moved away (inburgeraar-api's `verhuisd`): the running PIP ends with reason `verhuisd`, every open
    signal lapses, and no signal is raised for the person here again. Once per event (the consumer's inbox); a second
    `verhuisd` finds nothing running and changes nothing."""
    repo = OverdrachtRepository(ctx.session, ctx.gemeente)
    await repo.markeer_verhuisd(inburgeraar_id, datum)
    pip = await repo.lopende_pip(inburgeraar_id)
    if pip is not None:
        # Never before the PIP's own dagtekening: a move reported late still ends the plan on a day it existed.
        einde = max(datum, pip.vastgesteld_datum) if pip.vastgesteld_datum else datum
        pip.status = PipStatus.BEEINDIGD.value
        pip.beeindigd_datum = einde
        pip.beeindigd_reden = Beeindigingsreden.VERHUISD.value
        await ctx.session.flush()
        await ctx.emit(
            PipBeeindigd(
                pip_id=pip.id, inburgeraar_id=inburgeraar_id, datum=einde, reden=Beeindigingsreden.VERHUISD.value
            ),
            subject=pip.id,
            resource_path=pad(pip.id),
        )
        await ctx.verwerk(
            activiteiten.PIP_BEEINDIGEN,
            Actie.WIJZIGEN,
            object_type="pip",
            object_id=pip.id,
            betrokkene=_betrokkene(ctx, inburgeraar_id),
        )
    for signaal in await repo.sluit_signalen(inburgeraar_id):
        await ctx.emit(
            gesloten(SignaalVervallen, signaal),
            subject=signaal.pip_id or signaal.inburgeraar_id,
            resource_path=signaal_pad(signaal.id),
        )
