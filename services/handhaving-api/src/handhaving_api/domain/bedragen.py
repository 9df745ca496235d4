"""How high a boete may be: the legal maxima, the gemeente's own ladder (verordening) and the PIP cap.

Amounts are whole euros, as the law and every verordening state them.
- Wi art. 23; seed 000 §3.2.6: at most € 250 per overtreding of the brede intake, € 800 per PIP overtreding and
  € 2.400 in total for PIP boetes within the inburgeringstermijn of three years. A person has one inburgeringsplicht
  with one such termijn, so every PIP boete of the person that still stands counts (annulled or replaced ones not).
- seed 001 hoofdstuk 5: the gemeente sets the amounts in its verordening, "trapsgewijs": a first overtreding weighs
  considerably less than a third. A verordening version has an ingangsdatum; the one in force on the date of the
  gedraging applies.
- Awb art. 5:46 lid 2: the boete is matched to the seriousness and the circumstances (maatwerk): lower than the
  ladder with a reason, never higher.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from handhaving_api.domain.enums import Categorie
from handhaving_api.domain.regels import (
    MAATWERK,
    MAXIMUM_BREDE_INTAKE,
    MAXIMUM_PIP,
    PLAFOND_PIP,
    VERORDENING,
    Regel,
    Weigering,
)

MAXIMUM_PER_OVERTREDING: dict[Categorie, int] = {Categorie.BREDE_INTAKE: 250, Categorie.PIP: 800}
MAXIMUM_REGEL: dict[Categorie, Regel] = {Categorie.BREDE_INTAKE: MAXIMUM_BREDE_INTAKE, Categorie.PIP: MAXIMUM_PIP}
PLAFOND_PIP_BEDRAG = 2400
MAXIMUM_TREDEN = 10


@dataclass(frozen=True, slots=True)
class Ladder:
    """A gemeente's verordening version: per categorie the amount of the 1st, 2nd, ... overtreding; the last step
    holds for every later one."""

    ingangsdatum: date
    brede_intake: tuple[int, ...]
    pip: tuple[int, ...]

    def treden(self, categorie: Categorie) -> tuple[int, ...]:
        return self.brede_intake if categorie is Categorie.BREDE_INTAKE else self.pip


# For a gemeente without its own verordening: trapsgewijs up to the legal maximum, the first a third of it.
STANDAARD_LADDER = Ladder(ingangsdatum=date(2022, 1, 1), brede_intake=(100, 175, 250), pip=(250, 500, 800))


def controleer_ladder(ladder: Ladder) -> None:
    """Refuse a verordening above a legal maximum, empty, or not trapsgewijs (a later step below an earlier one)."""
    for categorie in Categorie:
        treden = ladder.treden(categorie)
        veld = "bredeIntake" if categorie is Categorie.BREDE_INTAKE else "pip"
        if not 1 <= len(treden) <= MAXIMUM_TREDEN:
            raise Weigering(VERORDENING, f"'{veld}' heeft 1 tot en met {MAXIMUM_TREDEN} treden nodig")
        maximum = MAXIMUM_PER_OVERTREDING[categorie]
        for nummer, bedrag in enumerate(treden, start=1):
            if bedrag < 1:
                raise Weigering(VERORDENING, f"Trede {nummer} van '{veld}' is geen bedrag (€ {bedrag})")
            if bedrag > maximum:
                raise Weigering(
                    MAXIMUM_REGEL[categorie],
                    f"Trede {nummer} van '{veld}' (€ {bedrag}) ligt boven het wettelijk maximum van € {maximum}",
                )
        if any(later < eerder for eerder, later in itertools.pairwise(treden)):
            raise Weigering(VERORDENING, f"De treden van '{veld}' lopen niet op (trapsgewijs)")


def geldende_ladder(versies: Sequence[Ladder], op: date) -> Ladder:
    """The version in force on `op`: the latest ingangsdatum on or before it; the default when there is none."""
    geldend = [v for v in versies if v.ingangsdatum <= op]
    return max(geldend, key=lambda v: v.ingangsdatum) if geldend else STANDAARD_LADDER


@dataclass(frozen=True, slots=True)
class Voorstel:
    """The computed amount with how it was computed, step by step, for the klantregisseur and the letter."""

    bedrag: int
    trede: int
    ladderbedrag: int
    ruimte: int | None
    berekening: tuple[str, ...]


def stel_voor(
    categorie: Categorie, ladder: Ladder, *, eerdere_boetes: int, opgelegd_pip: int, standaard: bool
) -> Voorstel:
    """The proposed amount for the next overtreding of `categorie`.

    `eerdere_boetes` counts the person's standing boetes of the same categorie (the ladder's step); `opgelegd_pip`
    sums their standing PIP boetes (the cap). A PIP boete with no room left under the cap is refused.
    """
    treden = ladder.treden(categorie)
    trede = min(eerdere_boetes + 1, len(treden))
    ladderbedrag = treden[trede - 1]
    bron = "de standaardladder (geen eigen verordening)" if standaard else f"de verordening van {ladder.ingangsdatum}"
    berekening = [
        f"{eerdere_boetes + 1}e overtreding ({categorie.value}): trede {trede} van {bron}: € {ladderbedrag}",
        f"Wettelijk maximum per overtreding: € {MAXIMUM_PER_OVERTREDING[categorie]} ({MAXIMUM_REGEL[categorie].bron})",
    ]
    bedrag = min(ladderbedrag, MAXIMUM_PER_OVERTREDING[categorie])
    ruimte: int | None = None
    if categorie is Categorie.PIP:
        ruimte = resterende_ruimte(opgelegd_pip)
        berekening.append(
            f"Al opgelegd voor het PIP: € {opgelegd_pip} van € {PLAFOND_PIP_BEDRAG}; ruimte: € {ruimte}"
            f" ({PLAFOND_PIP.bron})"
        )
        if ruimte <= 0:
            raise Weigering(PLAFOND_PIP, f"Het plafond van € {PLAFOND_PIP_BEDRAG} is bereikt (€ {opgelegd_pip})")
        if ruimte < bedrag:
            berekening.append(f"Begrensd tot de ruimte onder het plafond: € {ruimte}")
            bedrag = ruimte
    berekening.append(f"Voorgesteld bedrag: € {bedrag}")
    return Voorstel(bedrag, trede, ladderbedrag, ruimte, tuple(berekening))


def resterende_ruimte(opgelegd_pip: int) -> int:
    return max(PLAFOND_PIP_BEDRAG - opgelegd_pip, 0)


def stel_bedrag_vast(voorstel: int, bedrag: int | None, reden: str | None) -> int:
    """The amount decided: the proposal, or a lower one with a reason (maatwerk); never higher (Awb art. 5:46)."""
    if bedrag is None or bedrag == voorstel:
        return voorstel
    if bedrag > voorstel:
        raise Weigering(MAATWERK, f"€ {bedrag} ligt boven het berekende bedrag van € {voorstel}")
    if bedrag < 1:
        raise Weigering(MAATWERK, "Een boete van minder dan € 1 is geen boete; zie af van de boete")
    if not reden:
        raise Weigering(MAATWERK, f"Een lager bedrag (€ {bedrag} in plaats van € {voorstel}) vraagt een reden")
    return bedrag


def controleer_plafond(categorie: Categorie, bedrag: int, opgelegd_pip: int) -> None:
    """The cap at the moment of the besluit (taken under the person's lock): standing PIP boetes plus this one."""
    maximum = MAXIMUM_PER_OVERTREDING[categorie]
    if bedrag > maximum:
        raise Weigering(MAXIMUM_REGEL[categorie], f"€ {bedrag} ligt boven het maximum van € {maximum}")
    if categorie is Categorie.PIP and opgelegd_pip + bedrag > PLAFOND_PIP_BEDRAG:
        raise Weigering(
            PLAFOND_PIP,
            f"€ {bedrag} bij de al opgelegde € {opgelegd_pip} gaat boven het plafond van € {PLAFOND_PIP_BEDRAG}",
        )
