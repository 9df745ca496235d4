"""HTTP plumbing for pages that people use (the provider portal, the werkplek): strict cookies, CSRF, reading a
posted form by hand, and a use case's refusal turned into messages at the form's fields.

Security, after the NCSC ICT-beveiligingsrichtlijnen voor webapplicaties and OWASP's cheat sheets:
- cookies HttpOnly, SameSite=Strict, and outside development Secure with the `__Host-` prefix;
- every form POST carries a CSRF token that is compared in constant time, and a post whose `Origin` is another
  site's or `null` is refused;
- a form body is bounded in size and field count, and must be `application/x-www-form-urlencoded`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs, urlsplit

from fastapi import Request, Response

from inburgering_kit.html import Fouten, Veld
from inburgering_kit.problems import Problem

MAX_FORMULIER = 64 * 1024


def cookie_naam(naam: str, *, veilig: bool) -> str:
    # `__Host-`: the browser accepts it only with Secure, Path=/ and no Domain, so no other host can set it.
    return f"__Host-{naam}" if veilig else naam


def zet_cookie(response: Response, naam: str, waarde: str, max_age: int, *, veilig: bool) -> None:
    response.set_cookie(
        cookie_naam(naam, veilig=veilig),
        waarde,
        max_age=max_age,
        path="/",
        secure=veilig,
        httponly=True,
        samesite="strict",
    )


def wis_cookie(response: Response, naam: str, *, veilig: bool) -> None:
    response.delete_cookie(cookie_naam(naam, veilig=veilig), path="/", secure=veilig, httponly=True, samesite="strict")


class FormulierGeweigerd(Problem):
    status = 403
    code = "formulier-geweigerd"
    title = "Dit formulier is verlopen of komt niet van deze site."


class FormulierOngeldig(Problem):
    status = 400
    code = "formulier-ongeldig"
    title = "Het formulier kon niet worden gelezen."


async def lees_formulier(request: Request, max_bytes: int = MAX_FORMULIER) -> dict[str, list[str]]:
    """An `application/x-www-form-urlencoded` body, read by hand: every value per name, bounded in size."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise FormulierOngeldig("Verwacht een HTML-formulier.")
    origin = request.headers.get("origin")
    # SameSite=Strict already keeps the cookie off cross-site posts; this refuses them outright. `null` is refused
    # too (a sandboxed frame, a data: URL or a redirect across sites sends it): a page's own referrer policy
    # (`same-origin`) makes a browser send the real origin on the site's own posts. Behind a proxy, the Host header
    # must reach the service unchanged.
    if origin is not None and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host")):
        raise FormulierGeweigerd("Verstuurd vanaf een andere site.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise FormulierOngeldig("Het formulier is te groot.")
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormulierOngeldig("Het formulier kon niet worden gelezen.") from exc


def controleer_csrf(verwacht: str | None, gekregen: str | None) -> None:
    if not verwacht or not gekregen or not hmac.compare_digest(verwacht.encode(), gekregen.encode()):
        raise FormulierGeweigerd("CSRF-token ontbreekt of klopt niet.")


def probleem_fouten(exc: Problem, velden: Iterable[Veld], leesbaar: Callable[[str], str] = str) -> Fouten:
    """A refusal by a use case as messages on the form: each on the field its `invalidParams` names, else above
    the form."""
    fouten = Fouten()
    namen = {v.naam for v in velden}
    for param in exc.invalid_params or []:
        tekst = leesbaar(param.reason)
        fouten.voeg_toe(param.name if param.name in namen else None, tekst[:1].upper() + tekst[1:])
    if not fouten:
        fouten.voeg_toe(None, leesbaar(exc.detail or exc.title))
    return fouten
