"""Which signals a PIP's termijnen call for on a given day: pure, so the job and its tests share one rule.

A signal belongs to one deadline: its natural key is (PIP, termijnsoort, einddatum, signaalsoort). When a
deadline moves (a DUO verlenging, a PIP change) the new einddatum is a new key, so the new deadline gets its own
signals and the job closes the old open ones as `vervallen`. The klantregisseur keeps the regie over the
termijnen (Wet inburgering 2021 art. 35 lid 1; DOMAIN §1), so every deadline is signalled before and after it
passes, exactly once each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pip_api.domain import termijnen as engine
from pip_api.domain.enums import Doelgroep, Termijnsoort
from pip_api.domain.regels import REGELS, Regelset
from pip_api.domain.termijnen import Bronfeiten, Termijn, bereken_termijnen

# A month's notice gives the klantregisseur time for a conversation, a verlenging request to DUO (Besluit
# inburgering 2021 art. 2.6) or a PIP change before the deadline; configurable per termijnsoort.
STANDAARD_AANLOOP_DAGEN = 30

# The PIP-vaststelling termijn is met once a PIP is vastgesteld, so it never needs a signal from a PIP's termijnen:
# before that it is signalled per inburgeraar by `vaststellingssignaal`. The voortgangsgesprekken termijn asks for
# a number of held conversations, not a date alone: it is signalled by `voortgangssignaal`, from the conversations
# planned and held.
NIET_GESIGNALEERD = frozenset({Termijnsoort.PIP_VASTSTELLING})


class Signaalsoort(StrEnum):
    NADERT = "nadert"
    VERSTREKEN = "verstreken"
    # Not a deadline but a reported fact that asks the klantregisseur to act: attendance below the norm on a run of
    # periods, a provider's route advice waiting for a decision (`domain.voortgang`).
    GEMELD = "gemeld"


class Signaalstatus(StrEnum):
    OPEN = "open"
    AFGEHANDELD = "afgehandeld"
    # The deadline it was about has moved or the PIP has ended: the signal no longer asks for anything.
    VERVALLEN = "vervallen"


@dataclass(frozen=True, slots=True, order=True)
class Signaalsleutel:
    """What makes a signal the same signal: emitted once per key, whatever runs the job and how often."""

    termijnsoort: Termijnsoort
    einddatum: date
    soort: Signaalsoort


@dataclass(frozen=True, slots=True)
class Aanloop:
    """How many days before a deadline `termijn-nadert` is raised, per termijnsoort."""

    standaard_dagen: int = STANDAARD_AANLOOP_DAGEN
    per_soort: Mapping[Termijnsoort, int] | None = None

    def dagen(self, soort: Termijnsoort) -> int:
        if self.per_soort and soort in self.per_soort:
            return self.per_soort[soort]
        return self.standaard_dagen


def signaalsoort(termijn: Termijn, vandaag: date, aanloop: Aanloop) -> Signaalsoort | None:
    """The signal a termijn calls for today, if any.

    The einddatum is the uiterste datum, still inside the period (see `termijnen`): the deadline has passed only
    from the day after. A deadline first seen when it has already passed gets `verstreken` alone: warning that it
    approaches would be news from the past.
    """
    if vandaag > termijn.einddatum:
        return Signaalsoort.VERSTREKEN
    if vandaag >= termijn.einddatum - timedelta(days=aanloop.dagen(termijn.soort)):
        return Signaalsoort.NADERT
    return None


@dataclass(frozen=True, slots=True)
class Gesprek:
    """A voortgangsgesprek as far as the norm cares: when it was planned and, once held, when."""

    gepland: date
    gehouden: date | None = None


def voortgangssignaal(
    termijn: Termijn, gesprekken: Iterable[Gesprek], vandaag: date, aanloop: Aanloop
) -> Signaalsoort | None:
    """The signal the voortgangsgesprekken norm calls for: at least `minimum_aantal` (2) held in the first 10
    months after the PIP (kamerbrief-tussenstand-veranderopgave.txt; `regels.voortgangsgesprekken_*`).

    Verstreken: the period is over and fewer were held within it. Nadert: the end is within the lead time and
    fewer are held or planned within the period, so the klantregisseur still has time to plan one. None once the
    norm is (or, as planned, will be) met: an open signal about it then lapses.
    """
    minimum = termijn.minimum_aantal or 0
    gesprekken = tuple(gesprekken)
    gehouden = sum(1 for g in gesprekken if g.gehouden is not None and g.gehouden <= termijn.einddatum)
    if gehouden >= minimum:
        return None
    soort = signaalsoort(termijn, vandaag, aanloop)
    if soort is Signaalsoort.NADERT:
        voorzien = sum(1 for g in gesprekken if (g.gehouden or g.gepland) <= termijn.einddatum)
        if voorzien >= minimum:
            return None
    return soort


def vaststellingssignaal(
    brp_inschrijvingsdatum: date, vandaag: date, aanloop: Aanloop, regels: Regelset = REGELS
) -> tuple[Signaalsleutel, Termijn] | None:
    """The signal the PIP-vaststelling termijn calls for today, for an inburgeraar without a vastgesteld PIP.

    The PIP is vastgesteld within 10 weeks after the BRP inschrijving (Wet inburgering 2021 art. 16;
    `regels.pip_termijn`, DOMAIN §2 step 7): the deadline comes from the termijnen engine, so the worklist and
    the PIP's termijnen agree. The doelgroep does not matter for this termijn.
    """
    feiten = Bronfeiten(doelgroep=Doelgroep.GEZINSMIGRANT, brp_inschrijvingsdatum=brp_inschrijvingsdatum)
    t = engine.termijn(bereken_termijnen(feiten, regels), Termijnsoort.PIP_VASTSTELLING)
    if t is None:
        return None
    soort = signaalsoort(t, vandaag, aanloop)
    if soort is None:
        return None
    return Signaalsleutel(t.soort, t.einddatum, soort), t


def signalen(
    termijnen: Iterable[Termijn],
    vandaag: date,
    aanloop: Aanloop,
    gesprekken: Iterable[Gesprek] = (),
) -> list[tuple[Signaalsleutel, Termijn]]:
    """Every signal the termijnen of one PIP call for today, in a stable order (sorted by key)."""
    uit: list[tuple[Signaalsleutel, Termijn]] = []
    for termijn in termijnen:
        if termijn.soort in NIET_GESIGNALEERD:
            continue
        if termijn.soort is Termijnsoort.VOORTGANGSGESPREKKEN:
            soort = voortgangssignaal(termijn, gesprekken, vandaag, aanloop)
        else:
            soort = signaalsoort(termijn, vandaag, aanloop)
        if soort is not None:
            uit.append((Signaalsleutel(termijn.soort, termijn.einddatum, soort), termijn))
    uit.sort(key=lambda paar: paar[0])
    return uit
