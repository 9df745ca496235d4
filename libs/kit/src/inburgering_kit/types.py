"""Field types whose validation matches what the OpenAPI document promises, no more and no less.

Pydantic's lax mode reads `0` as 1970-01-01 and a whitespace-only string as text; a client reading the
contract expects both to be refused. These types close that gap, so a request that violates the contract
is always a 400 and one that satisfies it is never refused for its shape.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise PydanticCustomError("date_type", "verwacht een datum als JJJJ-MM-DD")


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATETIME.match(value)):
        return value
    raise PydanticCustomError("datetime_type", "verwacht een tijdstip volgens RFC 3339, met tijdzone")


Datum = Annotated[date, BeforeValidator(_iso_date)]
Tijdstip = Annotated[datetime, BeforeValidator(_iso_datetime)]

# At least one visible character (whitespace or control characters alone are no text), and no control character
# anywhere but tab and line breaks: NUL cannot be stored by PostgreSQL, and ESC or BEL in a name reach a terminal or
# a letter as commands. Anchored with classes that read the same in ECMA, Python and Rust regexes: the C1 controls
# are named too, since Python's `\s` and str.strip() take U+0085 for whitespace and ECMA's `\s` does not.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
TEXT_PATTERN = rf"^[^{_CONTROL}]*[^\s\x00-\x1f\x7f-\x9f][^{_CONTROL}]*$"
# The same on one line: no tab or line break either (names, codes, references).
LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"

# An e-mail address in ASCII, with bounded parts: the same in every regex dialect a client may check it with.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+'\-]{1,64}@[A-Za-z0-9\-]{1,63}(\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,63}$"


def tekst(max_length: int, *, regels: bool = True) -> StringConstraints:
    """Constraints of a bounded, trimmed text with at least one visible character: `Annotated[str, tekst(200)]`.

    No control characters; tab and line breaks only where `regels` (multi-line text) allows them."""
    pattern = TEXT_PATTERN if regels else LINE_PATTERN
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length, pattern=pattern)
