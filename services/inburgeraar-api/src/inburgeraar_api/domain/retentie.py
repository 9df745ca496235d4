"""What Besluit inburgering 2021 art. 9.9 keeps, and from when the rest is due (handreiking-gegevensverwerking-
privacy.txt, "Bewaartermijnen"; DOMAIN §4).

Kept 50 years: (a) BSN, (b) naam, (c) adres, (d) woonplaats, (e) geboortedatum, (f) vrijstelling, (g) ontheffing and
(h) the date and way the plicht was met. Everything else is deleted 5 years after the plicht ended, or after death.
Death reaches this context as DUO's `plicht-vervallen` (DUO ends the plicht from the BRP): the same clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from inburgeraar_api.domain.enums import Omvang, PlichtMutatieSoort
from inburgeraar_api.domain.plicht import Ontheffing, PlichtMutatie, PlichtVastgesteld, PlichtVervallen, Vrijstelling
from inburgeraar_api.domain.regels import REGELS

KERN_JAREN = REGELS.bewaartermijn_kerngegevens.waarde
OVERIGE_JAREN = REGELS.bewaartermijn_overige_gegevens.waarde

# (f), (g) and (h); the vaststelling stays too, since vrijstelling, ontheffing and vervallen only read against it.
KERN_PLICHT_SOORTEN = frozenset(
    {
        PlichtMutatieSoort.PLICHT_VASTGESTELD.value,
        PlichtMutatieSoort.PLICHT_VERVALLEN.value,
        PlichtMutatieSoort.VRIJSTELLING.value,
        PlichtMutatieSoort.ONTHEFFING.value,
    }
)
# (b), (c) and (d): the adres holds the woonplaats. Telephone, e-mail and preferred language are "other" data.
KERN_CONTACT = frozenset({"voornamen", "achternaam", "adres"})


def kern_contact(contact: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in contact.items() if k in KERN_CONTACT}


def einde_plicht(mutaties: Sequence[PlichtMutatie]) -> date | None:
    """The day the plicht ended, from which the 5 years run: vervallen (met, or ended otherwise), or a whole
    vrijstelling or ontheffing (nothing of the plicht is left). A plicht established again starts over."""
    einde: date | None = None
    for mutatie in sorted(mutaties, key=lambda m: m.ingangsdatum):
        if isinstance(mutatie, PlichtVastgesteld):
            einde = None
        elif isinstance(mutatie, PlichtVervallen) or (
            isinstance(mutatie, Vrijstelling | Ontheffing) and mutatie.omvang is Omvang.GEHELE and einde is None
        ):
            einde = mutatie.ingangsdatum
    return einde
