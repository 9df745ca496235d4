"""The burgerservicenummer (BSN) as a value type that keeps itself out of logs.

`str(bsn)` gives the digits, for storage and for DUO; `repr(bsn)` is masked, and validation errors never
repeat the rejected input.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Annotated, Any, NoReturn

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "INVALID_BSN_MESSAGE",
    "Bsn",
    "BsnField",
    "InvalidBsn",
    "contains_bsn",
    "is_valid_bsn",
    "pseudonymise",
]

INVALID_BSN_MESSAGE = "geen geldig BSN (9 cijfers, 11-proef)"

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_DIGITS = frozenset("0123456789")


class InvalidBsn(ValueError):  # noqa: N818 - reads as "invalid BSN", the domain term
    """The value is not a BSN. The message never contains the value."""

    def __init__(self) -> None:
        super().__init__(INVALID_BSN_MESSAGE)


def is_valid_bsn(value: str) -> bool:
    """9 ASCII digits, 11-proef, not all zeros."""
    # str.isdigit() would also accept other scripts' digits, which DUO does not.
    if len(value) != 9 or not _DIGITS.issuperset(value) or value == "000000000":
        return False
    return sum(w * int(d) for w, d in zip(_WEIGHTS, value, strict=True)) % 11 == 0


# Nine digits on their own, or in the groups people write a BSN in (123.456.782, 1234 56 782), with one separator
# throughout; a longer run of digits (a phone or an account number) is no BSN.
_IN_TEXT = re.compile(
    r"(?<![0-9])(?:[0-9]{9}|[0-9]{3}([ .\-])[0-9]{3}\1[0-9]{3}|[0-9]{4}([ .\-])[0-9]{2}\2[0-9]{3})(?![0-9])"
)


def contains_bsn(text: str) -> bool:
    """Whether free text holds a number that passes for a BSN (9 digits, 11-proef): such text may not reach anyone
    who must not see a BSN, even when someone typed it there by mistake."""
    return any(is_valid_bsn(re.sub(r"[ .\-]", "", m.group(0))) for m in _IN_TEXT.finditer(text))


class Bsn:
    """A valid BSN. Immutable, compared and hashed on its digits."""

    __slots__ = ("_digits",)
    _digits: str

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not is_valid_bsn(value):
            raise InvalidBsn
        object.__setattr__(self, "_digits", value)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Bsn is onveranderlijk")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Bsn is onveranderlijk")

    def __reduce__(self) -> tuple[type[Bsn], tuple[str]]:
        # copy/pickle would otherwise restore the slot with setattr, which is blocked.
        return (Bsn, (self._digits,))

    def __str__(self) -> str:
        return self._digits

    def __repr__(self) -> str:
        return f"Bsn('*******{self._digits[-2:]}')"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Bsn):
            return self._digits == other._digits
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._digits)


def pseudonymise(bsn: Bsn, key: bytes) -> str:
    """HMAC-SHA256 (hex) of the digits: a stable subject id that cannot be reversed without the key."""
    if not key:
        # Without a key this is a plain hash, and the BSN space is small enough to enumerate.
        raise ValueError("pseudonimiseringssleutel ontbreekt")
    return hmac.new(key, str(bsn).encode("ascii"), hashlib.sha256).hexdigest()


class _Redacted(str):
    """Stands in for the raw input so pydantic's error records (`input`) and messages cannot show it."""

    __slots__ = ("raw",)
    raw: object


def _redact(value: object) -> _Redacted:
    redacted = _Redacted("***")
    redacted.raw = value
    return redacted


def _to_bsn(value: _Redacted) -> Bsn:
    raw = value.raw
    if isinstance(raw, Bsn):
        return raw
    if isinstance(raw, str) and is_valid_bsn(raw):
        return Bsn(raw)
    raise PydanticCustomError("bsn_invalid", INVALID_BSN_MESSAGE)


class _BsnSchema:
    def __get_pydantic_core_schema__(self, source_type: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.chain_schema(
            [
                # Errors report the input of the step that failed, which is then the redacted stand-in.
                core_schema.no_info_plain_validator_function(_redact),
                core_schema.no_info_plain_validator_function(_to_bsn),
            ],
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": "^[0-9]{9}$",
            "minLength": 9,
            "maxLength": 9,
            "description": "Burgerservicenummer: 9 cijfers die voldoen aan de 11-proef.",
            "examples": ["999993653"],
        }


BsnField = Annotated[Bsn, _BsnSchema()]
"""Pydantic field type: accepts a string (or a `Bsn`), yields a `Bsn`, serialises to JSON as the digits."""
