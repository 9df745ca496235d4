"""The kit's field types for request schemas, as strict as the contract reads.

Pydantic's lax mode takes `0`, `1` and `"yes"` for a boolean and `true` for an integer, checks `maxLength` after
trimming, and reads any four digits as a year (0071). A client reading the contract expects all of them refused,
with the field named; these types do that for every service's request schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, WithJsonSchema
from pydantic_core import PydanticCustomError

from inburgering_kit import types as kit

__all__ = ["EERSTE_DATUM", "GEHEEL", "LAATSTE_DATUM", "Datum", "JaNee", "Tijdstip", "tekst", "weglaatbaar"]

# Nobody in this register was born, linked or summoned before 1900; nothing is planned beyond 2100. Outside that a
# date is a typing error (a year 0071 is 1971 or 2071 mistyped), not a fact to keep.
EERSTE_DATUM = date(1900, 1, 1)
LAATSTE_DATUM = date(2100, 12, 31)

JaNee = StrictBool


def _getal(value: Any) -> Any:
    # JSON's 12.0 is the integer 12 (JSON Schema agrees), so not StrictInt; `true` and "12" are no integers.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "verwacht een geheel getal")
    return value


# Placed last in `Annotated[int, Field(ge=..., le=...), GEHEEL]`: the bounds stay on the integer schema (and in the
# contract as minimum and maximum), and this check runs before them.
GEHEEL = BeforeValidator(_getal)


def _binnen_bereik(value: date) -> date:
    if not EERSTE_DATUM <= value <= LAATSTE_DATUM:
        raise PydanticCustomError(
            "date_range",
            "verwacht een datum van {eerste} tot en met {laatste}",
            {"eerste": EERSTE_DATUM.isoformat(), "laatste": LAATSTE_DATUM.isoformat()},
        )
    return value


def _tijdstip_binnen_bereik(value: datetime) -> datetime:
    # The date as written (not converted to UTC), so the contract's pattern on the year says the same.
    _binnen_bereik(value.date())
    return value


# The range in the contract too, as a pattern on the year: a generated client or fuzzer then knows 0071 is refused.
_JAAR = "(19[0-9]{2}|20[0-9]{2}|2100)"
_DATUM_SCHEMA = {"type": "string", "format": "date", "pattern": f"^{_JAAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}
_TIJDSTIP_SCHEMA = {"type": "string", "format": "date-time", "pattern": f"^{_JAAR}-"}

Datum = Annotated[kit.Datum, AfterValidator(_binnen_bereik), WithJsonSchema(_DATUM_SCHEMA)]
Tijdstip = Annotated[kit.Tijdstip, AfterValidator(_tijdstip_binnen_bereik), WithJsonSchema(_TIJDSTIP_SCHEMA)]


def _hooguit(max_length: int) -> BeforeValidator:
    def check(value: Any) -> Any:
        if isinstance(value, str) and len(value) > max_length:
            raise PydanticCustomError("string_too_long", "hooguit {max_length} tekens", {"max_length": max_length})
        return value

    return BeforeValidator(check)


@dataclass(frozen=True)
class _Tekst(GroupedMetadata):
    max_length: int
    regels: bool

    def __iter__(self) -> Iterator[object]:
        yield kit.tekst(self.max_length, regels=self.regels)
        # Applied after the constraints, so it runs ahead of the kit's trimming: maxLength counts what was sent.
        yield _hooguit(self.max_length)


def tekst(max_length: int, *, regels: bool = True) -> GroupedMetadata:
    """The kit's bounded text, its length checked on the text as sent: `Annotated[str, tekst(200)]`. With
    `regels=False` one line (names, codes, references): no tab or line break either (see `kit.tekst`)."""
    return _Tekst(max_length, regels)


def weglaatbaar() -> Any:
    """A PATCH field that may be left out but not sent as `null`: it is required of the resource, so it cannot be
    cleared. The contract shows it non-nullable; `null` is refused like any other wrong type."""
    return Field(default=None, json_schema_extra=_zonder_default)


def _zonder_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)
