"""Who may do what on the event bus: one NATS user per service, allowed to publish only its own events and to
read only through its own durable consumers; an admin user for operations and tests; a separate system account.

User/password rather than NKeys: a password travels in the one setting every process already reads (the NATS URL
or `nats_user`/`nats_password`) and in a Kubernetes Secret as a plain value, with no seed file to mount per process;
NKeys would keep the secret off the server, but the server config here is as private as the passwords are.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from inburgering_kit.events import EVENT_OWNERS, TYPE_PREFIX

ACCOUNT = "INBURGERING"
SYSTEM_ACCOUNT = "SYS"
ADMIN_USER = "beheer"
SYSTEM_USER = "systeem"


@dataclass(frozen=True)
class BusUser:
    """A service on the bus: the durable consumers it reads through, each with its filter subject."""

    service: str
    consumes: tuple[tuple[str, str], ...] = ()

    @property
    def publishes(self) -> str | None:
        prefixes = [prefix for prefix, owner in EVENT_OWNERS.items() if owner == self.service]
        return f"{TYPE_PREFIX}.{prefixes[0]}.>" if prefixes else None

    def permissions(self) -> dict[str, dict[str, list[str]]]:
        publish = [self.publishes] if self.publishes else []
        # What a JetStream client needs for the stream (created by whoever comes first) and its own consumers.
        publish += ["$JS.API.INFO", "$JS.API.STREAM.INFO.*", "$JS.API.STREAM.CREATE.*"]
        for durable, filter_subject in self.consumes:
            publish += [
                # The filter is part of the subject, so a service cannot create a consumer reading anything else.
                f"$JS.API.CONSUMER.CREATE.*.{durable}.{filter_subject}",
                f"$JS.API.CONSUMER.INFO.*.{durable}",
                f"$JS.API.CONSUMER.MSG.NEXT.*.{durable}",
                f"$JS.ACK.*.{durable}.>",
            ]
        return {"publish": {"allow": publish}, "subscribe": {"allow": ["_INBOX.>"]}}


# The consumers per service, by durable name and filter; a service's consumer with another name or filter is refused.
def _retentie(service: str) -> tuple[str, str]:
    """The consumer through which a context learns the end of a person's plicht, for its retention job."""
    return (f"{service}-retentie", f"{TYPE_PREFIX}.inburgeraar.einde-plicht-gewijzigd")


BUS_USERS: tuple[BusUser, ...] = (
    BusUser("inburgeraar-api", (("inburgeraar-api-aanbieder", f"{TYPE_PREFIX}.aanbieder.>"),)),
    BusUser(
        "pip-api",
        (
            ("pip-api", f"{TYPE_PREFIX}.inburgeraar.>"),
            ("pip-api-aanbieder", f"{TYPE_PREFIX}.aanbieder.>"),
            _retentie("pip-api"),
        ),
    ),
    BusUser(
        "aanbieder-api",
        (
            ("aanbieder-api", f"{TYPE_PREFIX}.pip.>"),
            ("aanbieder-api-inburgeraar", f"{TYPE_PREFIX}.inburgeraar.>"),
            _retentie("aanbieder-api"),
        ),
    ),
    BusUser("notificaties", (("notificaties", f"{TYPE_PREFIX}.>"),)),
    BusUser(
        "handhaving-api",
        (
            ("handhaving-api-inburgeraar", f"{TYPE_PREFIX}.inburgeraar.>"),
            ("handhaving-api-pip", f"{TYPE_PREFIX}.pip.>"),
            ("handhaving-api-aanbieder", f"{TYPE_PREFIX}.aanbieder.>"),
            _retentie("handhaving-api"),
        ),
    ),
    # Subscribes only: it publishes no events (the reports to DUO go out over HTTP).
    BusUser(
        "ketenuitwisseling",
        (
            ("ketenuitwisseling-pip", f"{TYPE_PREFIX}.pip.>"),
            ("ketenuitwisseling-aanbieder", f"{TYPE_PREFIX}.aanbieder.>"),
            ("ketenuitwisseling-inburgeraar", f"{TYPE_PREFIX}.inburgeraar.>"),
            ("ketenuitwisseling-handhaving", f"{TYPE_PREFIX}.handhaving.>"),
            # The move that starts a dossier transfer (its own inbox beside the reports' consumer).
            ("ketenuitwisseling-verhuizing", f"{TYPE_PREFIX}.inburgeraar.verhuizing-aangemeld"),
        ),
    ),
)
# The werkplek has no bus user on purpose: it publishes and consumes nothing (it owns no data; it asks the APIs).


@dataclass(frozen=True)
class NatsAccess:
    """The passwords of every bus user; renders the server's accounts and each user's connection URL."""

    passwords: dict[str, str]

    @classmethod
    def generate(cls) -> NatsAccess:
        users = [ADMIN_USER, SYSTEM_USER, *(user.service for user in BUS_USERS)]
        return cls({user: secrets.token_urlsafe(24) for user in users})

    @classmethod
    def load_or_create(cls, path: Path) -> NatsAccess:
        """The passwords kept in `path` (created 0600 on first use), plus new ones for users added since."""
        known: dict[str, str] = {}
        if path.exists():
            known = json.loads(path.read_text())
        access = cls({**cls.generate().passwords, **known})
        if access.passwords != known:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                json.dump(access.passwords, out, indent=2)
        return access

    def server_config(self) -> str:
        """The `accounts` and `system_account` part of nats-server's config (JSON is valid NATS config)."""
        services = [
            {"user": user.service, "password": self.passwords[user.service], "permissions": user.permissions()}
            for user in BUS_USERS
        ]
        accounts = {
            ACCOUNT: {
                "jetstream": "enabled",
                "users": [{"user": ADMIN_USER, "password": self.passwords[ADMIN_USER]}, *services],
            },
            SYSTEM_ACCOUNT: {"users": [{"user": SYSTEM_USER, "password": self.passwords[SYSTEM_USER]}]},
        }
        body = json.dumps({"accounts": accounts, "system_account": SYSTEM_ACCOUNT}, indent=2)
        return body[1:-1].strip() + "\n"

    def url(self, server_url: str, user: str) -> str:
        """`server_url` (comma separated servers allowed) with this user's credentials in each."""
        return with_credentials(server_url, user, self.passwords[user])


def with_credentials(server_url: str, user: str, password: str) -> str:
    urls = []
    for one in server_url.split(","):
        parts = urlsplit(one.strip())
        host = parts.netloc.rpartition("@")[2]
        netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
        urls.append(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)))
    return ",".join(urls)


def has_credentials(server_url: str) -> bool:
    return all(urlsplit(one.strip()).username for one in server_url.split(","))


def password_variable(user: str) -> str:
    """The environment variable (from a Kubernetes Secret) the production config reads `user`'s password from."""
    return f"{user.upper().replace('-', '_')}_NATS_PASSWORD"


def production_config() -> str:
    """The users part of deploy/k8s/nats.conf: the same users and permissions, passwords from the environment."""

    def user_line(user: str, permissions: object = None) -> str:
        # Unquoted `$NAME`: nats-server substitutes the environment variable.
        extra = f", permissions: {json.dumps(permissions)}" if permissions else ""
        return f'      {{user: "{user}", password: ${password_variable(user)}{extra}}}'

    lines = ["accounts {", f"  {ACCOUNT} {{", "    jetstream: enabled", "    users: ["]
    lines.append(user_line(ADMIN_USER))
    lines += [user_line(user.service, user.permissions()) for user in BUS_USERS]
    lines += ["    ]", "  }", f"  {SYSTEM_ACCOUNT} {{", "    users: [", user_line(SYSTEM_USER), "    ]", "  }", "}"]
    lines.append(f"system_account: {SYSTEM_ACCOUNT}")
    return "\n".join(lines) + "\n"
