"""Scopes of this API and the roles that hold them.

Need to know (DOMAIN §4, seed handreiking-gegevensverwerking-privacy): the klantregisseur sees the whole
trajectory, a specialist only the sub-process it handles, the privacy officer only the processing log.
"""

from inburgering_kit.export import SCOPE_CBS_EXPORT
from inburgering_kit.monitoring import SCOPE_MONITORING
from inburgering_kit.overdracht import SCOPE_DOSSIER_EXPORTEREN, SCOPE_DOSSIER_IMPORTEREN

INBURGERAAR_LEZEN = "inburgeraar:lezen"
INBURGERAAR_SCHRIJVEN = "inburgeraar:schrijven"
# A chain partner that links persons to the gemeente (COA): it registers them, and reads, finds and changes only
# the persons this client registered itself; any other is "not found", like one of another gemeente.
INBURGERAAR_KOPPELEN = "inburgeraar:koppelen"
# Finding one person by a BSN the caller already holds, to address its own facts to the right id (DUO): the answer
# carries the registration, not the contact details. No list, no change.
INBURGERAAR_ZOEKEN = "inburgeraar:zoeken"
# The gemeente's chain exchange: the BSN of one person, only to put it on a report to DUO (Wi art. 35 lid 3); nothing
# else of the person.
INBURGERAAR_BSN_LEZEN = "inburgeraar:bsn-lezen"
PLICHT_LEZEN = "plicht:lezen"
PLICHT_SCHRIJVEN = "plicht:schrijven"
KLANTPROFIEL_LEZEN = "klantprofiel:lezen"
KLANTPROFIEL_SCHRIJVEN = "klantprofiel:schrijven"
OVERDRACHT_LEZEN = "overdracht:lezen"
OVERDRACHT_SCHRIJVEN = "overdracht:schrijven"
INTAKE_LEZEN = "intake:lezen"
INTAKE_SCHRIJVEN = "intake:schrijven"
BEGELEIDING_LEZEN = "begeleiding:lezen"
BEGELEIDING_SCHRIJVEN = "begeleiding:schrijven"
ONTZORGEN_LEZEN = "ontzorgen:lezen"
ONTZORGEN_SCHRIJVEN = "ontzorgen:schrijven"
VERWERKINGEN_LEZEN = "verwerkingen:lezen"
INZAGE_LEZEN = "inzage:lezen"
# A move to another gemeente (Besluit art. 9.4 lid 4): registered by the klantregisseur or, on DUO's notice, by the
# chain exchange, which also registers the person at the new gemeente with it.
VERHUIZING_REGISTREREN = "verhuizing:registreren"
# Only the chain exchange, once it delivered the dossier: ends the regie of the gemeente left.
VERHUIZING_OVERDRAGEN = "verhuizing:overdragen"
DOSSIER_EXPORTEREN = SCOPE_DOSSIER_EXPORTEREN
DOSSIER_IMPORTEREN = SCOPE_DOSSIER_IMPORTEREN
# The gemeente's chain exchange assembling the CBS delivery (Wi art. 35 lid 4): this context's part, BSN included.
CBS_EXPORT = SCOPE_CBS_EXPORT

_KLANTREGISSEUR = {
    INBURGERAAR_LEZEN,
    INBURGERAAR_SCHRIJVEN,
    PLICHT_LEZEN,
    PLICHT_SCHRIJVEN,
    KLANTPROFIEL_LEZEN,
    KLANTPROFIEL_SCHRIJVEN,
    OVERDRACHT_LEZEN,
    OVERDRACHT_SCHRIJVEN,
    INTAKE_LEZEN,
    INTAKE_SCHRIJVEN,
    BEGELEIDING_LEZEN,
    BEGELEIDING_SCHRIJVEN,
    ONTZORGEN_LEZEN,
    ONTZORGEN_SCHRIJVEN,
    VERHUIZING_REGISTREREN,
}

ROLLEN: dict[str, set[str]] = {
    "klantregisseur": _KLANTREGISSEUR,
    # Specialists work on one sub-process by the inburgeraar's id they are given; none of them lists or reads the
    # persons of the gemeente (with BSN and contact details) as such.
    # Huisvesting works from the warme overdracht (the koppeling and the household).
    "specialist-huisvesting": {OVERDRACHT_LEZEN},
    # Inkomen handles financieel ontzorgen (Participatiewet art. 56a) and nothing of the intake.
    "specialist-inkomen": {ONTZORGEN_LEZEN, ONTZORGEN_SCHRIJVEN},
    # Werk needs education and work experience from the brede intake.
    "specialist-werk": {INTAKE_LEZEN},
    "specialist-begeleiding": {BEGELEIDING_LEZEN, BEGELEIDING_SCHRIJVEN},
    # The privacy view: the log, and for an inzageverzoek (AVG art. 15) everything held about one person.
    "privacy-officer": {VERWERKINGEN_LEZEN, INZAGE_LEZEN},
    # Chain partners' systems (machine-to-machine). COA links persons and reports their klantprofiel: only for the
    # persons it linked itself.
    "coa": {INBURGERAAR_KOPPELEN, KLANTPROFIEL_SCHRIJVEN},
    # DUO reports the plicht facts; it finds the person's id by BSN first and sees nothing else of the person.
    "duo": {INBURGERAAR_ZOEKEN, PLICHT_LEZEN, PLICHT_SCHRIJVEN},
    # The gemeente's chain exchange (services/ketenuitwisseling) hands on DUO's and COA's facts with two tokens, one
    # per partner's part (see its `scopes`), and reads the BSN for its reports to DUO.
    # On a move it hands the dossier over (export at the gemeente left, import at the new one) and registers the move.
    "ketenuitwisseling": {
        INBURGERAAR_ZOEKEN,
        INBURGERAAR_BSN_LEZEN,
        PLICHT_LEZEN,
        PLICHT_SCHRIJVEN,
        CBS_EXPORT,
        DOSSIER_EXPORTEREN,
        DOSSIER_IMPORTEREN,
        VERHUIZING_REGISTREREN,
        VERHUIZING_OVERDRAGEN,
    },
    # Local monitoring (issue 15 §2): counts of the gemeente with small cells suppressed, never a person.
    "beleidsmedewerker": {SCOPE_MONITORING},
}
