"""This context's part of a person's dossier on a move (Besluit inburgering 2021 art. 9.4 lid 4; DOMAIN §6): the
PIPs with every vastgesteld version, the outcomes of MAP and PVT, the progress conversations and the providers'
progress (hours, attendance, results, route advice) as the old gemeente holds them.

One model serves both ways: the old gemeente's `GET /overdrachtsdossiers/{inburgeraarId}` answers it, the new
gemeente's `PUT /overdrachten/{overdrachtId}` validates the `dossier` it receives against it, so what one deployment
gives the other takes in unchanged. Unknown fields are refused (a misspelt field is an error the sender sees).

The new gemeente "in principle takes over the PIP agreements, adjusting where local circumstances demand": it gets
the agreements of the last vastgesteld version as a concept of its own (`over_te_nemen`); the vaststelling is its own
decision, with its own dagtekening.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from inburgering_kit.overdracht import dossierfouten
from inburgering_kit.problems import Unprocessable
from inburgering_kit.strict import Datum
from pip_api.domain.pip import Beeindigingsreden, DomeinModel, KorteTekst, PipInhoud, PipStatus, Tekst
from pip_api.domain.uitkomst import RedenNietBehaald

Gemeentecode = Annotated[str, Field(pattern=r"^[0-9]{4}$")]
Uren = Annotated[float, Field(ge=0, le=100_000)]


class DossierOngeldig(Unprocessable):
    code = "dossier-ongeldig"
    title = "Het overgedragen dossierdeel voldoet niet aan het model van deze context."


class OvergenomenVan(DomeinModel):
    """Where a PIP's agreements came from when they were taken over on an earlier move."""

    overdracht_id: uuid.UUID = Field(description="De overdracht waarmee de afspraken binnenkwamen.")
    van_gemeente: Gemeentecode = Field(description="De gemeente waarvan de afspraken zijn overgenomen.")
    pip_id: uuid.UUID | None = Field(default=None, description="Het PIP bij die gemeente.")
    versie: int | None = Field(default=None, ge=1, description="De versie waarvan de afspraken zijn overgenomen.")
    eerste_pip_datum: Datum | None = Field(
        default=None, description="Dagtekening van het eerste PIP daar (start van de termijn van een asielmigrant)."
    )


class PipVersieDeel(PipInhoud):
    """A vastgesteld version: its agreements as decided, with its dates and reason."""

    versie: int = Field(ge=1)
    dagtekening: Datum
    verzenddatum: Datum
    ingangsdatum: Datum
    reden: Tekst | None = Field(default=None, description="Waarom het PIP in deze versie wijzigde.")
    gewijzigde_velden: tuple[str, ...] = Field(default=(), max_length=50)


class UitkomstDeel(DomeinModel):
    """The gemeente's judgement on a MAP or PVT part not achieved (reasons, verwijtbaarheid)."""

    id: uuid.UUID
    onderdeel: Literal["map", "pvt"]
    datum: Datum
    redenen: tuple[RedenNietBehaald, ...] = Field(max_length=20)
    verwijtbaar: bool
    toelichting: Tekst | None = None


class VoortgangsgesprekDeel(DomeinModel):
    id: uuid.UUID
    gepland_datum: Datum
    gehouden_datum: Datum | None = None
    uitkomst: Tekst | None = None
    afspraken: tuple[Tekst, ...] = Field(default=(), max_length=20)
    niet_verschenen_op: Datum | None = None
    niet_verschenen_reden: Tekst | None = None


class AanwezigheidDeel(DomeinModel):
    """One reported attendance period of an opdracht, in the order the reports arrived."""

    periode_van: Datum | None = None
    periode_tot: Datum | None = None
    uren_aanwezig: Uren | None = None
    uren_afwezig_geoorloofd: Uren = 0
    uren_afwezig_ongeoorloofd: Uren = 0


class ResultaatDeel(DomeinModel):
    soort: KorteTekst = Field(description="`tussenresultaat`, `examenresultaat` of `eindresultaat`.")
    uitslag: KorteTekst | None = None
    datum: Datum
    niveau: KorteTekst | None = None


class OpdrachtDeel(DomeinModel):
    """Progress on one PIP part at one aanbieder, as aanbieder-api's events reported it to the old gemeente."""

    opdracht_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: KorteTekst
    status: KorteTekst = Field(description="`verstrekt`, `gestart`, `afgerond` of `ingetrokken` (aanbieder-api).")
    geplande_startdatum: Datum | None = None
    geplande_einddatum: Datum | None = None
    start_gemeld_datum: Datum | None = None
    laatste_melding_datum: Datum | None = None
    uren_aanwezig: Uren = 0
    uren_taal: Uren = 0
    uren_participatie: Uren = 0
    uren_gecontracteerd: int | None = Field(default=None, ge=0, le=100_000)
    niveau: KorteTekst | None = None
    eindresultaat: KorteTekst | None = None
    eindresultaat_datum: Datum | None = None
    aanwezigheid: tuple[AanwezigheidDeel, ...] = Field(default=(), max_length=2000)
    resultaten: tuple[ResultaatDeel, ...] = Field(default=(), max_length=500)


class RouteadviesDeel(DomeinModel):
    opdracht_id: uuid.UUID
    advies: KorteTekst = Field(description="`routewissel`, `afschalen` of `opschalen`.")
    ontvangen_datum: Datum


class PipDeel(DomeinModel):
    """One PIP of the person at the old gemeente with everything under it."""

    id: uuid.UUID = Field(description="Het PIP bij de vorige gemeente.")
    status: PipStatus
    versie: int = Field(ge=0, description="De huidige vastgestelde versie; 0 bij een concept.")
    inhoud: PipInhoud = Field(description="De afspraken zoals ze nu gelden (bij een concept: het concept).")
    vastgesteld_datum: Datum | None = None
    beeindigd_datum: Datum | None = None
    beeindigd_reden: Beeindigingsreden | None = None
    beeindigd_toelichting: Tekst | None = None
    overgenomen_van: OvergenomenVan | None = Field(
        default=None, description="Bij een PIP dat zelf bij een eerdere verhuizing is overgenomen: waarvan."
    )
    versies: tuple[PipVersieDeel, ...] = Field(max_length=1000, description="Elke vastgestelde versie, oplopend.")
    uitkomsten: tuple[UitkomstDeel, ...] = Field(default=(), max_length=100)
    voortgangsgesprekken: tuple[VoortgangsgesprekDeel, ...] = Field(default=(), max_length=500)
    opdrachten: tuple[OpdrachtDeel, ...] = Field(
        default=(),
        max_length=200,
        description="Voortgang bij de aanbieders per onderdeel: uren, aanwezigheid, resultaten.",
    )
    routeadviezen: tuple[RouteadviesDeel, ...] = Field(default=(), max_length=200)


class GeimporteerdePip(PipDeel):
    """A PIP of the previous gemeente, kept read-only as history of this gemeente's person: never one of this
    gemeente's own PIPs (not in its CBS delivery, monitoring, signals or reports to DUO)."""

    geimporteerd: Literal[True] = True
    van_gemeente: Gemeentecode = Field(description="De gemeente waarvan het PIP is overgenomen.")
    overdracht_id: uuid.UUID
    verhuisdatum: Datum | None = None


class Overdrachtsdossier(DomeinModel):
    """pip-api's part of the dossier of one person, for the new gemeente after a move (Besluit inburgering 2021
    art. 9.4 lid 4). Ids, codes, dates, hours and the gemeente's own texts; no BSN and no name."""

    inburgeraar_id: uuid.UUID = Field(description="De inburgeraar bij de vorige (overdragende) gemeente.")
    gemeente: Gemeentecode = Field(description="De overdragende gemeente.")
    pips: tuple[PipDeel, ...] = Field(max_length=100, description="Alle PIP's van de persoon, oudste eerst.")
    geimporteerd: tuple[GeimporteerdePip, ...] = Field(
        default=(),
        max_length=100,
        description="De PIP's die deze gemeente zelf bij een eerdere verhuizing van een vorige gemeente overnam, "
        "zoals ze binnenkwamen: na meer verhuizingen reist de hele historie mee.",
    )


def lees_dossier(dossier: dict[str, Any]) -> Overdrachtsdossier:
    """The `dossier` of a PUT, validated; every invalid field named under `dossier.`."""
    try:
        return Overdrachtsdossier.model_validate(dossier)
    except ValidationError as fout:
        raise DossierOngeldig(
            "Het dossier is niet wat `GET /overdrachtsdossiers/{inburgeraarId}` van pip-api geeft",
            invalid_params=dossierfouten(fout, dossier),
        ) from None


def _lopend(pips: tuple[PipDeel, ...]) -> list[PipDeel]:
    return [
        p
        for p in pips
        if p.versies
        and (
            p.status is PipStatus.VASTGESTELD
            or (p.status is PipStatus.BEEINDIGD and p.beeindigd_reden is Beeindigingsreden.VERHUISD)
        )
    ]


def over_te_nemen(dossier: Overdrachtsdossier) -> tuple[PipDeel, PipVersieDeel] | None:
    """The PIP and version whose agreements the new gemeente takes over: the last vastgesteld version of the PIP that
    was running when the person moved (still vastgesteld, or ended because of the move). When the old gemeente never
    vaststelde one of its own after taking the person over itself, the agreements in force are still those it took
    over. None when there is none (a PIP that ended for another reason, or only a concept): nothing to take over."""
    lopend = _lopend(dossier.pips) or _lopend(tuple(dossier.geimporteerd))
    if not lopend:
        return None
    pip = max(lopend, key=lambda p: (p.status is PipStatus.VASTGESTELD, p.versies[-1].dagtekening))
    return pip, max(pip.versies, key=lambda v: v.versie)


def eerste_pip_datum(pip: PipDeel) -> date:
    """The dagtekening of the person's first PIP: where the old gemeente took it over itself, the one before."""
    if pip.overgenomen_van is not None and pip.overgenomen_van.eerste_pip_datum is not None:
        return pip.overgenomen_van.eerste_pip_datum
    eerste = min(pip.versies, key=lambda v: v.versie)
    return eerste.dagtekening


def inhoud_van(versie: PipVersieDeel) -> PipInhoud:
    """The agreements of a version for the new gemeente's concept: without the old klantregisseur, who is not this
    gemeente's."""
    velden = set(PipInhoud.model_fields)
    return PipInhoud.model_validate({**versie.model_dump(include=velden, by_alias=False), "klantregisseur": None})


class Overname(DomeinModel):
    """What `PUT /overdrachten/{overdrachtId}` did: the history taken in and the concept PIP made of it."""

    overdracht_id: uuid.UUID
    inburgeraar_id: uuid.UUID = Field(description="De inburgeraar bij deze (nieuwe) gemeente.")
    van_gemeente: Gemeentecode
    verhuisdatum: Datum | None = None
    geimporteerde_pips: int = Field(ge=0, description="Aantal PIP's van de vorige gemeente, als historie bewaard.")
    geimporteerde_versies: int = Field(ge=0, description="Aantal vastgestelde versies daarvan.")
    overgenomen_pip_id: uuid.UUID | None = Field(
        default=None,
        description="Het PIP dat deze gemeente als concept opstelde met de afspraken van de laatste vastgestelde "
        "versie, om zelf vast te stellen; leeg als er niets over te nemen was of de inburgeraar hier al een lopend "
        "PIP heeft.",
    )
    signaal_id: uuid.UUID | None = Field(
        default=None, description="Het signaal `overgenomen-pip` op de werklijst van de klantregisseur."
    )
