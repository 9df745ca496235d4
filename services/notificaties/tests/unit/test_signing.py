from __future__ import annotations

from cryptography.fernet import Fernet

from notificaties.crypto import SecretBox, nieuw_geheim
from notificaties.delivery import signing


class TestSignature:
    def test_matches_the_standard_webhooks_reference_vector(self) -> None:
        # From the Standard Webhooks specification's test suite.
        secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        body = b'{"test": 2432232314}'
        assert (
            signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
            == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        )

    def test_verify_refuses_a_changed_body_or_timestamp(self) -> None:
        secret = nieuw_geheim()
        header = signing.signature(secret, "id-1", 100, b"{}")
        assert signing.verify(secret, "id-1", 100, b"{}", header)
        assert not signing.verify(secret, "id-1", 101, b"{}", header)
        assert not signing.verify(secret, "id-1", 100, b"{ }", header)
        assert not signing.verify(nieuw_geheim(), "id-1", 100, b"{}", header)


class TestSecretBox:
    def test_round_trip_and_rotation(self) -> None:
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        token = SecretBox(old).encrypt("Bearer geheim")
        assert "geheim" not in token
        # After rotation the new key encrypts and the old one still decrypts what it wrote.
        assert SecretBox(f"{new},{old}").decrypt(token) == "Bearer geheim"

    def test_secret_has_the_standard_webhooks_shape(self) -> None:
        secret = nieuw_geheim()
        assert secret.startswith("whsec_")
        assert secret != nieuw_geheim()
