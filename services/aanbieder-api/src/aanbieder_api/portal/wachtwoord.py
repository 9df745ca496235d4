"""Passwords of portal accounts: scrypt (RFC 7914) from the standard library, a random salt per password.

The stored form names its parameters (`scrypt$n$r$p$salt$hash`), so the cost can be raised later without
invalidating existing passwords: a password stored with lower parameters still verifies, and `verouderd` tells
the caller to store it again. scrypt costs about 16 MiB and tens of milliseconds per check: callers run it in a
worker thread, never on the event loop.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

# OWASP Password Storage Cheat Sheet: scrypt with N=2^17, r=8, p=1 is the first recommendation; N=2^14 keeps a
# check near 50 ms on a shared 2-core host, still far beyond what an offline guesser can afford per guess at scale.
N, R, P = 2**14, 8, 1
_LENGTE = 32
_MAXMEM = 64 * 1024 * 1024
MINIMALE_LENGTE = 12  # NCSC ICT-beveiligingsrichtlijnen voor webapplicaties: lange wachtwoorden boven complexe


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _scrypt(wachtwoord: str, zout: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(wachtwoord.encode(), salt=zout, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=_LENGTE)


def versleutel(wachtwoord: str) -> str:
    zout = secrets.token_bytes(16)
    return f"scrypt${N}${R}${P}${_b64(zout)}${_b64(_scrypt(wachtwoord, zout, N, R, P))}"


def klopt(wachtwoord: str, opgeslagen: str) -> bool:
    try:
        soort, n, r, p, zout, verwacht = opgeslagen.split("$")
        if soort != "scrypt":
            return False
        berekend = _scrypt(wachtwoord, base64.b64decode(zout), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(berekend, base64.b64decode(verwacht))


def verouderd(opgeslagen: str) -> bool:
    return not opgeslagen.startswith(f"scrypt${N}${R}${P}$")


@functools.cache
def schijnwaarde() -> str:
    """Checked when the account does not exist, so that an unknown e-mail address costs as much time as a wrong
    password: the answer's timing does not tell which addresses have an account."""
    return versleutel(secrets.token_urlsafe(16))


def zwak(wachtwoord: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(wachtwoord) < MINIMALE_LENGTE:
        return f"Kies een wachtwoord van minstens {MINIMALE_LENGTE} tekens."
    if len(wachtwoord) > 200:
        return "Kies een wachtwoord van hoogstens 200 tekens."
    if len(set(wachtwoord)) < 5:
        return "Kies een wachtwoord met meer verschillende tekens."
    return None
