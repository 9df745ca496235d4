"""Callback URLs may not point into our own network (server-side request forgery): a subscriber could
otherwise make this service POST to the database, the metadata endpoint of the cloud, or an admin port.

Checked when a subscription is created or changed and again before attempts (an answer at most a second
old), because the DNS answer for a name can change after it was accepted. What remains is the window between
this check and the connection (DNS rebinding within seconds); the egress policy in deploy/k8s closes it.
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from notificaties.domain.adressen import adres, verboden


class GeweigerdAdres(ValueError):  # noqa: N818 - a reason to refuse, shown to the subscriber
    pass


def check_scheme(url: str, *, allow_http: bool) -> tuple[str, int | None]:
    """Host and port of `url`, if its shape is acceptable; raises `GeweigerdAdres` otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise GeweigerdAdres("de callbackUrl is geen geldige URL") from exc
    allowed = {"https", "http"} if allow_http else {"https"}
    if parts.scheme not in allowed:
        raise GeweigerdAdres("de callbackUrl moet https gebruiken")
    if not parts.hostname:
        raise GeweigerdAdres("de callbackUrl heeft geen host")
    if parts.username or parts.password:
        raise GeweigerdAdres("de callbackUrl mag geen gebruikersnaam of wachtwoord bevatten")
    return parts.hostname, port


async def check_url(url: str, *, allow_http: bool, allow_private: bool) -> None:
    host, port = check_scheme(url, allow_http=allow_http)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise GeweigerdAdres("de host van de callbackUrl is niet te vinden") from exc
    for info in infos:
        if verboden(adres(str(info[4][0]))):
            raise GeweigerdAdres("de callbackUrl wijst naar een intern, lokaal of gereserveerd adres")
