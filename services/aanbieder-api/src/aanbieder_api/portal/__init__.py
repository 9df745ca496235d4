"""The provider portal: sign-in, opdrachten and progress reports as server-rendered pages (see `pages`).

`router` is imported on first use, not with the package: the service's models import the portal's tables
(`aanbieder_api.portal.models`) and must not pull in the pages, which import the service layer in turn.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "router":
        from aanbieder_api.portal.pages import router  # noqa: PLC0415 - see the module docstring

        return router
    raise AttributeError(name)
