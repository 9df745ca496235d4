"""Scopes of this API and the roles that hold them."""

from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN

# A partner announcing a fact of its own ("melden"): only DUO for DUO, only COA for COA.
DUO = "duo"
COA = "coa"
KETEN_LEZEN = "keten:lezen"
KETEN_SCHRIJVEN = "keten:schrijven"
# The delivery to CBS (Wi art. 35 lid 4). Requesting and following it is the gemeente's application manager's task;
# the file holds every person's BSN, so only CBS's own system fetches it (need to know: nobody of the gemeente needs
# the file itself, and the contexts hold the data it came from).
CBS_LEVERING_AANVRAGEN = "cbs-levering:aanvragen"
CBS_LEVERING_VOLGEN = "cbs-levering:volgen"
CBS_LEVERING_OPHALEN = "cbs-levering:ophalen"

# Another deployment's exchange, for a gemeente it serves (the dossier transfer on a move, Besluit art. 9.4 lid 4):
# N asks O to register the move; O delivers the dossier to N. Over mTLS, the certificate's OIN checked per gemeente.
OVERDRACHT_VERZOEKEN = "overdracht:verzoeken"
OVERDRACHT_AFLEVEREN = "overdracht:afleveren"

ROLLEN: dict[str, set[str]] = {
    "duo": {DUO},
    "coa": {COA},
    # The klantregisseur and the back office see what was exchanged and correct a rejected report.
    "klantregisseur": {KETEN_LEZEN, KETEN_SCHRIJVEN},
    "privacy-officer": {SCOPE_VERWERKINGEN_LEZEN, KETEN_LEZEN},
    "functioneel-beheerder": {CBS_LEVERING_AANVRAGEN, CBS_LEVERING_VOLGEN},
    "cbs": {CBS_LEVERING_VOLGEN, CBS_LEVERING_OPHALEN},
    "ketenuitwisseling": {OVERDRACHT_VERZOEKEN, OVERDRACHT_AFLEVEREN},
}

# What the exchange's own tokens carry towards the owning contexts and the partners (see `services.partners`).
NAAR_PARTNER = ("keten",)
NAAR_INBURGERAAR_DUO = ("inburgeraar:zoeken", "inburgeraar:bsn-lezen", "plicht:lezen", "plicht:schrijven")
NAAR_INBURGERAAR_COA = ("inburgeraar:koppelen", "klantprofiel:schrijven")
NAAR_HANDHAVING = ("duo-boetes:schrijven",)
# Towards each of the four contexts for the CBS delivery: only their export.
NAAR_CBS_BRONNEN = ("cbs:export",)
# Towards the four contexts for a move's transfer: export at O, import at N, the move at O's inburgeraar-api (and its
# end once handed over), finding the person by BSN, and registering it at N on DUO's notice (issue 13 point 1: with
# `herkomst` verhuizing, `verhuizing:registreren` suffices at inburgeraar-api — no general `inburgeraar:schrijven`).
NAAR_OVERDRACHT = (
    "dossier:exporteren",
    "dossier:importeren",
    "verhuizing:registreren",
    "verhuizing:overdragen",
    "inburgeraar:zoeken",
)
# Towards another deployment's exchange.
NAAR_PEER = (OVERDRACHT_VERZOEKEN, OVERDRACHT_AFLEVEREN)
