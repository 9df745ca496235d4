"""The answer to a report, as the provider gets it (and as its Idempotency-Key keeps it for a retry)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from aanbieder_api.domain.aanbieder import DomeinModel
from aanbieder_api.domain.enums import Kanaal, Meldingsoort, OpdrachtStatus
from aanbieder_api.domain.stand import Stand


class MeldingOntvangen(DomeinModel):
    """Het antwoord op een melding: de melding, de status en stand van de opdracht erna."""

    id: uuid.UUID
    opdracht_id: uuid.UUID
    soort: Meldingsoort
    kanaal: Kanaal
    gemeld_op: datetime
    al_ontvangen: bool = Field(description="Dezelfde melding was er al (via welk kanaal ook): er veranderde niets.")
    status: OpdrachtStatus
    stand: Stand
