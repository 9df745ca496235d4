"""Use cases of the enforcement context: they take plain values and return ORM rows or dataclasses."""
