"""A consumer believes an event only if its type is its subject and its source the owner of that subject."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from inburgering_kit.auth import AuthSettings
from inburgering_kit.events import CloudEvent, owner_of, source_urn, untrusted_because
from inburgering_kit.nats_access import (
    ADMIN_USER,
    BUS_USERS,
    SYSTEM_USER,
    has_credentials,
    password_variable,
    production_config,
    with_credentials,
)
from inburgering_kit.settings import ServiceSettings

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


class TestProductionConfig:
    def test_deploy_nats_conf_has_the_users_and_permissions_of_the_kit(self) -> None:
        conf = (Path(__file__).resolve().parents[4] / "deploy" / "k8s" / "base" / "nats.conf").read_text()
        assert conf.endswith(production_config()), "regenerate the users part with nats_access.production_config()"

    def test_every_k8s_container_gets_its_nats_user_and_password_and_nats_gets_every_password(self) -> None:
        k8s = Path(__file__).resolve().parents[4] / "deploy" / "k8s" / "base"
        docs = [d for f in sorted(k8s.glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d]
        config = {d["metadata"]["name"]: d["data"] for d in docs if d.get("kind") == "ConfigMap"}
        deployments = [d for d in docs if d.get("kind") == "Deployment"]
        assert deployments
        for deployment in deployments:
            spec = deployment["spec"]["template"]["spec"]
            for container in spec.get("initContainers", []) + spec["containers"]:
                where = f"{deployment['metadata']['name']}/{container['name']}"
                (config_name,) = [e["configMapRef"]["name"] for e in container["envFrom"] if "configMapRef" in e]
                prefix = config_name.upper().replace("-", "_")
                if config_name not in {u.service for u in BUS_USERS}:
                    # A service with no bus user (the werkplek publishes and consumes nothing) has no NATS at all.
                    assert not [k for k in config[config_name] if "NATS" in k], where
                    assert not [e for e in container.get("env", []) if "NATS" in e["name"]], where
                    continue
                assert config[config_name][f"{prefix}_NATS_USER"] == config_name, where
                env = {e["name"]: e for e in container.get("env", [])}
                password = env[f"{prefix}_NATS_PASSWORD"]["valueFrom"]["secretKeyRef"]
                assert password == {"name": "nats-credentials", "key": password_variable(config_name)}, where
        (nats,) = [d for d in docs if d.get("kind") == "StatefulSet" and d["metadata"]["name"] == "nats"]
        (server,) = nats["spec"]["template"]["spec"]["containers"]
        assert {"secretRef": {"name": "nats-credentials"}} in server["envFrom"]
        wanted = set(re.findall(r"\$([A-Z_]+_NATS_PASSWORD)", (k8s / "nats.conf").read_text()))
        assert {password_variable(u) for u in [ADMIN_USER, SYSTEM_USER, *(u.service for u in BUS_USERS)]} == wanted


class TestSettings:
    def _settings(self, **kwargs: Any) -> ServiceSettings:
        auth = AuthSettings(issuers=["urn:x"], audience="x", public_key_file=Path("/dev/null"))
        return ServiceSettings(database_url="postgresql://x@h/x", auth=auth, **kwargs)

    def test_credentials_are_required_outside_development(self) -> None:
        with pytest.raises(ValueError, match="NATS credentials"):
            self._settings(environment="test", nats_url="nats://h:4222")
        assert self._settings(nats_url="nats://h:4222").nats_url == "nats://h:4222"

    def test_user_and_password_go_into_the_url(self) -> None:
        settings = self._settings(
            environment="test", nats_url="nats://h:4222", nats_user="pip-api", nats_password="geheim"
        )
        assert settings.nats_url == "nats://pip-api:geheim@h:4222"
