"""Every closed value set of the person context, in one place.

The values are API and JSON values (and database values once the ORM stores them): kebab-case or lowercase
Dutch, so renaming a member is free but changing a value is a breaking change of the contract.
"""

from __future__ import annotations

from enum import StrEnum


class Doelgroep(StrEnum):
    """The three target groups of the law (DOMAIN §1).

    A nareiziger (a family member following a statushouder) is an asielmigrant, not a gezinsmigrant
    (gemeentelijk-beleidsplan-inburgering.txt, Begrippen: "Ook nareizigers (nareizende familieleden) vallen
    hieronder"). Whether someone is a nareiziger is a separate fact (a bool on the inburgeraar), never a
    fourth doelgroep: every rule that depends on the doelgroep treats a nareiziger as an asielmigrant.
    """

    ASIELMIGRANT = "asielmigrant"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige-migrant"


class InburgeraarStatus(StrEnum):
    # A person is registered by BSN (vng-uitvoeringstoets-informatiekundige-impact.txt §4.2.2); without one
    # that is a visible state to resolve, not an error to swallow (DOMAIN §2 step 2).
    BSN_ONTBREEKT = "bsn-ontbreekt"
    GEREGISTREERD = "geregistreerd"
    # Moved to another gemeente and the dossier handed over (Besluit art. 9.4 lid 4): the regie here has ended, the
    # data stay for retention.
    VERHUISD = "verhuisd"


# --- Inburgeringsplicht (facts from DUO) -------------------------------------------------------------


class PlichtMutatieSoort(StrEnum):
    PLICHT_VASTGESTELD = "plicht-vastgesteld"
    PLICHT_GEWIJZIGD = "plicht-gewijzigd"
    PLICHT_VERVALLEN = "plicht-vervallen"
    VRIJSTELLING = "vrijstelling"
    ONTHEFFING = "ontheffing"
    AANGEPASTE_EXAMENOMSTANDIGHEDEN = "aangepaste-examenomstandigheden"
    RECHT_MAATSCHAPPELIJKE_BEGELEIDING = "recht-maatschappelijke-begeleiding"
    TERMIJN_VASTGESTELD = "termijn-vastgesteld"
    TERMIJN_GEWIJZIGD = "termijn-gewijzigd"
    VERLENGING = "verlenging"
    # What DUO reports beside the plicht itself (DOMAIN §3 "From DUO"): history, no change of the termijnen.
    EXAMENRESULTAAT = "examenresultaat"
    DIPLOMA = "diploma"
    CERTIFICAAT = "certificaat"
    VERLENGING_AANGEVRAAGD = "verlenging-aangevraagd"
    VERLENGING_AFGEWEZEN = "verlenging-afgewezen"


class Termijnsoort(StrEnum):
    """The legal termijnen DUO sets (handreiking-gegevensverwerking-privacy.txt, DUO items a–f and m–n)."""

    IBP = "ibp"  # inburgeringstermijn: the plicht as a whole
    PVT = "pvt"
    MAP = "map"


class Omvang(StrEnum):
    """Whether a vrijstelling or ontheffing covers the whole plicht or some onderdelen."""

    GEHELE = "gehele"
    GEDEELTELIJKE = "gedeeltelijke"


class PlichtOnderdeel(StrEnum):
    """The parts of the plicht a partial vrijstelling, ontheffing or adjustment can cover.

    The four language skills are separate exam parts (gemeentelijk-beleidsplan-inburgering.txt, B1-route:
    "lezen, schrijven, spreken en luisteren"); KNM is part of every route; PVT and MAP are parts of the plicht
    outside the exam with their own vrijstelling/ontheffing (handreiking-gegevensverwerking-privacy.txt, DUO
    items d and g).
    """

    LEZEN = "lezen"
    LUISTEREN = "luisteren"
    SPREKEN = "spreken"
    SCHRIJVEN = "schrijven"
    KNM = "knm"
    PVT = "pvt"
    MAP = "map"


# --- Shared by klantprofiel and brede intake ----------------------------------------------------------


class Cefr(StrEnum):
    """Common European Framework of Reference levels; a0 means no command of the language yet."""

    A0 = "a0"
    A1 = "a1"
    A2 = "a2"
    B1 = "b1"
    B2 = "b2"
    C1 = "c1"
    C2 = "c2"


class Opleidingsniveau(StrEnum):
    # A coarse, country-independent scale: the CBS delivery asks for "het opleidingsniveau van de
    # inburgeraar" (handreiking-gegevensverwerking-privacy.txt, CBS item h), not a foreign diploma name.
    GEEN = "geen"
    BASISONDERWIJS = "basisonderwijs"
    VOORTGEZET_ONDERWIJS = "voortgezet-onderwijs"
    BEROEPSONDERWIJS = "beroepsonderwijs"
    HOGER_BEROEPSONDERWIJS = "hoger-beroepsonderwijs"
    UNIVERSITAIR = "universitair"


# --- Klantprofiel (COA) ------------------------------------------------------------------------------


class Relatie(StrEnum):
    PARTNER = "partner"
    KIND = "kind"
    OUDER = "ouder"
    BROER_ZUS = "broer-zus"
    OVERIG = "overig"


class Introductiemodule(StrEnum):
    # The modules of the voorinburgering in the AZC (vng-uitvoeringstoets-informatiekundige-impact.txt,
    # footnote 21, after the Nota van Toelichting bij het Besluit inburgering); NT2 is recorded separately.
    KNM = "knm"
    MAP = "map"
    PVT = "pvt"


# --- Brede intake ------------------------------------------------------------------------------------


class Onderwerp(StrEnum):
    """The 13 topics of the brede intake (gemeentelijk-beleidsplan-inburgering.txt, "Brede intake")."""

    LEERBAARHEID = "leerbaarheid"
    OPLEIDING = "opleiding"
    WERKERVARING = "werkervaring"  # includes vrijwilligerswerk
    PRAKTISCHE_COMPETENTIES = "praktische-competenties"
    WERKNEMERSVAARDIGHEDEN = "werknemersvaardigheden"
    TAALNIVEAU = "taalniveau"
    MOTIVATIE_INTERESSES = "motivatie-interesses"
    ZELFREDZAAMHEID = "zelfredzaamheid"
    DIGITALE_VAARDIGHEDEN = "digitale-vaardigheden"
    GEZINSSITUATIE = "gezinssituatie"
    FYSIEKE_GEZONDHEID = "fysieke-gezondheid"
    MENTALE_GEZONDHEID = "mentale-gezondheid"
    SOCIAAL_NETWERK = "sociaal-netwerk"


class OproepUitkomst(StrEnum):
    VERSCHENEN = "verschenen"
    NIET_VERSCHENEN = "niet-verschenen"
    ONVOLDOENDE_MEEGEWERKT = "onvoldoende-meegewerkt"


class IntakeStap(StrEnum):
    """What the gemeente does next after the oproepen so far."""

    OPROEPEN = "oproepen"  # no oproep sent yet
    WACHTEN_OP_UITKOMST = "wachten-op-uitkomst"  # the last oproep has no outcome yet
    INTAKE_AFNEMEN = "intake-afnemen"  # the person appeared
    WAARSCHUWING_OF_BOETE = "waarschuwing-of-boete"  # may warn or fine, and summons again
    AFRONDEN_BIJ_AFWEZIGHEID = "afronden-bij-afwezigheid"


class Leerroute(StrEnum):
    B1 = "b1"
    ONDERWIJSROUTE = "onderwijsroute"
    Z_ROUTE = "z-route"


class Alfabetisme(StrEnum):
    # Reported to CBS as "analfabetisme en anders-alfabetisme" (handreiking-gegevensverwerking-privacy.txt,
    # CBS item i); it says nothing about leerbaarheid (gemeentelijk-beleidsplan-inburgering.txt).
    GEALFABETISEERD = "gealfabetiseerd"
    ANDERS_GEALFABETISEERD = "anders-gealfabetiseerd"
    ANALFABEET = "analfabeet"


# --- Regels ------------------------------------------------------------------------------------------


class Eenheid(StrEnum):
    MAANDEN = "maanden"
    WEKEN = "weken"
    JAREN = "jaren"
    AANTAL = "aantal"
    EURO = "euro"
