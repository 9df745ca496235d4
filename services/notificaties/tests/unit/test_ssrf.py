from __future__ import annotations

import pytest

from notificaties import ssrf
from notificaties.bezorging import backoff
from notificaties.settings import Settings


class TestCheckUrl:
    @pytest.mark.parametrize(
        "url",
        [
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://10.1.2.3/hook",
            "https://192.168.0.1/hook",
            "https://172.16.0.1/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://[fe80::1]/hook",
            "https://0.0.0.0/hook",
            "https://224.0.0.1/hook",
            "https://100.64.0.1/hook",
        ],
    )
    async def test_refuses_internal_addresses(self, url: str) -> None:
        with pytest.raises(ssrf.GeweigerdAdres):
            await ssrf.check_url(url, allow_http=False, allow_private=False)

    @pytest.mark.parametrize(
        "url",
        [
            "http://93.184.215.14/hook",
            "ftp://93.184.215.14/",
            "https:///pad",
            "https://u:p@93.184.215.14/",
            "https://[x",
        ],
    )
    async def test_refuses_bad_shapes(self, url: str) -> None:
        with pytest.raises(ssrf.GeweigerdAdres):
            await ssrf.check_url(url, allow_http=False, allow_private=False)

    async def test_accepts_a_public_address(self) -> None:
        await ssrf.check_url("https://93.184.215.14:8443/hook", allow_http=False, allow_private=False)

    async def test_development_settings_allow_loopback_over_http(self) -> None:
        await ssrf.check_url("http://127.0.0.1:9/hook", allow_http=True, allow_private=True)


def _settings(**kwargs: object) -> Settings:
    return Settings(
        database_url="postgresql://x@localhost/x",
        # Credentials: required outside development.
        nats_url="nats://notificaties:geheim@localhost:4222",
        auth={"issuers": ["urn:x"], "audience": "x", "public_key_file": "/dev/null"},  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


class TestSettings:
    def test_production_refuses_development_key_and_loosened_checks(self) -> None:
        with pytest.raises(ValueError, match="encryption_key"):
            _settings(environment="production", pseudonym_key="p" * 32)
        key = "a2V5LXZvb3ItcHJvZHVjdGllLTMyLWJ5dGVzLWxhbmc="
        with pytest.raises(ValueError, match="allow_http"):
            _settings(environment="production", pseudonym_key="p" * 32, encryption_key=key, allow_http=True)
        assert _settings(environment="production", pseudonym_key="p" * 32, encryption_key=key).allow_http is False


class TestBackoff:
    def test_grows_exponentially_with_jitter_and_a_ceiling(self) -> None:
        settings = _settings(backoff_base_seconds=1.0, backoff_max_seconds=10.0)
        for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (20, 10.0)]:
            delays = [backoff(attempt, settings) for _ in range(50)]
            assert all(ceiling / 2 <= d <= ceiling for d in delays)
            assert len(set(delays)) > 1
