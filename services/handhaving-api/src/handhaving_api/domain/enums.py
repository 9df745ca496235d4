"""The codes of the enforcement context, as the contract and the events carry them."""

from __future__ import annotations

from enum import StrEnum


class Doelgroep(StrEnum):
    """The three target groups (DOMAIN §1), as inburgeraar-api publishes them."""

    ASIELMIGRANT = "asielmigrant"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige-migrant"


class Categorie(StrEnum):
    """What an overtreding is about: the brede intake (Wi art. 14) or the PIP (Wi art. 15-17); each has its own
    maximum and only the PIP has a cap (Wi art. 23)."""

    BREDE_INTAKE = "brede-intake"
    PIP = "pip"


class Overtredingsoort(StrEnum):
    """The gedragingen the gemeente enforces (seed 002 tabel; DOMAIN §2 stap 6 en 12)."""

    BREDE_INTAKE_NIET_VERSCHENEN = "brede-intake-niet-verschenen"
    BREDE_INTAKE_ONVOLDOENDE_MEEGEWERKT = "brede-intake-onvoldoende-meegewerkt"
    PIP_LEERROUTE = "pip-leerroute"
    PIP_VOORTGANGSGESPREK = "pip-voortgangsgesprek"
    PIP_PVT = "pip-pvt"
    PIP_MAP = "pip-map"
    PIP_ONDERSTEUNING = "pip-ondersteuning"

    @property
    def categorie(self) -> Categorie:
        return Categorie.BREDE_INTAKE if self.value.startswith("brede-intake") else Categorie.PIP


class Procedurestatus(StrEnum):
    """Where the Awb procedure on one overtreding stands (see `procedure`)."""

    KANDIDAAT = "kandidaat"
    AFGEWEZEN = "afgewezen"
    GEWAARSCHUWD = "gewaarschuwd"
    VOORGENOMEN = "voorgenomen"
    ZIENSWIJZE_ONTVANGEN = "zienswijze-ontvangen"
    BEBOET = "beboet"
    GEEN_BOETE = "geen-boete"
    # Stopped without a decision because the person moved to another gemeente (REDEN_VERHUISD in its step): the
    # new gemeente enforces from then on, with this procedure in the history it takes over.
    BEEINDIGD = "beeindigd"


class Handeling(StrEnum):
    """A step of the procedure, as the klantregisseur takes it."""

    AFWIJZEN = "afwijzen"
    WAARSCHUWEN = "waarschuwen"
    VOORNEMEN = "voornemen"
    ZIENSWIJZE = "zienswijze"
    BEBOETEN = "beboeten"
    AFZIEN = "afzien"
    # Taken by the system only, on `inburgeraar.verhuisd`: never a step the klantregisseur can take.
    BEEINDIGEN = "beeindigen"


class Boetestatus(StrEnum):
    """A boetebesluit is never changed: a correction or a decision in bezwaar/beroep replaces it by a new one
    (`vervangen`), a gegrond bezwaar or beroep annuls it (`vernietigd`). Only `opgelegd` counts toward the cap."""

    OPGELEGD = "opgelegd"
    VERVANGEN = "vervangen"
    VERNIETIGD = "vernietigd"


class Rechtsmiddel(StrEnum):
    BEZWAAR = "bezwaar"
    BEROEP = "beroep"


class Beslissing(StrEnum):
    GEGROND = "gegrond"
    ONGEGROND = "ongegrond"
    DEELS_GEGROND = "deels-gegrond"


class Rechtsmiddelstatus(StrEnum):
    """The state of a boete in bezwaar and beroep, as the DUO exchange reports it (seed 002 item s)."""

    GEEN = "geen"
    BEZWAAR_AANHANGIG = "bezwaar-aanhangig"
    BEZWAAR_BESLIST = "bezwaar-beslist"
    BEROEP_AANHANGIG = "beroep-aanhangig"
    BEROEP_BESLIST = "beroep-beslist"
