"""Use cases van de handhavingscontext."""
