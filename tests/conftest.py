"""The cross-service tests share one NATS per module (see `inburgering_kit.testing.keten`)."""

from inburgering_kit.testing.keten import nats_url

__all__ = ["nats_url"]
