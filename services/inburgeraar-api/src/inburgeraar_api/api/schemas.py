"""Request and response schemas of the inburgeraar resource."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field

from inburgeraar_api.domain.aanbiedermelding import LeerbaarheidstoetsUitslag
from inburgeraar_api.domain.basis import Diplomawaardering, Opleiding, Taalniveau, Werkervaring
from inburgeraar_api.domain.brede_intake import IntakeResultaat, VveKind
from inburgeraar_api.domain.enums import (
    Alfabetisme,
    Doelgroep,
    InburgeraarStatus,
    IntakeStap,
    OproepUitkomst,
    Termijnsoort,
)
from inburgeraar_api.domain.klantprofiel import Adres, Email, Klantprofiel, Telefoon, Wijziging
from inburgeraar_api.domain.overdracht import WarmeOverdracht
from inburgeraar_api.domain.plicht import PlichtMutatie, PlichtStand
from inburgeraar_api.domain.verlenging import Omstandigheid
from inburgering_kit import types as kit
from inburgering_kit.bsn import BsnField
from inburgering_kit.schemas import ApiModel
from inburgering_kit.strict import Datum, JaNee, Tijdstip, tekst, weglaatbaar

Naam = Annotated[str, tekst(200, regels=False)]


class Contactgegevens(ApiModel):
    voornamen: Naam | None = None
    achternaam: Naam | None = None
    telefoonnummer: Telefoon | None = None
    email: Email | None = None
    adres: Adres | None = None
    voorkeurstaal: Annotated[str, tekst(50, regels=False)] | None = None


class InburgeraarCreate(ApiModel):
    bsn: BsnField | None = Field(
        default=None,
        description="Ontbreekt het BSN nog, dan staat de inburgeraar zichtbaar op `bsn-ontbreekt` "
        "tot het is vastgelegd.",
    )
    doelgroep: Doelgroep
    nareiziger: JaNee = Field(default=False, description="Nareizigers zijn asielmigranten.")
    datum_koppeling: Datum | None = Field(default=None, description="Koppeling door het COA (asielmigranten).")
    datum_inschrijving_brp: Datum | None = Field(default=None, description="Inschrijving in de BRP van de gemeente.")
    contact: Contactgegevens | None = None
    klantregisseur: Naam | None = Field(default=None, description="Gebruikersnaam van de klantregisseur.")


class InburgeraarUpdate(ApiModel):
    """Alleen de meegegeven velden wijzigen; `null` maakt een optioneel veld leeg. Doelgroep en nareiziger heeft
    elke inburgeraar: die zijn niet leeg te maken."""

    doelgroep: Doelgroep = weglaatbaar()
    nareiziger: JaNee = weglaatbaar()
    datum_koppeling: Datum | None = None
    datum_inschrijving_brp: Datum | None = None
    contact: Contactgegevens | None = None
    klantregisseur: Naam | None = None


class InburgeraarRead(ApiModel):
    id: uuid.UUID
    gemeente_code: str
    status: InburgeraarStatus
    bsn: str | None
    doelgroep: Doelgroep
    nareiziger: JaNee
    datum_koppeling: Datum | None
    datum_inschrijving_brp: Datum | None
    contact: Contactgegevens
    klantregisseur: str | None
    versie: int
    aangemaakt_op: Tijdstip = Field(validation_alias="created_at")
    gewijzigd_op: Tijdstip = Field(validation_alias="updated_at")


class BsnVastleggen(ApiModel):
    bsn: BsnField


class InburgeraarZoek(ApiModel):
    bsn: BsnField


# ---- Plicht (DUO) ----


class PlichtMutatieRead(ApiModel):
    volgnummer: int
    ontvangen_op: Tijdstip
    mutatie: PlichtMutatie


class PlichtRead(ApiModel):
    stand: PlichtStand
    mutaties: list[PlichtMutatieRead]


# ---- Klantprofiel (COA) ----


class KlantprofielVersieSamenvatting(ApiModel):
    versie: int
    bron: str
    ontvangen_op: Tijdstip
    wijzigingen: list[Wijziging]


class KlantprofielVersieRead(KlantprofielVersieSamenvatting):
    profiel: Klantprofiel


class KlantprofielAanlevering(ApiModel):
    bron: Annotated[str, tekst(50, regels=False)] = "COA"
    profiel: Klantprofiel


# ---- Warme overdracht ----


class WarmeOverdrachtRead(ApiModel):
    id: uuid.UUID
    vastgelegd_op: Tijdstip
    overdracht: WarmeOverdracht


# ---- Brede intake ----


class OproepCreate(ApiModel):
    verzonden_datum: Datum
    afspraak_op: Tijdstip = Field(description="Datum en tijd van de afspraak, met tijdzone.")


class OproepUitkomstCreate(ApiModel):
    uitkomst: OproepUitkomst
    toelichting: Annotated[str, tekst(2000)] | None = None


class OproepRead(ApiModel):
    id: uuid.UUID
    volgnummer: int
    verzonden_datum: Datum
    afspraak_op: Tijdstip
    uitkomst: OproepUitkomst | None
    toelichting: str | None


class IntakegesprekCreate(ApiModel):
    datum: Datum
    gevoerd_door: Naam
    samenvatting: Annotated[str, tekst(4000)] | None = None


class IntakegesprekRead(IntakegesprekCreate):
    id: uuid.UUID


class Achtergrond(ApiModel):
    """Opleiding, diplomawaardering, werkervaring, taalniveau, (anders-)alfabetisme en VVE voor kinderen."""

    opleidingen: list[Opleiding] = Field(default_factory=list, max_length=50)
    diplomawaardering: Diplomawaardering | None = None
    werkervaring: list[Werkervaring] = Field(default_factory=list, max_length=50)
    taalniveau: Taalniveau | None = None
    alfabetisme: Alfabetisme | None = None
    vve_kinderen: list[VveKind] = Field(default_factory=list, max_length=20)


class AfrondenCreate(ApiModel):
    datum: Datum
    bij_afwezigheid: JaNee = Field(default=False, description="Afronden zonder verschijnen, na drie oproepen.")


class BredeIntakeRead(ApiModel):
    status: Literal["lopend", "afgerond"]
    afgerond_datum: Datum | None
    afgerond_bij_afwezigheid: JaNee
    volgende_stap: IntakeStap = Field(description="Wat de gemeente na de oproepen tot nu toe doet.")
    oproepen: list[OproepRead]
    gesprekken: list[IntakegesprekRead]
    resultaten: list[IntakeResultaat]
    leerbaarheidstoets: LeerbaarheidstoetsUitslag | None
    achtergrond: Achtergrond | None


# ---- Maatschappelijke begeleiding ----


class BegeleidingOnderdeelCreate(ApiModel):
    onderdeel: Naam = Field(description="Naam van het onderdeel, bijvoorbeeld 'wonen' of 'zorgverzekering'.")
    inhoud: Annotated[str, tekst(2000)]
    doel: Annotated[str, tekst(2000)]
    startdatum: Datum
    einddatum: Datum | None = None
    aanbieder: Naam


class BegeleidingOnderdeelRead(BegeleidingOnderdeelCreate):
    id: uuid.UUID


# ---- Financieel ontzorgen ----


class OntzorgenCreate(ApiModel):
    beschikking_referentie: Annotated[str, tekst(100, regels=False)] = Field(
        description="Kenmerk van de Participatiewet-beschikking."
    )
    startdatum: Datum = Field(description="De dag waarop het recht op bijstand ontstaat.")


class OntzorgenVerlenging(ApiModel):
    verlengd_tot: Datum


class OntzorgenRead(ApiModel):
    beschikking_referentie: str
    startdatum: Datum
    # Computed from the startdatum (a term after it): may lie past the range an input date is held to.
    geplande_einddatum: kit.Datum
    verlengd_tot: kit.Datum | None


class VerlengingsverzoekRead(ApiModel):
    id: uuid.UUID
    verzoekdatum: Datum
    termijn: Termijnsoort
    omstandigheden: list[Omstandigheid]
    gevraagde_einddatum: kit.Datum | None = None
    toelichting: str | None = None
    vastgelegd_op: Tijdstip
