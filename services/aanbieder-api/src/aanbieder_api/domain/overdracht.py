"""The providers' part of a person's dossier on a move (Besluit inburgering 2021 art. 9.4 lid 4; DOMAIN §6): the
opdrachten the old gemeente gave and the progress providers reported on them, as the new gemeente needs them.

The dossier names the provider (name and KvK number: known nationally) but none of this context's own ids (opdracht,
aanbieder, melding, upload, the deelnemer's pseudonym, a provider's own `kenmerk`): they mean nothing at the new
gemeente. The same model is the export's answer and what the import validates the received dossier against, so what
one deployment exports, another takes in unchanged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from aanbieder_api.domain.aanbieder import DomeinModel, KorteTekst, KvkNummer
from aanbieder_api.domain.enums import Dienst, Leerroute, OpdrachtStatus
from aanbieder_api.domain.melding import Melding
from aanbieder_api.domain.stand import Stand
from inburgering_kit.overdracht import REDEN_VERHUISD, vingerafdruk
from inburgering_kit.strict import Datum, Tijdstip


class Intrekkingsreden(StrEnum):
    """Why an opdracht was withdrawn: also the `reden` of the `opdracht-ingetrokken` event the provider receives."""

    GEMEENTE = "gemeente"
    VERHUISD = REDEN_VERHUISD


class Eindreden(StrEnum):
    AFGEROND = "afgerond"  # the provider reported the final result
    INGETROKKEN = "ingetrokken"  # withdrawn by the gemeente
    VERHUISD = REDEN_VERHUISD  # ended because the person moved to another gemeente


def _utc(tijdstip: datetime) -> datetime:
    return tijdstip.astimezone(UTC)


# In UTC whatever offset it was sent with: one spelling of a moment, so the canonical body (and its hash) is one too.
Moment = Annotated[Tijdstip, AfterValidator(_utc)]

# The reason the provider reads in the version that ended the opdracht.
TEKST_VERHUISD = "De deelnemer is naar een andere gemeente verhuisd; de opdracht is daarom beëindigd."


def eindreden(status: str, intrekkingsreden: str | None) -> Eindreden | None:
    if status == OpdrachtStatus.AFGEROND.value:
        return Eindreden.AFGEROND
    if status == OpdrachtStatus.INGETROKKEN.value:
        return Eindreden.VERHUISD if intrekkingsreden == Intrekkingsreden.VERHUISD.value else Eindreden.INGETROKKEN
    return None


class OvergedragenAanbieder(DomeinModel):
    naam: KorteTekst
    kvk_nummer: KvkNummer


class OvergedragenMelding(DomeinModel):
    """One report of the provider as it was received, without the provider's own `kenmerk`."""

    gemeld_op: Moment
    melding: Melding


class OvergedragenOpdracht(DomeinModel):
    aanbieder: OvergedragenAanbieder = Field(description="De cursusinstelling.")
    onderdeel: Dienst = Field(description="Soort: het onderdeel van het PIP (of de leerbaarheidstoets).")
    leerroute: Leerroute | None = None
    cursusnaam: KorteTekst | None = None
    cursusonderdelen: Annotated[tuple[KorteTekst, ...], Field(max_length=30)] = ()
    uren_gecontracteerd: Annotated[int, Field(ge=0, le=10_000)] | None = Field(
        default=None, description="Te besteden uren volgens de opdracht."
    )
    geplande_startdatum: Datum
    geplande_einddatum: Datum
    status: OpdrachtStatus
    verstrekt_op: Moment
    eindreden: Eindreden | None = Field(
        default=None,
        description="Waarom de opdracht eindigde: `afgerond`, `ingetrokken` of `verhuisd`; leeg zolang hij loopt.",
    )
    einddatum: Datum | None = Field(default=None, description="Datum van afronden of intrekken.")
    stand: Stand = Field(description="Wat de meldingen samen opleverden: start, uren, resultaat, niveau.")
    meldingen: Annotated[tuple[OvergedragenMelding, ...], Field(max_length=5000)] = Field(
        default=(), description="Alle voortgangsmeldingen, oudste eerst."
    )


class EerderOvergenomen(DomeinModel):
    """The providers' part a gemeente itself took over from the gemeente before it: passed on, flat."""

    van_gemeente: Annotated[str, Field(pattern=r"^[0-9]{4}$")]
    verhuisdatum: Datum | None = None
    opdrachten: Annotated[tuple[OvergedragenOpdracht, ...], Field(max_length=200)] = ()


class Overdrachtsdossier(DomeinModel):
    """Het deel van het dossier van aanbieder-api voor de nieuwe gemeente: de opdrachten aan aanbieders en de gemelde
    voortgang (presentie, uren, resultaten), en wat de gemeente eerder zelf overnam."""

    opdrachten: Annotated[tuple[OvergedragenOpdracht, ...], Field(max_length=200)] = ()
    eerder_overgenomen: Annotated[tuple[EerderOvergenomen, ...], Field(max_length=50)] = Field(
        default=(), description="Voortgang die deze gemeente bij een eerdere verhuizing overnam, per vorige gemeente."
    )


def inhoud_hash(inburgeraar_id: str, van_gemeente: str, verhuisdatum: date | None, dossier: dict[str, Any]) -> str:
    """SHA-256 of the body in canonical form (the dossier as the model normalises it, keys sorted): the same transfer
    sent again has the same hash, however its JSON was spelled."""
    body = {
        "inburgeraarId": inburgeraar_id,
        "vanGemeente": van_gemeente,
        "verhuisdatum": verhuisdatum.isoformat() if verhuisdatum else None,
        "dossier": dossier,
    }
    return vingerafdruk(body)
