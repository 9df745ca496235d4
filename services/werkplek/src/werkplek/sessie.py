"""Who is signed in: a session held in one cookie, encrypted and authenticated (Fernet: AES-128-CBC with
HMAC-SHA256), so the werkplek keeps no state of its own and any number of replicas serve the same user.

The cookie is HttpOnly, SameSite=Strict, and outside development Secure with the `__Host-` prefix (see
`inburgering_kit.web`). It carries the user's access token (never shown to the browser's scripts, of which there
are none), the CSRF token of every form, and two times: it ends after `sessie_inactief_minuten` without a request,
after `sessie_max_uren` at most, when the access token expires, or on sign-out. Each page re-issues it with the new
time of last use, so an idle timeout slides and an absolute one does not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass

from cryptography.fernet import Fernet, InvalidToken

SESSIE = "werkplek-sessie"
AANMELD_CSRF = "werkplek-aanmelden"
OIDC_STAAT = "werkplek-oidc"


@dataclass(frozen=True)
class Sessie:
    token: str
    csrf: str
    naam: str
    begonnen: float
    laatst: float

    @classmethod
    def nieuw(cls, token: str, naam: str) -> Sessie:
        nu = time.time()
        return cls(token=token, csrf=secrets.token_urlsafe(32), naam=naam, begonnen=nu, laatst=nu)

    def gebruikt(self) -> Sessie:
        return Sessie(self.token, self.csrf, self.naam, self.begonnen, time.time())


class Kluis:
    """Seals and opens the werkplek's cookies with a key derived from the configured secret."""

    def __init__(self, sleutel: str, *, inactief_seconden: int, max_seconden: int) -> None:
        # A key of any length and shape from configuration, as the 32 bytes Fernet wants: SHA-256 with a label,
        # so the same secret used elsewhere would not give the same key.
        ruw = hashlib.sha256(b"werkplek-sessie\x00" + sleutel.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(ruw))
        self.inactief_seconden = inactief_seconden
        self.max_seconden = max_seconden

    def verzegel(self, waarde: dict[str, object]) -> str:
        return self._fernet.encrypt(json.dumps(waarde, separators=(",", ":")).encode()).decode()

    def open(self, cookie: str | None, *, ttl: int) -> dict[str, object] | None:
        if not cookie:
            return None
        try:
            return dict(json.loads(self._fernet.decrypt(cookie.encode(), ttl=ttl)))
        except (InvalidToken, ValueError, TypeError):
            return None

    def sessie_cookie(self, sessie: Sessie) -> str:
        return self.verzegel(asdict(sessie))

    def sessie(self, cookie: str | None) -> Sessie | None:
        waarde = self.open(cookie, ttl=self.max_seconden)
        if waarde is None:
            return None
        try:
            sessie = Sessie(**waarde)  # type: ignore[arg-type]
        except TypeError:
            return None
        nu = time.time()
        if nu - sessie.laatst > self.inactief_seconden or nu - sessie.begonnen > self.max_seconden:
            return None
        return sessie
