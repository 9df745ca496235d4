"""Signing in to the portal: accounts, sessions, the lockout after repeated failures.

The numbers follow the NCSC ICT-beveiligingsrichtlijnen voor webapplicaties (sessions that end after inactivity
and after a maximum duration; a limit on guessing) and OWASP's Authentication and Session Management cheat
sheets. Every refusal of a sign-in gives one and the same answer: it never tells whether an address has an
account, whether the password was wrong or whether the account is blocked.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address

import anyio.to_thread
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from aanbieder_api.models import PortaalAccount, PortaalSessie
from aanbieder_api.portal import wachtwoord
from aanbieder_api.portal.repository import PortaalRepository
from inburgering_kit.db import Database
from inburgering_kit.problems import Conflict, NotFound, Unprocessable, invalid

logger = logging.getLogger(__name__)

SESSIE_MAXIMAAL = timedelta(hours=8)  # one working day, then sign in again
SESSIE_INACTIEF = timedelta(minutes=30)
MAXIMUM_POGINGEN = 5
BLOKKADE = timedelta(minutes=15)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normaliseer_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class Aangemeld:
    token: str  # goes into the cookie, never stored
    sessie: PortaalSessie


@dataclass(frozen=True)
class ActieveSessie:
    sessie: PortaalSessie
    account: PortaalAccount
    aanbieder_naam: str


class AccountBestaatAl(Conflict):
    code = "account-bestaat-al"
    title = "Er is al een portaalaccount met dit e-mailadres."


class WachtwoordTeZwak(Unprocessable):
    code = "wachtwoord-te-zwak"
    title = "Het wachtwoord is te zwak."


class WachtwoordGeweigerd(Unprocessable):
    """A password change refused; `invalid_params` names the form field concerned (`huidig` or `nieuw`)."""

    code = "wachtwoord-geweigerd"
    title = "Het wachtwoord is niet gewijzigd."

    def __init__(self, veld: str, reden: str, code: str) -> None:
        super().__init__(reden, invalid_params=[invalid(veld, reden, code)])


async def maak_account(
    session: AsyncSession,
    *,
    gemeente: str,
    aanbieder_id: uuid.UUID,
    email: str,
    naam: str,
    wachtwoord_: str,
    moet_wijzigen: bool = False,
) -> PortaalAccount:
    """A new account for an employee of an aanbieder registered by `gemeente` (flushes; the caller commits).
    `moet_wijzigen`: the password was handed out, and is replaced by one of the employee's own at first sign-in."""
    repo = PortaalRepository(session)
    if await repo.aanbieder(gemeente, aanbieder_id) is None:
        raise NotFound(f"Aanbieder {aanbieder_id} bestaat niet.")
    reden = wachtwoord.zwak(wachtwoord_)
    if reden is None and normaliseer_email(wachtwoord_) == normaliseer_email(email):
        reden = "Kies een wachtwoord dat niet het e-mailadres is."
    if reden is not None:
        raise WachtwoordTeZwak(reden, invalid_params=[invalid("wachtwoord", reden, "te-zwak")])
    account = PortaalAccount(
        gemeente_code=gemeente,
        aanbieder_id=aanbieder_id,
        email=normaliseer_email(email),
        naam=naam.strip(),
        wachtwoord_hash=await anyio.to_thread.run_sync(wachtwoord.versleutel, wachtwoord_),
        actief=True,
        wachtwoord_wijzigen=moet_wijzigen,
        mislukte_pogingen=0,
    )
    try:
        async with session.begin_nested():
            await repo.voeg_toe(account)
    except IntegrityError as exc:
        raise AccountBestaatAl(invalid_params=[invalid("email", "al in gebruik", "bestaat-al")]) from exc
    return account


async def gemeenten(session: AsyncSession) -> list[str]:
    """The gemeenten an employee can sign in for: those with an active portal account."""
    return list(await PortaalRepository(session).gemeenten())


async def meld_aan(session: AsyncSession, gemeente: str, email: str, wachtwoord_: str) -> Aangemeld | None:
    """A new session, or None for every kind of refusal. The caller commits in both cases: a failure is counted.
    An address is an account per gemeente (one employee can work for two), so the gemeente is part of the name."""
    repo = PortaalRepository(session)
    gevonden = await repo.account_op_email(gemeente, normaliseer_email(email))
    opgeslagen = gevonden[0].wachtwoord_hash if gevonden is not None else wachtwoord.schijnwaarde()
    # Always one scrypt: a blocked or unknown account answers as slowly as a wrong password.
    juist = await anyio.to_thread.run_sync(wachtwoord.klopt, wachtwoord_, opgeslagen)
    if gevonden is None:
        logger.info("portaal: aanmelden geweigerd (onbekend adres)")
        return None
    account, geblokkeerd = gevonden
    if not account.actief or geblokkeerd:
        logger.info("portaal: aanmelden geweigerd (account %s inactief of geblokkeerd)", account.id)
        return None
    if not juist:
        await repo.mislukt(account.id, maximum=MAXIMUM_POGINGEN, blokkade=BLOKKADE)
        logger.info("portaal: aanmelden geweigerd (onjuist wachtwoord voor account %s)", account.id)
        return None
    nieuwe_hash = None
    if wachtwoord.verouderd(account.wachtwoord_hash):
        nieuwe_hash = await anyio.to_thread.run_sync(wachtwoord.versleutel, wachtwoord_)
    await repo.aangemeld(account.id, nieuwe_hash)
    await repo.ruim_verlopen_sessies_op()
    token = secrets.token_urlsafe(32)
    sessie = await repo.nieuwe_sessie(account.id, token_hash(token), secrets.token_urlsafe(32), SESSIE_MAXIMAAL)
    logger.info("portaal: account %s aangemeld", account.id)
    return Aangemeld(token, sessie)


async def actieve_sessie(session: AsyncSession, token: str | None) -> ActieveSessie | None:
    if not token or len(token) > 100:
        return None
    gevonden = await PortaalRepository(session).actieve_sessie(token_hash(token), SESSIE_INACTIEF)
    return ActieveSessie(*gevonden) if gevonden is not None else None


async def meld_af(session: AsyncSession, token: str) -> None:
    await PortaalRepository(session).verwijder_sessie(token_hash(token))


def initieel_wachtwoord() -> str:
    """A password the gemeente hands to a new employee once; 120 random bits."""
    return secrets.token_urlsafe(15)


async def wijzig_wachtwoord(session: AsyncSession, actief: ActieveSessie, huidig: str, nieuw: str) -> None:
    """The employee's own new password, or `WachtwoordGeweigerd`. Every other session of the account ends: whoever
    knew the old password (the one handed out, or one that leaked) is signed out everywhere. A wrong current
    password counts towards the lockout like a wrong one at sign-in: the caller commits on a refusal too."""
    repo = PortaalRepository(session)
    if not await anyio.to_thread.run_sync(wachtwoord.klopt, huidig, actief.account.wachtwoord_hash):
        await repo.mislukt(actief.account.id, maximum=MAXIMUM_POGINGEN, blokkade=BLOKKADE)
        raise WachtwoordGeweigerd("huidig", "Het huidige wachtwoord klopt niet.", "onjuist")
    reden = wachtwoord.zwak(nieuw)
    if reden is not None:
        raise WachtwoordGeweigerd("nieuw", reden, "te-zwak")
    if nieuw == huidig:
        raise WachtwoordGeweigerd("nieuw", "Kies een ander wachtwoord dan het huidige.", "ongewijzigd")
    # The address is the first guess of anyone who knows it (and it shows in every report the employee makes).
    if normaliseer_email(nieuw) == actief.account.email:
        raise WachtwoordGeweigerd("nieuw", "Kies een wachtwoord dat niet uw e-mailadres is.", "gelijk-aan-email")
    await repo.nieuw_wachtwoord(actief.account.id, await anyio.to_thread.run_sync(wachtwoord.versleutel, nieuw))
    await repo.verwijder_andere_sessies(actief.account.id, actief.sessie.token_hash)
    logger.info("portaal: account %s koos een nieuw wachtwoord", actief.account.id)


async def accounts(session: AsyncSession, gemeente: str, aanbieder_id: uuid.UUID) -> list[PortaalAccount]:
    repo = PortaalRepository(session)
    if await repo.aanbieder(gemeente, aanbieder_id) is None:
        raise NotFound(f"Aanbieder {aanbieder_id} bestaat niet.")
    return list(await repo.accounts(aanbieder_id))


async def deactiveer(
    session: AsyncSession, gemeente: str, aanbieder_id: uuid.UUID, account_id: uuid.UUID
) -> PortaalAccount:
    """The account can no longer sign in, and its sessions end now (an employee who left, a lost laptop)."""
    repo = PortaalRepository(session)
    account = await repo.account(gemeente, aanbieder_id, account_id)
    if account is None:
        raise NotFound(f"Portaalaccount {account_id} bestaat niet.")
    account.actief = False
    await repo.verwijder_andere_sessies(account.id, None)
    await session.flush()
    logger.info("portaal: account %s gedeactiveerd", account.id)
    return account


async def registreer_account(
    database_url: str,
    *,
    gemeente: str,
    aanbieder_id: str,
    email: str,
    naam: str,
    wachtwoord_: str,
    moet_wijzigen: bool,
) -> uuid.UUID:
    """`maak_account` in a transaction of its own, for the stack's `portal-account` command."""
    database = Database(database_url, pool_size=1)
    try:
        async with database.unit_of_work() as uow:
            account = await maak_account(
                uow.session, gemeente=gemeente, aanbieder_id=uuid.UUID(aanbieder_id), email=email, naam=naam,
                wachtwoord_=wachtwoord_, moet_wijzigen=moet_wijzigen,
            )  # fmt: skip
            await uow.commit()
        return account.id
    finally:
        await database.dispose()


Netwerk = IPv4Network | IPv6Network


def client_adres(peer: str | None, forwarded_for: Sequence[str], vertrouwd: Sequence[Netwerk]) -> str:
    """The address a request came from, for the brake: the peer's, unless the peer is a trusted proxy. Then the
    `X-Forwarded-For` entries are read from the right (each proxy appends the address it saw) up to the first one
    that is not a trusted proxy; what lies to the left of it is whatever the client chose to send and is ignored.
    uvicorn runs with `--no-proxy-headers`, so `peer` is the TCP peer and not a header's claim."""
    if peer is None:
        return "onbekend"
    if not _vertrouwd(peer, vertrouwd):
        return peer
    adres = peer
    for regel in reversed(forwarded_for):
        for deel in reversed(regel.split(",")):
            kandidaat = deel.strip()
            try:
                ip_address(kandidaat)
            except ValueError:
                return adres  # not written by a proxy of ours: the last address one of them vouched for
            adres = kandidaat
            if not _vertrouwd(kandidaat, vertrouwd):
                return adres
    return adres


def _vertrouwd(adres: str, vertrouwd: Sequence[Netwerk]) -> bool:
    try:
        ip = ip_address(adres)
    except ValueError:
        return False
    return any(ip in netwerk for netwerk in vertrouwd if netwerk.version == ip.version)


class Begrenzer:
    """Failed sign-ins per client address in a sliding window: against guessing one password for many accounts,
    which the per-account lockout does not see. Kept in the process (each replica counts its own, a restart
    forgets): a brake on top of the lockout, which is the durable limit. Behind a proxy the address is the one the
    trusted proxies forwarded (`client_adres`); without that setting every client would count as the proxy."""

    def __init__(self, maximum: int = 30, venster: timedelta = BLOKKADE, max_adressen: int = 100_000) -> None:
        self.maximum, self.venster, self.max_adressen = maximum, venster, max_adressen
        self._mislukt: dict[str, deque[float]] = {}

    def _recent(self, adres: str, nu: float) -> deque[float]:
        tijden = self._mislukt.get(adres)
        if tijden is None:
            if len(self._mislukt) >= self.max_adressen:
                # Bounded memory under a flood of addresses: forget the oldest entry.
                self._mislukt.pop(next(iter(self._mislukt)))
            tijden = self._mislukt[adres] = deque()
        while tijden and tijden[0] <= nu - self.venster.total_seconds():
            tijden.popleft()
        return tijden

    def geweigerd(self, adres: str) -> bool:
        return len(self._recent(adres, time.monotonic())) >= self.maximum

    def mislukt(self, adres: str) -> None:
        self._recent(adres, time.monotonic()).append(time.monotonic())
