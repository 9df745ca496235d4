"""Logging that cannot leak a BSN: every record is masked where it is made, before any handler sees it."""

from __future__ import annotations

import logging
import re
from typing import Any

_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
_MASK = "*********"


def mask(text: str) -> str:
    return _NINE_DIGITS.sub(_MASK, text)


def _masked(record: logging.LogRecord) -> logging.LogRecord:
    message = record.getMessage()
    masked = mask(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and record.exc_info[1] is not None:
        # Tracebacks carry values too (SQL parameters, messages): formatted and masked once, here.
        record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
    return record


_installed = False


def configure_logging(level: str = "INFO") -> None:
    """Defence in depth: code never logs a BSN on purpose, but a driver or library message might. Masking
    in the record factory covers every handler, also one added later (a log shipper)."""
    global _installed  # noqa: PLW0603 - the record factory is process-wide by nature
    if not _installed:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return _masked(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
