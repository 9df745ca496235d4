"""Use cases of the plan context: each takes the request context and flushes; the caller commits."""
