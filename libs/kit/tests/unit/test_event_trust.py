"""A consumer believes an event only if its type is its subject and its source the owner of that subject."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inburgering_kit.events import CloudEvent, owner_of, source_urn, untrusted_because
from inburgering_kit.nats_access import has_credentials, with_credentials

OIN = "00000001002564440000"


def _event(type_: str, source: str) -> CloudEvent:
    return CloudEvent(id="1", source=source, type=type_, time=datetime.now(UTC), subject="s", data={})


class TestOwner:
    @pytest.mark.parametrize(
        ("type_", "owner"),
        [
            ("nl.inburgering.pip.pip-vastgesteld", "pip-api"),
            ("nl.inburgering.inburgeraar.bsn-vastgelegd", "inburgeraar-api"),
            ("nl.inburgering.aanbieder.voortgang-gemeld", "aanbieder-api"),
            ("nl.inburgering.notificaties.x", None),
            ("nl.inburgeringx.pip.x", None),
            ("com.example.pip.x", None),
        ],
    )
    def test_owner_by_type_prefix(self, type_: str, owner: str | None) -> None:
        assert owner_of(type_) == owner


class TestTrust:
    def test_the_owners_event_is_believed(self) -> None:
        event = _event("nl.inburgering.pip.pip-vastgesteld", source_urn(OIN, "pip-api"))
        assert untrusted_because(event, "nl.inburgering.pip.pip-vastgesteld", OIN) is None

    @pytest.mark.parametrize(
        ("type_", "subject", "source"),
        [
            # Another service claims pip-api's event.
            (
                "nl.inburgering.pip.pip-vastgesteld",
                "nl.inburgering.pip.pip-vastgesteld",
                source_urn(OIN, "aanbieder-api"),
            ),
            # The right service at another organisation.
            (
                "nl.inburgering.pip.pip-vastgesteld",
                "nl.inburgering.pip.pip-vastgesteld",
                source_urn("1" * 20, "pip-api"),
            ),
            # A pip event smuggled in on aanbieder-api's own subject.
            ("nl.inburgering.pip.pip-vastgesteld", "nl.inburgering.aanbieder.x", source_urn(OIN, "pip-api")),
            ("nl.inburgering.pip.pip-vastgesteld", "nl.inburgering.pip.pip-vastgesteld", "urn:test"),
            ("nl.inburgering.onbekend.x", "nl.inburgering.onbekend.x", source_urn(OIN, "onbekend")),
        ],
    )
    def test_anything_else_is_refused(self, type_: str, subject: str, source: str) -> None:
        assert untrusted_because(_event(type_, source), subject, OIN) is not None


class TestCredentials:
    def test_credentials_go_into_every_server_url(self) -> None:
        url = with_credentials("nats://a:4222, nats://old:pw@b:4222", "pip-api", "p/w@")
        assert url == "nats://pip-api:p%2Fw%40@a:4222,nats://pip-api:p%2Fw%40@b:4222"
        assert has_credentials(url)
        assert not has_credentials("nats://a:4222,nats://u:p@b:4222")
