"""The procedure on one overtreding as a state machine: kandidaat → afgewezen | waarschuwing → voornemen (with a
zienswijzetermijn) → zienswijze ontvangen / termijn verstreken → boetebesluit | geen boete.

Sources: the waarschuwing comes first (seed 002 tabel stap 3: "De gemeente geeft een waarschuwing"); before a boete
the person may give a zienswijze on the voornemen (Awb art. 4:8, art. 5:53 lid 2), within a term the gemeente sets
(two weeks unless it sets another); the besluit waits for the zienswijze or the end of that term; a decision taken
stays as taken (Awb art. 1:3): a correction is a new decision.
"""

from __future__ import annotations

from datetime import date, timedelta

from handhaving_api.domain.enums import Handeling, Procedurestatus
from handhaving_api.domain.regels import PROCEDURE, ZIENSWIJZETERMIJN, Weigering

STANDAARD_ZIENSWIJZETERMIJN_DAGEN = 14

_S = Procedurestatus
_OVERGANGEN: dict[tuple[Procedurestatus, Handeling], Procedurestatus] = {
    (_S.KANDIDAAT, Handeling.AFWIJZEN): _S.AFGEWEZEN,
    (_S.KANDIDAAT, Handeling.WAARSCHUWEN): _S.GEWAARSCHUWD,
    (_S.GEWAARSCHUWD, Handeling.VOORNEMEN): _S.VOORGENOMEN,
    (_S.VOORGENOMEN, Handeling.ZIENSWIJZE): _S.ZIENSWIJZE_ONTVANGEN,
    (_S.VOORGENOMEN, Handeling.BEBOETEN): _S.BEBOET,
    (_S.VOORGENOMEN, Handeling.AFZIEN): _S.GEEN_BOETE,
    (_S.ZIENSWIJZE_ONTVANGEN, Handeling.BEBOETEN): _S.BEBOET,
    (_S.ZIENSWIJZE_ONTVANGEN, Handeling.AFZIEN): _S.GEEN_BOETE,
}
EINDSTATUSSEN = frozenset({_S.AFGEWEZEN, _S.BEBOET, _S.GEEN_BOETE, _S.BEEINDIGD})
# What is still open when the person moves away: a candidate, or a procedure without a besluit yet.
OPEN = frozenset(set(_S) - EINDSTATUSSEN)


def volgende(status: Procedurestatus, handeling: Handeling, *, eerder_gewaarschuwd: bool = False) -> Procedurestatus:
    """The status after `handeling`, or a refusal naming the step that is skipped or out of order.

    A voornemen needs a waarschuwing first; one given on an earlier overtreding of the same person counts (seed 002
    tabel stap 3: a second no-show after the warning is fined), so a candidate then goes to the voornemen directly.
    """
    if status is _S.KANDIDAAT and handeling is Handeling.VOORNEMEN and eerder_gewaarschuwd:
        return _S.VOORGENOMEN
    nieuw = _OVERGANGEN.get((status, handeling))
    if nieuw is None:
        if status in EINDSTATUSSEN:
            detail = f"Over deze overtreding is al beslist ({status.value}); '{handeling.value}' kan niet meer"
        else:
            detail = f"'{handeling.value}' kan niet in de status '{status.value}'"
        raise Weigering(PROCEDURE, detail)
    return nieuw


def zienswijze_uiterste_datum(voornemen: date, dagen: int = STANDAARD_ZIENSWIJZETERMIJN_DAGEN) -> date:
    """The last day on which a zienswijze is in time: the term starts the day after the voornemen (like Awb art.
    6:8), so a 14-day term on 1 March runs through 15 March."""
    if dagen < 1:
        raise ValueError("een zienswijzetermijn is minstens één dag")
    return voornemen + timedelta(days=dagen)


def termijn_verstreken(uiterste_datum: date, op: date) -> bool:
    """Whether the zienswijzetermijn has passed on `op`: not on its last day, from the day after."""
    return op > uiterste_datum


def vereis_besluitrijp(status: Procedurestatus, uiterste_datum: date | None, op: date) -> None:
    """A besluit on a voornemen waits for the zienswijze or the end of its term (Awb art. 4:8, 5:53)."""
    if status is _S.VOORGENOMEN and (uiterste_datum is None or not termijn_verstreken(uiterste_datum, op)):
        tot = uiterste_datum.isoformat() if uiterste_datum else "onbekend"
        raise Weigering(ZIENSWIJZETERMIJN, f"De zienswijzetermijn loopt tot en met {tot}; er is nog geen zienswijze")


def beeindig(status: Procedurestatus) -> Procedurestatus | None:
    """The status of a procedure a move ends (the new gemeente enforces from then on): an open one stops without a
    decision; one decided stays as decided (a boete imposed is history, Awb art. 1:3), so None."""
    return _S.BEEINDIGD if status in OPEN else None
