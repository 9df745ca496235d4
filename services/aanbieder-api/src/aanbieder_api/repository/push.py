"""A push over the API: one statement reads, one writes, each committing on its own (the README's one deliberate
exception to the request's transaction, for this service's hottest path)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from aanbieder_api.repository.meldingen import MeldingWrite, Opdrachtstand, Periodewijziging, opdrachtstand
from inburgering_kit.db import Positional
from inburgering_kit.idempotency import KeyedRequest, StoredAnswer

# Everything a push decides on, from one snapshot: the stored answer of its Idempotency-Key, the client's
# registration, the opdracht with its row version (xmin), the same report if it was made before and the hours its
# period held. Every report that changes an opdracht's reports or periods also updates the opdracht row (its stand),
# so an unchanged row version at write time means all of this is still true.
_PUSH_LEZEN = (
    "SELECT k.request_hash, k.status_code, k.response_body, "
    "(CAST($4 AS text) IS NULL OR EXISTS (SELECT 1 FROM api_client a WHERE a.gemeente_code = $2 "
    "AND a.client_id = CAST($4 AS text) AND a.aanbieder_id = $3 AND a.ingetrokken_at IS NULL)) AS client_ok, "
    "o.id, o.pip_id, o.inburgeraar_id, o.aanbieder_id, o.onderdeel, o.status, "
    "o.inhoud->>'geplandeStartdatum' AS start, o.inhoud->'uren' AS uren, o.stand, CAST(o.xmin AS text) AS rijversie, "
    "m.id AS m_id, m.gemeld_at AS m_gemeld_at, m.kanaal AS m_kanaal, p.uren_a, p.uren_b, p.uren_c "
    "FROM (VALUES (1)) AS een (x) "
    "LEFT JOIN idempotency_key k ON k.client_id = $5 AND k.key = $6 "
    "LEFT JOIN opdracht o ON o.id = $1 AND o.gemeente_code = $2 AND o.aanbieder_id = $3 "
    "LEFT JOIN melding m ON m.opdracht_id = o.id AND m.sleutel = $7 "
    "LEFT JOIN periode p ON p.opdracht_id = o.id AND p.soort = CAST($8 AS text) AND p.van_datum = CAST($9 AS date) "
    "AND p.tot_datum = CAST($10 AS date)"
)


@dataclass(frozen=True)
class Pushbeeld:
    """What `_PUSH_LEZEN` found."""

    antwoord: tuple[str, int, Any] | None  # the key's stored request hash, status code and body
    client_ok: bool
    opdracht: Opdrachtstand | None
    rijversie: str | None
    bestaand: tuple[uuid.UUID, datetime, str] | None  # the same report made before: id, time, channel
    periode: tuple[Decimal, Decimal, Decimal] | None


class PushRepository:
    """The two statements of a push, on a connection of its own (`RequestContext.own_connection`)."""

    def __init__(self, conn: asyncpg.Connection, gemeente: str) -> None:
        self.conn = conn
        self.gemeente = gemeente

    async def read(
        self,
        opdracht_id: uuid.UUID,
        aanbieder_id: uuid.UUID,
        client_id: str | None,
        idempotency: tuple[str, str],
        sleutel: str,
        periode: tuple[str, date, date] | None,
    ) -> Pushbeeld:
        p_soort, p_van, p_tot = periode if periode else (None, None, None)
        r = await self.conn.fetchrow(
            _PUSH_LEZEN, opdracht_id, self.gemeente, aanbieder_id, client_id, *idempotency, sleutel, p_soort, p_van,
            p_tot,
        )  # fmt: skip
        assert r is not None
        return Pushbeeld(
            antwoord=(r["request_hash"], r["status_code"], r["response_body"]) if r["request_hash"] else None,
            client_ok=r["client_ok"],
            opdracht=opdrachtstand(r) if r["id"] is not None else None,
            rijversie=r["rijversie"],
            bestaand=(r["m_id"], r["m_gemeld_at"], r["m_kanaal"]) if r["m_id"] is not None else None,
            periode=(r["uren_a"], r["uren_b"], r["uren_c"]) if r["uren_a"] is not None else None,
        )

    async def write(
        self,
        verzoek: KeyedRequest,
        antwoord: tuple[int, Any],
        opdracht: Opdrachtstand,
        gemeld_at: datetime,
        nieuw: dict[str, Any] | None = None,
        periode: Periodewijziging | None = None,
        rijversie: str | None = None,
        collected: Callable[[Positional, str], list[str]] | None = None,
    ) -> StoredAnswer | None:
        """One statement: the Idempotency-Key with its answer, and, for a `nieuw` report, the report, its period, the
        opdracht's stand and what the request collected (`collected`: `RequestContext.writes`, guarded by CTE `u`).
        The answer to send; None when the key was taken meanwhile or the opdracht changed since `read` (then nothing
        was written: read again)."""
        p = Positional()
        claim, answer = verzoek.claim_with_answer(p, *antwoord)
        ctes = [f"k AS ({claim})"]
        slot = "0"
        if nieuw is not None:
            write = MeldingWrite(p)
            # The stand only if the key was free and the opdracht unchanged since `read`; the rest only with it.
            stand = write.standen(
                [opdracht], gemeld_at=gemeld_at, guard="EXISTS (SELECT 1 FROM k)", rijversie=rijversie
            )
            ctes.append(f"u AS ({stand})")
            geschreven = "EXISTS (SELECT 1 FROM u)"
            ctes.append(
                f"m AS ({write.meldingen([nieuw], gemeld_at=gemeld_at, guard=geschreven, skip_existing=False)})"
            )
            if periode is not None:
                ctes.append(f"pe AS ({write.perioden([periode], guard=geschreven)})")
            ctes.extend(f"w{n} AS ({part})" for n, part in enumerate(collected(p, "u") if collected else []))
            # A key claimed while the opdracht changed: the whole statement fails, the key's claim with it.
            slot = (
                "CASE WHEN EXISTS (SELECT 1 FROM k) AND NOT EXISTS (SELECT 1 FROM u) "
                "THEN melding_gelijktijdig_gewijzigd() ELSE 0 END"
            )
        sql = f"WITH {', '.join(ctes)} SELECT (SELECT count(*) FROM k) AS geclaimd, {slot} AS conflict"  # noqa: S608
        try:
            r = await self.conn.fetchrow(sql, *p.values)
        except asyncpg.SerializationError:
            return None
        assert r is not None
        return answer if r["geclaimd"] else None
