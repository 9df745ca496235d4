"""The facts COA records about a statushouder (DOMAIN §3 "From COA"; seed "VNG uitvoeringstoets" §4.3.2: the TVS
klantprofiel, structured, with a notice when it changes): the `gegevens` of each soort, as the gemeente fetches them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import Datum, JaNee, tekst

Tekst = Annotated[str, tekst(1000)]
Regel = Annotated[str, tekst(200, regels=False)]
Doelgroep = Literal["asielmigrant", "gezinsmigrant", "overige-migrant"]
Taalniveau = Literal["A0", "A1", "A2", "B1", "B2", "C1", "C2"]


class Koppeling(ApiModel):
    datum_koppeling: Datum
    doelgroep: Doelgroep = "asielmigrant"


class BsnBekend(ApiModel):
    """The BSN itself is in `persoon`; nothing else is needed."""

    datum: Datum | None = None


class Contactgegevens(ApiModel):
    telefoon: Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{6,20}$")] | None = None
    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    adres: Regel | None = None


class Voorinburgering(ApiModel):
    toestemming: JaNee | None = None
    toetsresultaat: Regel | None = None
    nt2_spreken: Taalniveau | None = None
    introductiemodules: list[Regel] = Field(default_factory=list, max_length=20)
    taalactiviteiten: list[Regel] = Field(default_factory=list, max_length=20)
    voortgang: Tekst | None = None
    afgerond: JaNee | None = None


class Diplomawaardering(ApiModel):
    aangevraagd: JaNee
    start: Datum | None = None


class Klantprofiel(ApiModel):
    """Every item of the TVS klantprofiel; all optional, as COA fills them in over time."""

    contactgegevens: Contactgegevens | None = None
    gezin: Tekst | None = None
    verblijfsstatus: Regel | None = None
    voorinburgering: Voorinburgering | None = None
    taalvaardigheid: Taalniveau | None = None
    opleiding: Tekst | None = None
    trainingen: list[Regel] = Field(default_factory=list, max_length=50)
    contact_uaf: JaNee | None = None
    diplomawaardering: Diplomawaardering | None = None
    cv_gemaakt: JaNee | None = None
    werkervaring: Tekst | None = None
    zelfwerkzaamheid: Tekst | None = None
    competenties: Tekst | None = None
    computervaardigheden: Tekst | None = None
    ambities: Tekst | None = None
    coa_contactpersoon: Regel | None = None


SOORTEN: dict[str, type[ApiModel]] = {
    "koppeling": Koppeling,
    "bsn-bekend": BsnBekend,
    "klantprofiel": Klantprofiel,
}
