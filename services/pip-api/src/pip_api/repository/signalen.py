"""Signals: the set-based statements of the signal pass, and the gemeente's worklist."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from inburgering_kit.pagination import PageParams, paginate
from pip_api.models import Signaal

# The signal pass reads only the columns the termijnen engine needs, in keyset batches over the primary key, so a
# pass over 100,000 PIPs is a few dozen round trips and never holds more than one batch in memory.
_ACTIEVE_PIPS = text(
    """
    SELECT p.id, p.gemeente_code, p.inburgeraar_id, p.vastgesteld_datum,
           p.inhoud->>'klantregisseur' AS klantregisseur,
           CAST(p.inhoud->>'ontzorgenStartdatum' AS date) AS ontzorgen_startdatum,
           f.doelgroep, f.brp_inschrijving_datum, f.duo_termijn_eind_datum, f.duo_pvt_eind_datum,
           f.duo_map_eind_datum, p.eerste_pip_datum
    FROM pip p JOIN inburgeraar_feit f ON f.inburgeraar_id = p.inburgeraar_id
    WHERE p.status = 'vastgesteld' AND p.id > :na
    ORDER BY p.id
    LIMIT :aantal
    """
)

# ON CONFLICT DO NOTHING on the natural key: a key another replica (or an earlier run) inserted is skipped, and
# RETURNING names only the rows this transaction inserted, so only their events are written. Rows come sorted
# by key, so two replicas take the unique-index locks in the same order and never deadlock.
_NIEUWE_SIGNALEN = text(
    """
    INSERT INTO signaal (id, gemeente_code, pip_id, inburgeraar_id, klantregisseur, soort, termijnsoort,
                         einddatum, regel, status)
    SELECT id, gemeente_code, pip_id, inburgeraar_id, klantregisseur, soort, termijnsoort, einddatum, regel, 'open'
    FROM unnest(CAST(:ids AS uuid[]), CAST(:gemeenten AS text[]), CAST(:pips AS uuid[]),
                CAST(:inburgeraars AS uuid[]), CAST(:klantregisseurs AS text[]), CAST(:soorten AS text[]),
                CAST(:termijnsoorten AS text[]), CAST(:einddata AS date[]), CAST(:regels AS text[]))
         AS n(id, gemeente_code, pip_id, inburgeraar_id, klantregisseur, soort, termijnsoort, einddatum, regel)
    ON CONFLICT (pip_id, termijnsoort, einddatum, soort) WHERE opdracht_id IS NULL DO NOTHING
    RETURNING id, gemeente_code, pip_id, inburgeraar_id, soort, termijnsoort, einddatum, regel
    """
)

# Batch statements join an unnest of the batch's ids rather than `= ANY(array)`: after a few executions the
# prepared statement gets a generic plan, and for `= ANY` that can be a scan of the whole (growing) table per
# batch; a join on the unnest stays an index lookup per id.
_OPEN_SIGNALEN = text(
    """
    SELECT s.id, s.pip_id, s.termijnsoort, s.einddatum
    FROM unnest(CAST(:pips AS uuid[])) AS b(pip_id) JOIN signaal s ON s.pip_id = b.pip_id
    WHERE s.status = 'open' AND s.opdracht_id IS NULL
    """
)

# SKIP LOCKED: a row another replica is closing right now is that replica's to close.
_VERVALLEN = text(
    """
    UPDATE signaal SET status = 'vervallen'
    WHERE id IN (
        SELECT s.id FROM unnest(CAST(:ids AS uuid[])) AS v(id) JOIN signaal s ON s.id = v.id
        WHERE s.status = 'open'
        ORDER BY s.id
        FOR UPDATE OF s SKIP LOCKED)
    RETURNING id, gemeente_code, pip_id, inburgeraar_id, soort, termijnsoort, einddatum, regel
    """
)

_VERVALLEN_BIJ_EINDE = text(
    """
    UPDATE signaal SET status = 'vervallen'
    WHERE id IN (
        SELECT s.id FROM signaal s JOIN pip p ON p.id = s.pip_id
        WHERE s.status = 'open' AND p.status = 'beeindigd'
        ORDER BY s.id
        FOR UPDATE OF s SKIP LOCKED)
    RETURNING id, gemeente_code, pip_id, inburgeraar_id, soort, termijnsoort, einddatum, regel
    """
)

_GESPREKKEN = text(
    "SELECT g.pip_id, g.gepland_datum, g.gehouden_datum "
    "FROM unnest(CAST(:pips AS uuid[])) AS b(pip_id) JOIN voortgangsgesprek g ON g.pip_id = b.pip_id"
)

# Inburgeraars in the projection for whom no PIP was ever vastgesteld: the PIP-vaststelling termijn still runs
# (a concept PIP does not meet it; a PIP once vastgesteld, even if beëindigd since, did; so did one vastgesteld at a
# previous gemeente, as its transfer on the move shows). Keyset batches over the primary key; the anti-joins are an
# index lookup per row (ix_pip_inburgeraar_id, ix_overdracht_inburgeraar_id). Rows without a BRP date come along so
# that their open signals lapse. A person who moved away is no longer this gemeente's to signal.
_ZONDER_PIP = text(
    """
    SELECT f.inburgeraar_id, f.gemeente_code, f.brp_inschrijving_datum
    FROM inburgeraar_feit f
    WHERE f.inburgeraar_id > :na AND f.verhuisd_datum IS NULL
      AND NOT EXISTS (
          SELECT 1 FROM pip p WHERE p.inburgeraar_id = f.inburgeraar_id AND p.vastgesteld_datum IS NOT NULL)
      AND NOT EXISTS (
          SELECT 1 FROM overdracht o WHERE o.inburgeraar_id = f.inburgeraar_id AND o.eerste_pip_datum IS NOT NULL)
    ORDER BY f.inburgeraar_id
    LIMIT :aantal
    """
)

# The same exactly-once insert for signals without a PIP, on their own natural key (the partial unique index).
_NIEUWE_SIGNALEN_ZONDER_PIP = text(
    """
    INSERT INTO signaal (id, gemeente_code, pip_id, inburgeraar_id, klantregisseur, soort, termijnsoort,
                         einddatum, regel, status)
    SELECT id, gemeente_code, NULL, inburgeraar_id, NULL, soort, termijnsoort, einddatum, regel, 'open'
    FROM unnest(CAST(:ids AS uuid[]), CAST(:gemeenten AS text[]), CAST(:inburgeraars AS uuid[]),
                CAST(:soorten AS text[]), CAST(:termijnsoorten AS text[]), CAST(:einddata AS date[]),
                CAST(:regels AS text[]))
         AS n(id, gemeente_code, inburgeraar_id, soort, termijnsoort, einddatum, regel)
    ON CONFLICT (inburgeraar_id, termijnsoort, einddatum, soort) WHERE pip_id IS NULL DO NOTHING
    RETURNING id, gemeente_code, pip_id, inburgeraar_id, soort, termijnsoort, einddatum, regel
    """
)

_OPEN_SIGNALEN_ZONDER_PIP = text(
    """
    SELECT s.id, s.inburgeraar_id, s.termijnsoort, s.einddatum
    FROM unnest(CAST(:inburgeraars AS uuid[])) AS b(inburgeraar_id)
         JOIN signaal s ON s.inburgeraar_id = b.inburgeraar_id AND s.pip_id IS NULL
    WHERE s.status = 'open' AND s.termijnsoort = 'pip-vaststelling'
    """
)

# Once a PIP is vastgesteld (here, or at the previous gemeente before a move) the PIP-vaststelling termijn is met:
# the open signals about it lapse.
_VERVALLEN_BIJ_VASTSTELLING = text(
    """
    UPDATE signaal SET status = 'vervallen'
    WHERE id IN (
        SELECT s.id FROM signaal s
        WHERE s.pip_id IS NULL AND s.status = 'open' AND s.termijnsoort = 'pip-vaststelling'
          AND (EXISTS (
                   SELECT 1 FROM pip p WHERE p.inburgeraar_id = s.inburgeraar_id AND p.vastgesteld_datum IS NOT NULL)
               OR EXISTS (
                   SELECT 1 FROM overdracht o
                   WHERE o.inburgeraar_id = s.inburgeraar_id AND o.eerste_pip_datum IS NOT NULL))
        ORDER BY s.id
        FOR UPDATE OF s SKIP LOCKED)
    RETURNING id, gemeente_code, pip_id, inburgeraar_id, soort, termijnsoort, einddatum, regel
    """
)


# --- signals from provider progress (per opdracht) and from registration (per inburgeraar) ---

# The opdrachten under a vastgesteld PIP, with what their signals need, in keyset batches over the primary key.
_OPDRACHTEN = text(
    """
    SELECT o.opdracht_id, o.pip_id, o.inburgeraar_id, o.gemeente_code, o.onderdeel, o.status,
           o.geplande_startdatum, o.start_gemeld_datum, o.laatste_melding_datum,
           p.inhoud->>'klantregisseur' AS klantregisseur
    FROM opdracht_voortgang o JOIN pip p ON p.id = o.pip_id AND p.gemeente_code = o.gemeente_code
    WHERE p.status = 'vastgesteld' AND o.opdracht_id > :na
    ORDER BY o.opdracht_id
    LIMIT :aantal
    """
)

_PERIODEN = text(
    """
    SELECT a.opdracht_id, a.periode_van, a.periode_tot, a.uren_aanwezig, a.uren_afwezig_ongeoorloofd
    FROM unnest(CAST(:opdrachten AS uuid[])) AS b(opdracht_id)
         JOIN aanwezigheidsperiode a ON a.opdracht_id = b.opdracht_id
    ORDER BY a.opdracht_id, a.volgnummer
    """
)

# A route advice waits for a decision until the PIP has a version made after the advice arrived.
_OPEN_ADVIEZEN = text(
    """
    SELECT r.opdracht_id, r.advies, r.ontvangen_datum
    FROM unnest(CAST(:opdrachten AS uuid[])) AS b(opdracht_id) JOIN routeadvies r ON r.opdracht_id = b.opdracht_id
    WHERE NOT EXISTS (SELECT 1 FROM pip_versie v WHERE v.pip_id = r.pip_id AND v.created_at > r.ontvangen_at)
    """
)

_NIEUWE_OPDRACHTSIGNALEN = text(
    """
    INSERT INTO signaal (id, gemeente_code, pip_id, opdracht_id, inburgeraar_id, klantregisseur, soort, termijnsoort,
                         einddatum, regel, status)
    SELECT id, gemeente_code, pip_id, opdracht_id, inburgeraar_id, klantregisseur, soort, termijnsoort, einddatum,
           regel, 'open'
    FROM unnest(CAST(:ids AS uuid[]), CAST(:gemeenten AS text[]), CAST(:pips AS uuid[]), CAST(:opdrachten AS uuid[]),
                CAST(:inburgeraars AS uuid[]), CAST(:klantregisseurs AS text[]), CAST(:soorten AS text[]),
                CAST(:termijnsoorten AS text[]), CAST(:einddata AS date[]), CAST(:regels AS text[]))
         AS n(id, gemeente_code, pip_id, opdracht_id, inburgeraar_id, klantregisseur, soort, termijnsoort, einddatum,
              regel)
    ON CONFLICT (opdracht_id, termijnsoort, einddatum, soort) WHERE opdracht_id IS NOT NULL DO NOTHING
    RETURNING id, gemeente_code, pip_id, inburgeraar_id, soort, termijnsoort, einddatum, regel, opdracht_id
    """
)

_OPEN_OPDRACHTSIGNALEN = text(
    """
    SELECT s.id, s.opdracht_id, s.termijnsoort, s.einddatum
    FROM unnest(CAST(:opdrachten AS uuid[])) AS b(opdracht_id) JOIN signaal s ON s.opdracht_id = b.opdracht_id
    WHERE s.status = 'open'
    """
)

# Every inburgeraar in the projection with the facts of the registration signals, in keyset batches; not one who
# moved away (the new gemeente has the regie now).
_INBURGERAARS = text(
    """
    SELECT f.inburgeraar_id, f.gemeente_code, f.doelgroep, f.koppeling_datum, f.brp_inschrijving_datum,
           f.bsn_ontbreekt_sinds
    FROM inburgeraar_feit f
    WHERE f.inburgeraar_id > :na AND f.verhuisd_datum IS NULL
    ORDER BY f.inburgeraar_id
    LIMIT :aantal
    """
)

_OPROEPEN = text(
    """
    SELECT o.inburgeraar_id, o.afspraak_datum, o.uitkomst
    FROM unnest(CAST(:inburgeraars AS uuid[])) AS b(inburgeraar_id)
         JOIN brede_intake_oproep o ON o.inburgeraar_id = b.inburgeraar_id
    """
)

_OPEN_REGISTRATIESIGNALEN = text(
    """
    SELECT s.id, s.inburgeraar_id, s.termijnsoort, s.einddatum
    FROM unnest(CAST(:inburgeraars AS uuid[])) AS b(inburgeraar_id)
         JOIN signaal s ON s.inburgeraar_id = b.inburgeraar_id AND s.pip_id IS NULL
    WHERE s.status = 'open' AND s.termijnsoort = ANY(CAST(:soorten AS text[]))
    """
)

_VERVALLEN_MET_OPDRACHT = text(
    """
    UPDATE signaal SET status = 'vervallen'
    WHERE id IN (
        SELECT s.id FROM unnest(CAST(:ids AS uuid[])) AS v(id) JOIN signaal s ON s.id = v.id
        WHERE s.status = 'open'
        ORDER BY s.id
        FOR UPDATE OF s SKIP LOCKED)
    RETURNING id, gemeente_code, pip_id, inburgeraar_id, soort, termijnsoort, einddatum, regel, opdracht_id
    """
)


@dataclass(frozen=True, slots=True)
class OpdrachtInPip:
    opdracht_id: uuid.UUID
    pip_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    gemeente_code: str
    onderdeel: str
    status: str
    geplande_startdatum: date | None
    start_gemeld_datum: date | None
    laatste_melding_datum: date | None
    klantregisseur: str | None


@dataclass(frozen=True, slots=True)
class Registratie:
    inburgeraar_id: uuid.UUID
    gemeente_code: str
    doelgroep: str
    koppeling_datum: date | None
    brp_inschrijving_datum: date | None
    bsn_ontbreekt_sinds: date | None


@dataclass(frozen=True, slots=True)
class ActievePip:
    id: uuid.UUID
    gemeente_code: str
    inburgeraar_id: uuid.UUID
    vastgesteld_datum: date | None
    klantregisseur: str | None
    ontzorgen_startdatum: date | None
    doelgroep: str
    brp_inschrijving_datum: date | None
    duo_termijn_eind_datum: date | None
    duo_pvt_eind_datum: date | None
    duo_map_eind_datum: date | None
    eerste_pip_datum: date | None = None


@dataclass(frozen=True, slots=True)
class InburgeraarZonderPip:
    inburgeraar_id: uuid.UUID
    gemeente_code: str
    brp_inschrijving_datum: date | None


@dataclass(frozen=True, slots=True)
class SignaalRij:
    """A signal as the job inserted or closed it: what its event is built from."""

    id: uuid.UUID
    gemeente_code: str
    pip_id: uuid.UUID | None
    inburgeraar_id: uuid.UUID
    soort: str
    termijnsoort: str
    einddatum: date
    regel: str
    opdracht_id: uuid.UUID | None = None


class SignaalJobRepository:
    """Set-based statements of the signal pass; it acts for every gemeente, like the projection consumer."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def actieve_pips(self, na: uuid.UUID, aantal: int) -> list[ActievePip]:
        rows = await self.session.execute(_ACTIEVE_PIPS, {"na": na, "aantal": aantal})
        return [ActievePip(*row) for row in rows]

    async def gesprekken(self, pips: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, date, date | None]]:
        """The voortgangsgesprekken of a whole batch of PIPs in one query."""
        return [(row[0], row[1], row[2]) for row in await self.session.execute(_GESPREKKEN, {"pips": list(pips)})]

    async def voeg_toe(self, rijen: Sequence[dict[str, Any]]) -> list[SignaalRij]:
        if not rijen:
            return []
        kolommen = {
            "ids": "id",
            "gemeenten": "gemeente_code",
            "pips": "pip_id",
            "inburgeraars": "inburgeraar_id",
            "klantregisseurs": "klantregisseur",
            "soorten": "soort",
            "termijnsoorten": "termijnsoort",
            "einddata": "einddatum",
            "regels": "regel",
        }
        params = {param: [rij[kolom] for rij in rijen] for param, kolom in kolommen.items()}
        return [SignaalRij(*row) for row in await self.session.execute(_NIEUWE_SIGNALEN, params)]

    async def laat_vervallen(
        self, pips: Sequence[uuid.UUID], actueel: set[tuple[uuid.UUID, str, date]]
    ) -> list[SignaalRij]:
        """Close the open signals of these PIPs whose (termijnsoort, einddatum) is no longer a current deadline;
        the ones this transaction closed (RETURNING), so only their events are written."""
        if not pips:
            return []
        open_ = await self.session.execute(_OPEN_SIGNALEN, {"pips": list(pips)})
        vervallen = [row.id for row in open_ if (row.pip_id, row.termijnsoort, row.einddatum) not in actueel]
        if not vervallen:
            return []
        return [SignaalRij(*row) for row in await self.session.execute(_VERVALLEN, {"ids": vervallen})]

    async def laat_vervallen_bij_einde(self) -> list[SignaalRij]:
        return [SignaalRij(*row) for row in await self.session.execute(_VERVALLEN_BIJ_EINDE)]

    async def zonder_pip(self, na: uuid.UUID, aantal: int) -> list[InburgeraarZonderPip]:
        rows = await self.session.execute(_ZONDER_PIP, {"na": na, "aantal": aantal})
        return [InburgeraarZonderPip(*row) for row in rows]

    async def voeg_toe_zonder_pip(self, rijen: Sequence[dict[str, Any]]) -> list[SignaalRij]:
        if not rijen:
            return []
        kolommen = {
            "ids": "id",
            "gemeenten": "gemeente_code",
            "inburgeraars": "inburgeraar_id",
            "soorten": "soort",
            "termijnsoorten": "termijnsoort",
            "einddata": "einddatum",
            "regels": "regel",
        }
        params = {param: [rij[kolom] for rij in rijen] for param, kolom in kolommen.items()}
        return [SignaalRij(*row) for row in await self.session.execute(_NIEUWE_SIGNALEN_ZONDER_PIP, params)]

    async def laat_vervallen_zonder_pip(
        self, inburgeraars: Sequence[uuid.UUID], actueel: set[tuple[uuid.UUID, str, date]]
    ) -> list[SignaalRij]:
        """Close the open PIP-less signals of these inburgeraars whose deadline is no longer current."""
        if not inburgeraars:
            return []
        open_ = await self.session.execute(_OPEN_SIGNALEN_ZONDER_PIP, {"inburgeraars": list(inburgeraars)})
        vervallen = [row.id for row in open_ if (row.inburgeraar_id, row.termijnsoort, row.einddatum) not in actueel]
        if not vervallen:
            return []
        return [SignaalRij(*row) for row in await self.session.execute(_VERVALLEN, {"ids": vervallen})]

    async def laat_vervallen_bij_vaststelling(self) -> list[SignaalRij]:
        return [SignaalRij(*row) for row in await self.session.execute(_VERVALLEN_BIJ_VASTSTELLING)]


@dataclass(frozen=True, slots=True)
class Signaalfilter:
    status: str | None = "open"
    klantregisseur: str | None = None
    inburgeraar_ids: Sequence[uuid.UUID] | None = None
    soort: str | None = None
    termijnsoort: str | None = None
    einddatum_vanaf: date | None = None
    einddatum_tot: date | None = None


class SignaalRepository:
    """The worklist, scoped to the caller's gemeente: another gemeente's signal is not found."""

    def __init__(self, session: AsyncSession, gemeente: str) -> None:
        self.session = session
        self.gemeente = gemeente

    async def list(self, paging: PageParams, filters: Signaalfilter) -> tuple[Sequence[Signaal], int]:
        query = select(Signaal).where(Signaal.gemeente_code == self.gemeente)
        if filters.status is not None:
            query = query.where(Signaal.status == filters.status)
        if filters.klantregisseur is not None:
            query = query.where(Signaal.klantregisseur == filters.klantregisseur)
        if filters.inburgeraar_ids:
            query = query.where(Signaal.inburgeraar_id.in_(filters.inburgeraar_ids))
        if filters.soort is not None:
            query = query.where(Signaal.soort == filters.soort)
        if filters.termijnsoort is not None:
            query = query.where(Signaal.termijnsoort == filters.termijnsoort)
        if filters.einddatum_vanaf is not None:
            query = query.where(Signaal.einddatum >= filters.einddatum_vanaf)
        if filters.einddatum_tot is not None:
            query = query.where(Signaal.einddatum <= filters.einddatum_tot)
        # Most urgent first: the earliest deadline heads the worklist.
        return await paginate(self.session, query, paging, Signaal.einddatum, Signaal.id)

    async def get(self, signaal_id: uuid.UUID, *, for_update: bool = False) -> Signaal | None:
        query = select(Signaal).where(Signaal.id == signaal_id, Signaal.gemeente_code == self.gemeente)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()


class VoortgangsignaalRepository(SignaalJobRepository):
    """Set-based statements of the signal pass over provider progress and registration (every gemeente); the
    registration signals have no PIP, so they are inserted like the PIP-vaststelling ones (`voeg_toe_zonder_pip`)."""

    async def opdrachten(self, na: uuid.UUID, aantal: int) -> list[OpdrachtInPip]:
        return [OpdrachtInPip(*r) for r in await self.session.execute(_OPDRACHTEN, {"na": na, "aantal": aantal})]

    async def perioden(self, opdrachten: Sequence[uuid.UUID]) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.session.execute(_PERIODEN, {"opdrachten": list(opdrachten)})]

    async def open_adviezen(self, opdrachten: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, str, date]]:
        rows = await self.session.execute(_OPEN_ADVIEZEN, {"opdrachten": list(opdrachten)})
        return [(r[0], r[1], r[2]) for r in rows]

    async def voeg_opdrachtsignalen_toe(self, rijen: Sequence[dict[str, Any]]) -> list[SignaalRij]:
        if not rijen:
            return []
        kolommen = {
            "ids": "id", "gemeenten": "gemeente_code", "pips": "pip_id", "opdrachten": "opdracht_id",
            "inburgeraars": "inburgeraar_id", "klantregisseurs": "klantregisseur", "soorten": "soort",
            "termijnsoorten": "termijnsoort", "einddata": "einddatum", "regels": "regel",
        }  # fmt: skip
        params = {param: [rij[kolom] for rij in rijen] for param, kolom in kolommen.items()}
        return [SignaalRij(*row) for row in await self.session.execute(_NIEUWE_OPDRACHTSIGNALEN, params)]

    async def laat_opdrachtsignalen_vervallen(
        self, opdrachten: Sequence[uuid.UUID], actueel: set[tuple[uuid.UUID, str, date]]
    ) -> list[SignaalRij]:
        """Close the open signals of these opdrachten that no longer hold (a start or a report came, the advice was
        decided, a correction ended the run, the opdracht was withdrawn)."""
        if not opdrachten:
            return []
        open_ = await self.session.execute(_OPEN_OPDRACHTSIGNALEN, {"opdrachten": list(opdrachten)})
        vervallen = [r.id for r in open_ if (r.opdracht_id, r.termijnsoort, r.einddatum) not in actueel]
        if not vervallen:
            return []
        return [SignaalRij(*row) for row in await self.session.execute(_VERVALLEN_MET_OPDRACHT, {"ids": vervallen})]

    async def registraties(self, na: uuid.UUID, aantal: int) -> list[Registratie]:
        return [Registratie(*r) for r in await self.session.execute(_INBURGERAARS, {"na": na, "aantal": aantal})]

    async def oproepen(self, inburgeraars: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, date | None, str | None]]:
        rows = await self.session.execute(_OPROEPEN, {"inburgeraars": list(inburgeraars)})
        return [(r[0], r[1], r[2]) for r in rows]

    async def laat_registratiesignalen_vervallen(
        self, inburgeraars: Sequence[uuid.UUID], soorten: Sequence[str], actueel: set[tuple[uuid.UUID, str, date]]
    ) -> list[SignaalRij]:
        if not inburgeraars:
            return []
        open_ = await self.session.execute(
            _OPEN_REGISTRATIESIGNALEN, {"inburgeraars": list(inburgeraars), "soorten": list(soorten)}
        )
        vervallen = [r.id for r in open_ if (r.inburgeraar_id, r.termijnsoort, r.einddatum) not in actueel]
        if not vervallen:
            return []
        return [SignaalRij(*row) for row in await self.session.execute(_VERVALLEN, {"ids": vervallen})]
