"""`page`/`pageSize` query parameters and the paged response every collection returns."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

MAX_PAGE_SIZE = 100


class PageParams(BaseModel):
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def page_params(
    page: Annotated[int, Query(ge=1, le=100_000, description="Paginanummer, vanaf 1.")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE, description="Aantal resultaten per pagina.")
    ] = 20,
) -> PageParams:
    return PageParams(page=page, page_size=page_size)


Paging = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    page: int = Field(description="Het paginanummer van deze pagina.")
    pageSize: int = Field(description="Het maximale aantal resultaten per pagina.")  # noqa: N815
    totalItems: int = Field(description="Het totale aantal resultaten.")  # noqa: N815
    totalPages: int = Field(description="Het totale aantal pagina's.")  # noqa: N815
    resultaten: list[T]

    @classmethod
    def of(cls, items: list[T], total: int, params: PageParams) -> Page[T]:
        return cls(
            page=params.page,
            pageSize=params.page_size,
            totalItems=total,
            totalPages=math.ceil(total / params.page_size) if total else 0,
            resultaten=items,
        )


async def paginate(
    session: AsyncSession, query: Select[Any], paging: PageParams, *order_by: Any
) -> tuple[Sequence[Any], int]:
    """One page of `query` and the total number of rows it matches."""
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    page = query.order_by(*order_by).offset(paging.offset).limit(paging.page_size)
    return (await session.execute(page)).scalars().all(), total
