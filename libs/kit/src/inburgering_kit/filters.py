"""Filters on several ids at once: a repeatable query parameter (`?inburgeraarId=a&inburgeraarId=b`), so a page
about many persons asks a collection once instead of once per person.

Bounded, like the page size: more than `MAX_IDS` is a 400 problem naming the parameter, as is an id that is not a
UUID. An empty or absent filter means "not filtered", as a single-valued filter would.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Query

MAX_IDS = 100


def id_filter(alias: str, wat: str) -> Any:
    """The `Query` of a repeatable id filter; use as `Annotated[list[uuid.UUID] | None, id_filter(...)] = None`."""
    return Query(
        alias=alias,
        max_length=MAX_IDS,
        description=f"Alleen die van deze {wat}; herhaalbaar (`{alias}=…&{alias}=…`), ten hoogste {MAX_IDS}.",
    )


def als_lijst(ids: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
    """The distinct ids in their order, or None when the filter was not given."""
    return list(dict.fromkeys(ids)) if ids else None
