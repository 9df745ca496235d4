"""The kit's field types, as strict as the contract reads.

Pydantic's lax mode takes `0`, `1` and `"yes"` for a boolean and `true` for an integer, checks `maxLength` after
trimming, and reads any four digits as a year (0071). A client reading the contract expects all of them refused,
with the field named; these types do that for this service's request schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StrictInt
from pydantic_core import PydanticCustomError

from inburgering_kit import types as kit

__all__ = ["EERSTE_DATUM", "LAATSTE_DATUM", "Datum", "Geheel", "JaNee", "Tijdstip", "tekst", "weglaatbaar"]

# Nobody in this register was born, linked or summoned before 1900; nothing is planned beyond 2100. Outside that a
# date is a typing error (a year 0071 is 1971 or 2071 mistyped), not a fact to keep.
EERSTE_DATUM = date(1900, 1, 1)
LAATSTE_DATUM = date(2100, 12, 31)

JaNee = StrictBool
Geheel = StrictInt


def _binnen_bereik(value: date) -> date:
    if not EERSTE_DATUM <= value <= LAATSTE_DATUM:
        raise PydanticCustomError(
            "date_range",
            "verwacht een datum van {eerste} tot en met {laatste}",
            {"eerste": EERSTE_DATUM.isoformat(), "laatste": LAATSTE_DATUM.isoformat()},
        )
    return value


def _tijdstip_binnen_bereik(value: datetime) -> datetime:
    _binnen_bereik(value.astimezone(UTC).date() if value.tzinfo else value.date())
    return value


Datum = Annotated[kit.Datum, AfterValidator(_binnen_bereik)]
Tijdstip = Annotated[kit.Tijdstip, AfterValidator(_tijdstip_binnen_bereik)]


def _hooguit(max_length: int) -> BeforeValidator:
    def check(value: Any) -> Any:
        if isinstance(value, str) and len(value) > max_length:
            raise PydanticCustomError("string_too_long", "hooguit {max_length} tekens", {"max_length": max_length})
        return value

    return BeforeValidator(check)


@dataclass(frozen=True)
class _Tekst(GroupedMetadata):
    max_length: int

    def __iter__(self) -> Iterator[object]:
        yield kit.tekst(self.max_length)
        # Applied after the constraints, so it runs ahead of the kit's trimming: maxLength counts what was sent.
        yield _hooguit(self.max_length)


def tekst(max_length: int) -> GroupedMetadata:
    """The kit's bounded text, its length checked on the text as sent: `Annotated[str, tekst(200)]`."""
    return _Tekst(max_length)


def weglaatbaar() -> Any:
    """A PATCH field that may be left out but not sent as `null`: it is required of the resource, so it cannot be
    cleared. The contract shows it non-nullable; `null` is refused like any other wrong type."""
    return Field(default=None, json_schema_extra=_zonder_default)


def _zonder_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)
