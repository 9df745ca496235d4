"""Request and response schemas of the abonnementen resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from inburgering_kit.schemas import ApiModel
from inburgering_kit.types import Tijdstip, tekst
from notificaties.domain.aflevering import (
    HERHAALTERMIJN_MAX_UREN,
    HERHAALTERMIJN_MIN_UREN,
    HERHAALTERMIJN_STANDAARD_UREN,
)

# One line each: a line break in a URL, a filter or a header value would split the request it ends up in.
Url = Annotated[str, tekst(2000, regels=False), Field(description="Absolute https-URL die de notificaties ontvangt.")]
Filter = Annotated[str, tekst(255, regels=False)]
AuthorizationHeader = Annotated[str, tekst(1000, regels=False)]

HERHAALSCHEMA = (
    "Een mislukte aflevering (geen 2xx, time-out of verbindingsfout) wordt opnieuw geprobeerd: de eerste keer na "
    "ongeveer 2 seconden, daarna telkens na twee keer zo lang (willekeurig tussen de helft en het geheel, zodat "
    "herhalingen zich spreiden), nooit langer dan 15 minuten tussen twee pogingen: ten hoogste 2, 4, 8, ..., 512 "
    "seconden, daarna elke 15 minuten, ruim 100 pogingen in 24 uur. Dat gaat door tot de "
    "herhaaltermijn, gerekend vanaf de eerste mislukte poging, voorbij is; de laatste poging valt op het einde "
    "van de termijn. Mislukt ook die, dan wordt de aflevering `dead-letter`. Intussen worden de andere events "
    "van het abonnement gewoon afgeleverd; alleen latere events over hetzelfde object (`subject`) wachten op de "
    "mislukte, zodat een ontvanger de events over één object in volgorde krijgt."
)
Herhaaltermijn = Annotated[
    int,
    Field(
        ge=HERHAALTERMIJN_MIN_UREN,
        le=HERHAALTERMIJN_MAX_UREN,
        description=f"Hoe lang (uren) een mislukte aflevering opnieuw wordt geprobeerd. {HERHAALSCHEMA}",
    ),
]


class Formaat(StrEnum):
    CLOUDEVENTS = "cloudevents"
    VNG_NOTIFICATIES = "vng-notificaties"


class AbonnementStatus(StrEnum):
    ACTIEF = "actief"
    GEPAUZEERD = "gepauzeerd"


class AfleveringStatus(StrEnum):
    WACHTEND = "wachtend"
    AFGELEVERD = "afgeleverd"
    DEAD_LETTER = "dead-letter"


class AbonnementCreate(ApiModel):
    callback_url: Url
    authorization_header: AuthorizationHeader | None = Field(
        default=None,
        description="Waarde van de `Authorization`-header die bij elke aflevering wordt meegestuurd. Wordt "
        "versleuteld bewaard en nooit teruggegeven.",
    )
    type_prefix: Filter | None = Field(
        default=None, description="Alleen events waarvan `type` zo begint, bv. `nl.inburgering.inburgeraar.`."
    )
    source: Filter | None = Field(default=None, description="Alleen events met precies deze `source`.")
    subject: Filter | None = Field(default=None, description="Alleen events over dit object (`subject`).")
    formaat: Formaat = Field(
        default=Formaat.CLOUDEVENTS,
        description="`cloudevents` (CloudEvents 1.0, gestructureerd) of `vng-notificaties` (VNG Notificaties API 1.0).",
    )
    herhaaltermijn_uren: Herhaaltermijn = HERHAALTERMIJN_STANDAARD_UREN


class AbonnementUpdate(ApiModel):
    """Alleen de meegegeven velden wijzigen; `null` wist een filter of de authorization-header."""

    callback_url: Url | None = None
    authorization_header: AuthorizationHeader | None = None
    type_prefix: Filter | None = None
    source: Filter | None = None
    subject: Filter | None = None
    formaat: Formaat | None = None
    herhaaltermijn_uren: Herhaaltermijn | None = None


class Afleverstand(ApiModel):
    """Tellingen over wat er nog is: afgeronde afleveringen tellen mee tot hun bewaartermijn (standaard 7 dagen)."""

    wachtend: int = Field(description="Nog af te leveren (ook: wacht op een nieuwe poging).")
    afgeleverd: int
    dead_letter: int = Field(
        description="Opgegeven: ook de laatste poging binnen de herhaaltermijn mislukte. Met `_opnieuw` opnieuw af "
        "te leveren."
    )
    laatst_afgeleverd_op: datetime | None = None


class AbonnementRead(ApiModel):
    id: uuid.UUID
    callback_url: str
    heeft_authorization_header: bool
    type_prefix: str | None
    source: str | None
    subject: str | None
    formaat: Formaat
    herhaaltermijn_uren: Herhaaltermijn
    status: AbonnementStatus
    aangemaakt_op: datetime
    afleverstand: Afleverstand


class AbonnementAangemaakt(AbonnementRead):
    geheim: str = Field(
        description="Sleutel (`whsec_...`) van de `webhook-signature` (Standard Webhooks). Wordt alleen nu getoond."
    )


class AfleveringRead(ApiModel):
    id: uuid.UUID
    event_id: str
    event_type: str
    event_time: datetime
    status: AfleveringStatus = Field(
        description="`wachtend` (in de wachtrij of wacht op een nieuwe poging), `afgeleverd` (2xx ontvangen) of "
        f"`dead-letter` (opgegeven na de herhaaltermijn van het abonnement). {HERHAALSCHEMA}"
    )
    pogingen: int
    volgende_poging_op: datetime | None = Field(description="Alleen bij status `wachtend`.")
    laatste_poging_op: datetime | None
    laatste_statuscode: int | None
    laatste_duur_ms: int | None = Field(description="Duur van de laatste poging in milliseconden.")
    laatste_fout: str | None
    afgeleverd_op: datetime | None


class OpnieuwAfleveren(ApiModel):
    vanaf: Tijdstip = Field(description="Events met `time` vanaf dit tijdstip (inclusief).")
    tot: Tijdstip = Field(description="Events met `time` tot dit tijdstip (exclusief).")


class OpnieuwAfleverenResultaat(ApiModel):
    aantal: int = Field(description="Aantal afleveringen dat opnieuw in de queued staat.")
