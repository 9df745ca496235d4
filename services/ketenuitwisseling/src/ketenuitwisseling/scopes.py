"""Scopes of this API and the roles that hold them."""

from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN

# A partner announcing a fact of its own ("melden"): only DUO for DUO, only COA for COA.
DUO = "duo"
COA = "coa"
KETEN_LEZEN = "keten:lezen"
KETEN_SCHRIJVEN = "keten:schrijven"

ROLLEN: dict[str, set[str]] = {
    "duo": {DUO},
    "coa": {COA},
    # The klantregisseur and the back office see what was exchanged and correct a rejected report.
    "klantregisseur": {KETEN_LEZEN, KETEN_SCHRIJVEN},
    "privacy-officer": {SCOPE_VERWERKINGEN_LEZEN, KETEN_LEZEN},
}

# What the exchange's own tokens carry towards the owning contexts and the partners (see `services.partners`).
NAAR_PARTNER = ("keten",)
NAAR_INBURGERAAR_DUO = ("inburgeraar:zoeken", "inburgeraar:bsn-lezen", "plicht:lezen", "plicht:schrijven")
NAAR_INBURGERAAR_COA = ("inburgeraar:koppelen", "klantprofiel:schrijven")
NAAR_HANDHAVING = ("duo-boetes:schrijven",)
