from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from inburgering_kit.keten import Mtls
from inburgering_kit.settings import ServiceSettings


class GemeentePeer(BaseModel):
    """Another deployment's chain exchange, serving a gemeente this one does not: where to send its part of a move's
    transfer, and the OIN its certificate must carry when it calls here."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="Basis-URL van de uitwisseling van die gemeente, zonder `/api/v1`.")
    oin: str = Field(pattern=r"^[0-9]{20}$", description="OIN in het certificaat van die uitwisseling (mTLS).")


class Settings(ServiceSettings):
    """Environment variables prefixed `KETENUITWISSELING_` (nested with `__`)."""

    model_config = SettingsConfigDict(env_prefix="KETENUITWISSELING_", env_nested_delimiter="__", extra="ignore")

    duo_url: str = Field(default="http://127.0.0.1:8106/api/v1", description="DUO's exchange API (stand-in locally).")
    coa_url: str = Field(default="http://127.0.0.1:8107/api/v1", description="COA's exchange API (stand-in locally).")
    inburgeraar_api_url: str = Field(default="http://127.0.0.1:8101/api/v1")
    handhaving_api_url: str = Field(default="http://127.0.0.1:8104/api/v1")
    pip_api_url: str = Field(default="http://127.0.0.1:8102/api/v1", description="For the CBS delivery only.")
    aanbieder_api_url: str = Field(default="http://127.0.0.1:8103/api/v1", description="For the CBS delivery only.")
    cbs_interval_seconden: float = Field(default=5, gt=0, le=300, description="Pause when no CBS delivery is planned.")
    cbs_bewaar_dagen: int = Field(
        default=30, ge=1, le=90, description="Days a finished CBS delivery's file is kept for CBS to fetch."
    )
    # Mutual TLS with the partners (Digikoppeling REST profile): the gemeente's certificate (its OIN in the subject)
    # and the CA of the partners' certificates. With it the API serves over mTLS (the kit's `serve`) and the worker
    # calls the partners over mTLS; without it, plain HTTP (development, most tests).
    mtls: Mtls | None = Field(default=None, description="Certificate, key and partner CA (PKIoverheid in production).")
    oin_duo: str | None = Field(
        default=None,
        pattern=r"^[0-9]{20}$",
        description="DUO's OIN: over mTLS only its certificate notifies as DUO.",
    )
    oin_coa: str | None = Field(
        default=None,
        pattern=r"^[0-9]{20}$",
        description="COA's OIN: over mTLS only its certificate notifies as COA.",
    )
    # Development tokens, minted locally; production takes them from the identity provider (client credentials).
    token_private_key_file: Path | None = Field(default=None, description="PEM key to mint development tokens with.")
    token_issuer: str = "urn:inburgering:ontwikkel-tokens"  # noqa: S105 - the development issuer, not a secret
    token_audience_partners: str = "inburgering"  # noqa: S105 - a name, not a secret
    token_audience_intern: str = "inburgering"  # noqa: S105 - a name, not a secret
    client_id: str = "ketenuitwisseling"
    worker_interval_seconden: float = Field(default=0.5, gt=0, le=60, description="Pause when nothing is due.")
    worker_batch: int = Field(default=200, ge=1, le=1000)
    # More is slower: httpcore's pool scans every connection per request (measured: 16 ms CPU per report at 32).
    worker_gelijktijdig: int = Field(default=8, ge=1, le=256, description="Calls in flight per batch.")
    claim_seconden: int = Field(default=120, ge=5, description="How long a claimed row is another replica's no-go.")
    gemeenten: tuple[str, ...] = Field(
        default=("0363",), description="The gemeenten this exchange serves: whose partner feeds it reads to catch up."
    )
    gemeente_peers: dict[str, GemeentePeer] = Field(
        default_factory=dict,
        description="Per gemeentecode die hier niet wordt bediend: de uitwisseling van die gemeente (dossieroverdracht "
        'bij verhuizing, Besluit art. 9.4 lid 4), bijv. `{"0599": {"url": "https://...", "oin": "..."}}`.',
    )
    abonneren: bool = Field(
        default=True,
        description="Subscribe at the partners at every start of the worker (callback: `public_base_url`).",
    )
    inhalen_interval_seconden: float = Field(
        default=60, gt=0, description="Seconds between two reads of the partners' feeds (the catch-up)."
    )
    max_wachttijd_seconden: float = Field(default=300, gt=0, description="Longest back-off between two attempts.")
    max_pogingen_melding: int = Field(
        default=12, ge=1, description="Tries of a fact the owner refuses before it goes on the work list."
    )
