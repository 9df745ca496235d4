"""Use cases of the person context. They own no transaction: the request (or unit of work) commits."""
