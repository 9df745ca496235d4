"""W3C Trace Context: every request continues the caller's trace (or starts one) with its own span."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    flags: str = "01"

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def new_span(traceparent: str | None) -> TraceContext:
    """A child span of `traceparent`, or a new trace when the header is absent or malformed."""
    match = _TRACEPARENT.match(traceparent.strip().lower()) if traceparent else None
    span_id = secrets.token_hex(8)
    if match and match.group(1) != "0" * 32 and match.group(2) != "0" * 16:
        return TraceContext(match.group(1), span_id, match.group(2), match.group(3))
    return TraceContext(secrets.token_hex(16), span_id, None)


current_trace: ContextVar[TraceContext | None] = ContextVar("current_trace", default=None)


def current() -> TraceContext:
    trace = current_trace.get()
    if trace is None:
        trace = new_span(None)
        current_trace.set(trace)
    return trace
