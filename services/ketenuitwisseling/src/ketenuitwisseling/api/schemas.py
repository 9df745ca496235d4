"""Request and response schemas of the exchange's API (JSON lowerCamelCase)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import GEHEEL, Tijdstip, tekst
from ketenuitwisseling.models import Melding, Rapportage

Soort = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9-]{0,49}$", description="De soort feit, bijv. `plicht-vastgesteld`.")
]


class Bron(StrEnum):
    DUO = "duo"
    COA = "coa"


class MeldingStatus(StrEnum):
    NIEUW = "nieuw"
    OPNIEUW = "opnieuw"
    VERWERKT = "verwerkt"
    VEROUDERD = "verouderd"
    WERKLIJST = "werklijst"
    GEWEIGERD = "geweigerd"


class RapportageStatus(StrEnum):
    WACHTRIJ = "wachtrij"
    ONTVANGEN = "ontvangen"
    AFGEWEZEN = "afgewezen"
    VERVANGEN = "vervangen"


Item = Annotated[
    str, Field(pattern=r"^[a-s]$", description="Het item van de gegevenslevering aan DUO, a tot en met s.")
]


class Notificatie(ApiModel):
    """ "Melden": dat er iets veranderde, zonder persoonsgegevens; de uitwisseling haalt het feit zelf op."""

    id: uuid.UUID = Field(description="Id van het feit bij de partner.")
    soort: Soort
    bron: Bron
    gemeentecode: Annotated[str, Field(pattern=r"^[0-9]{4}$")]
    volgnummer: Annotated[int, Field(ge=0, le=2**31 - 1), GEHEEL]
    tijdstip: Tijdstip


class NotificatieOntvangen(ApiModel):
    id: uuid.UUID
    status: MeldingStatus
    ontvangen_op: Tijdstip


class MeldingRead(ApiModel):
    bron: Bron
    id: uuid.UUID
    soort: str
    volgnummer: int
    status: MeldingStatus
    inburgeraar_id: uuid.UUID | None
    gemeld_op: Tijdstip
    ontvangen_op: Tijdstip
    opgehaald_op: Tijdstip | None
    verwerkt_op: Tijdstip | None
    pogingen: int
    uitkomst: str | None = Field(description="Waar het feit heen ging, of waarom niet.")

    @classmethod
    def van(cls, m: Melding) -> MeldingRead:
        return cls(
            bron=Bron(m.bron), id=m.feit_id, soort=m.soort, volgnummer=m.volgnummer, status=MeldingStatus(m.status),
            inburgeraar_id=m.inburgeraar_id, gemeld_op=m.gemeld_at, ontvangen_op=m.ontvangen_at,
            opgehaald_op=m.opgehaald_at, verwerkt_op=m.verwerkt_at, pogingen=m.pogingen, uitkomst=m.uitkomst,
        )  # fmt: skip


class Reden(ApiModel):
    name: str | None = None
    reason: str | None = None
    code: str | None = None


class RapportageRead(ApiModel):
    id: uuid.UUID = Field(description="Het rapportId: DUO ontdubbelt erop.")
    inburgeraar_id: uuid.UUID
    item: str
    gegevens: dict[str, Any] = Field(description="Wat er (zonder BSN) aan DUO gaat of ging.")
    status: RapportageStatus
    pogingen: int
    aangemaakt_op: Tijdstip
    verzonden_op: Tijdstip | None
    ontvangen_op: Tijdstip | None = Field(description="Wanneer DUO de rapportage ontving, volgens DUO.")
    laatste_fout: str | None
    redenen: list[Reden] = Field(description="De redenen van DUO bij een afwijzing.")
    vervangt_id: uuid.UUID | None
    vervangen_door_id: uuid.UUID | None
    bron_event_type: str

    @classmethod
    def van(cls, r: Rapportage) -> RapportageRead:
        return cls(
            id=r.id, inburgeraar_id=r.inburgeraar_id, item=r.item, gegevens=r.gegevens,
            status=RapportageStatus(r.status),
            pogingen=r.pogingen, aangemaakt_op=r.created_at, verzonden_op=r.verzonden_at, ontvangen_op=r.ontvangen_op,
            laatste_fout=r.laatste_fout,
            redenen=[Reden(**{k: p.get(k) for k in ("name", "reason", "code")}) for p in r.redenen or []],
            vervangt_id=r.vervangt_id, vervangen_door_id=r.vervangen_door_id, bron_event_type=r.bron_event_type,
        )  # fmt: skip


class Correctie(ApiModel):
    gegevens: dict[str, Annotated[Any, Field()]] = Field(
        description="De verbeterde inhoud van het item (zonder BSN: dat haalt de uitwisseling bij de bron)."
    )
    toelichting: Annotated[str, tekst(2000)] | None = None


class UitwisselingenRead(ApiModel):
    inburgeraar_id: uuid.UUID
    ontvangen: list[MeldingRead]
    gerapporteerd: list[RapportageRead]


class OverzichtRead(ApiModel):
    rapportages_wachtrij: int = Field(description="Achterstand: nog niet door DUO ontvangen.")
    rapportages_afgewezen: int = Field(description="Op de werklijst: afgewezen door DUO, nog niet opnieuw verzonden.")
    rapportages_ontvangen: int
    oudste_wachtend_sinds: Tijdstip | None
    meldingen_te_verwerken: int
    meldingen_werklijst: int
    meldingen_geweigerd: int
    meldingen_verwerkt: int
