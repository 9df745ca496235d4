"""An aanbieder event about an opdracht made before any PIP (leerbaarheidstoets, maatschappelijke begeleiding) is
no PIP part's progress: the projection passes it by instead of dead-lettering it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from inburgering_kit.events import CloudEvent
from pip_api.services.aanbiedervoortgang import lees


def _verstrekt(pip_id: uuid.UUID | None) -> CloudEvent:
    return CloudEvent(
        id=str(uuid.uuid4()),
        source="urn:nld:oin:00000001234567890000:systeem:aanbieder-api",
        type="nl.inburgering.aanbieder.opdracht-verstrekt",
        time=datetime.now(UTC),
        subject=str(uuid.uuid4()),
        gemeentecode="0363",
        data={
            "opdrachtId": str(uuid.uuid4()),
            "pipId": None if pip_id is None else str(pip_id),
            "inburgeraarId": str(uuid.uuid4()),
            "aanbiederId": str(uuid.uuid4()),
            "onderdeel": "leerbaarheidstoets",
            "geplandeStartdatum": "2026-05-01",
            "geplandeEinddatum": "2026-06-01",
        },
    )


def test_een_opdracht_zonder_pip_wordt_overgeslagen() -> None:
    assert lees(_verstrekt(None)) is None


def test_een_opdracht_onder_een_pip_wordt_gelezen() -> None:
    pip_id = uuid.uuid4()
    gelezen = lees(_verstrekt(pip_id))
    assert gelezen is not None and gelezen.pip_id == pip_id
