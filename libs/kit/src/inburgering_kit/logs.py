"""Logging that cannot leak a BSN: every record passes a filter that masks nine-digit numbers."""

from __future__ import annotations

import logging
import re

_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


class BsnMaskingFilter(logging.Filter):
    """Defence in depth: code never logs a BSN on purpose, but a driver or library message might."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _NINE_DIGITS.sub("*********", message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = _NINE_DIGITS.sub("*********", text)
        return True


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if not any(isinstance(f, BsnMaskingFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        handler.addFilter(BsnMaskingFilter())
        root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        for h in logging.getLogger(name).handlers:
            h.addFilter(BsnMaskingFilter())
