"""Scopes of this API and the roles that hold them.

The PIP is the klantregisseur's instrument (DOMAIN §1): it decides and changes the plan. Specialists read it,
since each works on a part of the plan; the privacy officer sees only the processing log. The worklist of termijn
signals has scopes of its own: it is the klantregisseur's overview of every deadline in the gemeente (DOMAIN §1:
"one overview of content + progress + deadlines"), wider than the part of the plan a specialist works on, and a
gemeente may give it to a team lead who does not decide PIPs.
"""

from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN
from inburgering_kit.export import SCOPE_CBS_EXPORT
from inburgering_kit.monitoring import SCOPE_MONITORING
from inburgering_kit.overdracht import SCOPE_DOSSIER_EXPORTEREN, SCOPE_DOSSIER_IMPORTEREN
from inburgering_kit.privacy import SCOPE_INZAGE

PIP_LEZEN = "pip:lezen"
PIP_SCHRIJVEN = "pip:schrijven"
# The list of every PIP of the gemeente. A specialist reads the PIP of a person it works on (by id, or the list for
# one `inburgeraarId`), not the plans of all persons.
PIP_OVERZICHT = "pip:overzicht"
SIGNALEN_LEZEN = "signalen:lezen"
SIGNALEN_AFHANDELEN = "signalen:afhandelen"
# The gemeente's chain exchange assembling the CBS delivery (Wi art. 35 lid 4): this context's part.
CBS_EXPORT = SCOPE_CBS_EXPORT

ROLLEN: dict[str, set[str]] = {
    "klantregisseur": {PIP_LEZEN, PIP_OVERZICHT, PIP_SCHRIJVEN, SIGNALEN_LEZEN, SIGNALEN_AFHANDELEN},
    "specialist-werk": {PIP_LEZEN},
    "specialist-inkomen": {PIP_LEZEN},
    "specialist-begeleiding": {PIP_LEZEN},
    "privacy-officer": {SCOPE_VERWERKINGEN_LEZEN, SCOPE_INZAGE},
    # The CBS delivery, and the dossier transfer on a move (Besluit inburgering 2021 art. 9.4 lid 4): handing this
    # context's part over to the new gemeente, and taking another gemeente's part in.
    "ketenuitwisseling": {CBS_EXPORT, SCOPE_DOSSIER_EXPORTEREN, SCOPE_DOSSIER_IMPORTEREN},
    # Local monitoring (issue 15 §2): counts of the gemeente with small cells suppressed, no PIP and no person.
    "beleidsmedewerker": {SCOPE_MONITORING},
}
