from __future__ import annotations

from inburgering_kit.testing.service import isolation

_isolated = isolation()
