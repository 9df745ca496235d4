"""Scopes of this API and the roles that hold them.

Need to know (DOMAIN §4, seed handreiking-gegevensverwerking-privacy): the klantregisseur sees the whole
trajectory, a specialist only the sub-process it handles, the privacy officer only the processing log.
"""

INBURGERAAR_LEZEN = "inburgeraar:lezen"
INBURGERAAR_SCHRIJVEN = "inburgeraar:schrijven"
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
}

ROLLEN: dict[str, set[str]] = {
    "klantregisseur": _KLANTREGISSEUR,
    # Huisvesting works from the koppeling and the household: the person record and the warme overdracht.
    "specialist-huisvesting": {INBURGERAAR_LEZEN, OVERDRACHT_LEZEN},
    # Inkomen handles financieel ontzorgen (Participatiewet art. 56a) and nothing of the intake.
    "specialist-inkomen": {INBURGERAAR_LEZEN, ONTZORGEN_LEZEN, ONTZORGEN_SCHRIJVEN},
    # Werk needs education and work experience from the brede intake.
    "specialist-werk": {INBURGERAAR_LEZEN, INTAKE_LEZEN},
    "specialist-begeleiding": {INBURGERAAR_LEZEN, BEGELEIDING_LEZEN, BEGELEIDING_SCHRIJVEN},
    "privacy-officer": {VERWERKINGEN_LEZEN},
    # Chain partners' systems (machine-to-machine): COA reports the koppeling and the klantprofiel,
    # DUO the plicht facts; each finds the person by BSN first.
    "coa": {INBURGERAAR_LEZEN, INBURGERAAR_SCHRIJVEN, KLANTPROFIEL_SCHRIJVEN},
    "duo": {INBURGERAAR_LEZEN, PLICHT_LEZEN, PLICHT_SCHRIJVEN},
}
