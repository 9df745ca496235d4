from __future__ import annotations

import pytest

from notificaties.delivery import ssrf
from notificaties.delivery.sending import schema_of
from notificaties.domain.adressen import adres, ingebedde_ipv4, verboden
from notificaties.domain.aflevering import Herhaalschema, na_mislukking, wachttijd
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
            "https://[2002:a9fe:a9fe::1]/",
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


# An IPv6 address per transition form, carrying 169.254.169.254 (the metadata endpoint), 127.0.0.1 or 10.0.0.1.
EMBEDDED_INTERNAL = {
    "IPv4-mapped": "::ffff:169.254.169.254",
    "IPv4-compatible": "::169.254.169.254",
    "IPv4-compatible loopback": "::127.0.0.1",
    "6to4": "2002:a9fe:a9fe::1",
    "6to4 private": "2002:0a00:0001::1",
    # Teredo: server 65.54.227.120, client 127.0.0.1 (stored inverted: 0x80ff:0xfffe).
    "Teredo client": "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "Teredo server": "2001:0:a9fe:a9fe::1",
    "NAT64 well-known": "64:ff9b::a9fe:a9fe",
    "NAT64 local-use /96": "64:ff9b:1::a9fe:a9fe",
    "NAT64 local-use /48": "64:ff9b:1:a9fe:00a9:fe00::",
}

# The same form around a public address (93.184.215.14): nothing inside is internal. (NAT64 is refused whatever it
# carries: Python counts 64:ff9b::/96 as reserved, inside ::/8.)
EMBEDDED_PUBLIC = {"6to4": "2002:5db8:d70e::1", "IPv4-mapped": "::ffff:93.184.215.14"}


class TestTransitionForms:
    @pytest.mark.parametrize("form", list(EMBEDDED_INTERNAL))
    def test_an_internal_ipv4_inside_an_ipv6_address_is_refused(self, form: str) -> None:
        assert verboden(adres(EMBEDDED_INTERNAL[form]))

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("::ffff:169.254.169.254", "169.254.169.254"),
            ("::169.254.169.254", "169.254.169.254"),
            ("2002:a9fe:a9fe::1", "169.254.169.254"),
            ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),
            ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
            ("64:ff9b:1::a9fe:a9fe", "169.254.169.254"),
            ("64:ff9b:1:a9fe:00a9:fe00::", "169.254.169.254"),
        ],
    )
    def test_the_embedded_ipv4_is_found(self, text: str, expected: str) -> None:
        assert expected in {str(a) for a in ingebedde_ipv4(adres(text))}  # type: ignore[arg-type]

    @pytest.mark.parametrize("form", list(EMBEDDED_PUBLIC))
    def test_a_public_ipv4_inside_stays_allowed(self, form: str) -> None:
        assert not verboden(adres(EMBEDDED_PUBLIC[form]))

    def test_plain_ipv6_has_nothing_inside(self) -> None:
        assert ingebedde_ipv4(adres("2a00:1450:4001:80b::200e")) == []  # type: ignore[arg-type]
        assert not verboden(adres("2a00:1450:4001:80b::200e"))

    @pytest.mark.parametrize("form", ["6to4", "NAT64 well-known", "Teredo client", "IPv4-compatible"])
    async def test_check_url_refuses_the_literal(self, form: str) -> None:
        with pytest.raises(ssrf.GeweigerdAdres):
            await ssrf.check_url(f"https://[{EMBEDDED_INTERNAL[form]}]/", allow_http=False, allow_private=False)


def _settings(**kwargs: object) -> Settings:
    return Settings(
        database_url="postgresql://x@localhost/x",
        # Credentials: required outside development.
        nats_url="nats://notificaties:geheim@localhost:4222",
        auth={"issuers": ["urn:x"], "audience": "x", "public_key_file": "/dev/null"},
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


class TestRetrySchedule:
    def test_grows_exponentially_with_jitter_and_a_ceiling(self) -> None:
        schema = schema_of(_settings(backoff_base_seconds=1.0, backoff_max_seconds=10.0))
        for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (20, 10.0), (5000, 10.0)]:
            delays = [wachttijd(attempt, schema) for _ in range(50)]
            assert all(ceiling / 2 <= d <= ceiling for d in delays)
            assert len(set(delays)) > 1

    def test_defaults_retry_for_the_whole_window_of_24_hours_then_give_up(self) -> None:
        schema = schema_of(_settings())
        assert schema.max_pogingen is None and schema.maximum == 900
        elapsed, attempt = 0.0, 1
        while (
            delay := na_mislukking(attempt, sinds_eerste_mislukking=elapsed, termijn_uren=24, schema=schema)
        ) is not None:
            assert delay <= 900
            elapsed += delay
            attempt += 1
        # The last attempt is made at the end of the window, not a whole wait before it.
        assert elapsed == pytest.approx(24 * 3600)
        assert attempt > 90

    def test_the_window_is_the_subscriptions(self) -> None:
        schema = Herhaalschema(basis=2, maximum=900)
        assert na_mislukking(1, sinds_eerste_mislukking=0, termijn_uren=1, schema=schema) is not None
        assert na_mislukking(30, sinds_eerste_mislukking=3599, termijn_uren=1, schema=schema) == pytest.approx(1)
        assert na_mislukking(31, sinds_eerste_mislukking=3600, termijn_uren=1, schema=schema) is None
        assert na_mislukking(31, sinds_eerste_mislukking=3600, termijn_uren=2, schema=schema) is not None

    def test_an_attempt_cap_gives_up_earlier(self) -> None:
        schema = Herhaalschema(basis=2, maximum=900, max_pogingen=3)
        assert na_mislukking(2, sinds_eerste_mislukking=10, termijn_uren=24, schema=schema) is not None
        assert na_mislukking(3, sinds_eerste_mislukking=10, termijn_uren=24, schema=schema) is None
