"""Request and response schemas of the inburgeraar resource."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import Field, WithJsonSchema

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
Gemeentecode = Annotated[str, Field(pattern=r"^[0-9]{4}$", description="CBS-gemeentecode, vier cijfers.")]


class Herkomst(ApiModel):
    """Hoe de inburgeraar in deze gemeente kwam als dat niet met een eigen koppeling of BRP-inschrijving was: bij
    een verhuizing vanuit een andere gemeente (Besluit inburgering 2021 art. 9.4 lid 4)."""

    soort: Literal["verhuizing"]
    van_gemeente: Gemeentecode


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
    herkomst: Herkomst | None = Field(
        default=None,
        description="Bij een verhuizing (op de melding van DUO door de ketenuitwisseling, scope "
        "`verhuizing:registreren`): registreren is dan idempotent per BSN — een BSN dat de gemeente al heeft geeft "
        "200 met die registratie in plaats van 409.",
    )


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
    herkomst: Herkomst | None = None
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


# ---- Verhuizing en overdracht van het dossier (Besluit inburgering 2021 art. 9.4 lid 4) ----


class VerhuizingCreate(ApiModel):
    naar_gemeente: Gemeentecode = Field(description="De nieuwe gemeente; niet de eigen.")
    verhuisdatum: Datum | None = None
    bron: Literal["klantregisseur", "duo"] = Field(
        default="klantregisseur",
        description="Wie de verhuizing meldde: de klantregisseur, of DUO (de ketenuitwisseling).",
    )


class VerhuizingRead(ApiModel):
    id: uuid.UUID
    inburgeraar_id: uuid.UUID
    van_gemeente: str
    naar_gemeente: str
    verhuisdatum: kit.Datum | None
    bron: Literal["klantregisseur", "duo"]
    status: Literal["aangemeld", "overgedragen"] = Field(
        description="`aangemeld` tot de ketenuitwisseling het dossier heeft overgedragen, dan `overgedragen`."
    )
    aangemeld_op: Tijdstip
    overgedragen_op: Tijdstip | None


class EerderDossier(ApiModel):
    """Een dossier dat deze gemeente zelf van een gemeente daarvoor overnam, ongewijzigd doorgegeven."""

    van_gemeente: Gemeentecode
    verhuisdatum: kit.Datum | None
    overgenomen_op: Tijdstip
    dossier: dict[str, Any] = Field(description="Het `Overdrachtsdossier` zoals die gemeente het gaf.")


class Overdrachtsdossier(ApiModel):
    """Alles wat de persoonscontext van de vorige gemeente over de inburgeraar heeft en de nieuwe gemeente nodig
    heeft (Besluit inburgering 2021 art. 9.4 lid 4): BSN en NAW (de overdracht gaat van gemeente naar gemeente),
    de plichtgegevens van DUO, klantprofielen van het COA, warme overdracht, de brede intake met al haar delen,
    maatschappelijke begeleiding, financieel ontzorgen en de verzoeken tot verlenging."""

    inburgeraar_id: uuid.UUID = Field(description="Id van de inburgeraar bij de vorige gemeente.")
    gemeente_code: Gemeentecode = Field(description="De vorige gemeente.")
    bsn: BsnField | None = Field(description="Leeg als de vorige gemeente het BSN nooit kreeg.")
    status: InburgeraarStatus
    doelgroep: Doelgroep
    nareiziger: JaNee
    datum_koppeling: Datum | None
    datum_inschrijving_brp: Datum | None
    contact: Contactgegevens = Field(description="Naam, adres en contactgegevens zoals de vorige gemeente ze had.")
    klantregisseur: Naam | None = Field(description="De klantregisseur bij de vorige gemeente (aanspreekpunt).")
    herkomst: Herkomst | None = None
    plichtmutaties: list[PlichtMutatieRead] = Field(description="Alle feiten van DUO over de plicht, in volgorde.")
    klantprofielen: list[KlantprofielVersieRead] = Field(description="Alle versies van het klantprofiel van het COA.")
    warme_overdrachten: list[WarmeOverdrachtRead]
    brede_intake: BredeIntakeRead | None
    maatschappelijke_begeleiding: list[BegeleidingOnderdeelRead]
    ontzorgen: OntzorgenRead | None
    verlengingsverzoeken: list[VerlengingsverzoekRead]
    eerdere_dossiers: list[EerderDossier] = Field(
        default_factory=list, description="Wat deze gemeente zelf bij een eerdere verhuizing overnam."
    )


DossierDocument = Annotated[
    dict[str, Any],
    WithJsonSchema({"allOf": [{"$ref": "#/components/schemas/Overdrachtsdossier"}]}),
]


class OverdrachtCreate(ApiModel):
    """Het dossier van de persoonscontext van de vorige gemeente, voor de inburgeraar bij de aanroepende (nieuwe)
    gemeente. Die wordt op BSN gevonden (bijvoorbeeld de registratie op de melding van DUO) of geregistreerd."""

    van_gemeente: Gemeentecode = Field(description="De vorige gemeente.")
    verhuisdatum: Datum | None = Field(default=None, description="Datum van de verhuizing, als bekend.")
    dossier: DossierDocument = Field(
        description="Precies wat `GET /overdrachtsdossiers/{inburgeraarId}` bij de vorige gemeente gaf; getoetst aan "
        "`Overdrachtsdossier` (422 met elk ongeldig veld als `dossier.…`)."
    )


class OverdrachtRead(ApiModel):
    overdracht_id: uuid.UUID
    inburgeraar_id: uuid.UUID = Field(description="De inburgeraar bij de nieuwe (aanroepende) gemeente.")
    van_gemeente: str
    verhuisdatum: kit.Datum | None
    geimporteerd: Literal[True] = True
    overgenomen_op: Tijdstip


class OvergenomenDossierRead(OverdrachtRead):
    """Overgenomen geschiedenis: alleen te lezen, niet het eigen dossier van deze gemeente."""

    dossier: Overdrachtsdossier
