"""Scopes of this API and the roles that hold them.

The gemeente's contract manager registers aanbieders, their contracts and API clients; the klantregisseur
assigns and changes opdrachten and follows what providers report. A provider's system (role `aanbieder`, a token
with an `aanbieder_id` claim and a registered client id) reads its own opdrachten and reports on them.
"""

from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN
from inburgering_kit.export import SCOPE_CBS_EXPORT
from inburgering_kit.monitoring import SCOPE_MONITORING
from inburgering_kit.overdracht import SCOPE_DOSSIER_EXPORTEREN, SCOPE_DOSSIER_IMPORTEREN
from inburgering_kit.privacy import SCOPE_INZAGE

AANBIEDERS_BEHEREN = "aanbieders:beheren"
OPDRACHTEN_LEZEN = "opdrachten:lezen"
OPDRACHTEN_BEHEREN = "opdrachten:beheren"
VOORTGANG_MELDEN = "voortgang:melden"
# The progress a previous gemeente handed over on a move: a person's read-only history, for the klantregisseur who
# now follows that person. Not `opdrachten:lezen`: the chain exchange holds that one (report f) and only writes the
# import (`dossier:importeren`), never reads a person's history back; the contract manager's reading of opdrachten is
# about the providers, not about what a person did at another gemeente.
OVERGENOMEN_VOORTGANG_LEZEN = "overgenomen-voortgang:lezen"
# The gemeente's chain exchange assembling the CBS delivery (Wi art. 35 lid 4): this context's part.
CBS_EXPORT = SCOPE_CBS_EXPORT

ROLLEN: dict[str, set[str]] = {
    "klantregisseur": {OPDRACHTEN_LEZEN, OPDRACHTEN_BEHEREN, OVERGENOMEN_VOORTGANG_LEZEN},
    "contractmanager": {AANBIEDERS_BEHEREN, OPDRACHTEN_LEZEN},
    "aanbieder": {VOORTGANG_MELDEN},
    "privacy-officer": {SCOPE_VERWERKINGEN_LEZEN, SCOPE_INZAGE},
    # The chain exchange: this context's part of the CBS delivery; report f to DUO completed from the opdracht
    # version a gemeente's change of the planned end made; and on a move this context's part of the dossier handed to
    # the new gemeente or taken in from the previous one (Besluit art. 9.4 lid 4, `inburgering_kit.overdracht`).
    "ketenuitwisseling": {CBS_EXPORT, OPDRACHTEN_LEZEN, SCOPE_DOSSIER_EXPORTEREN, SCOPE_DOSSIER_IMPORTEREN},
    # Local monitoring (issue 15 §2): provider performance per aanbieder with small cells suppressed, no person.
    "beleidsmedewerker": {SCOPE_MONITORING},
}
