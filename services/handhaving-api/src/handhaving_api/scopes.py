"""Scopes of this API and the roles that hold them.

The klantregisseur walks the whole procedure (DOMAIN §1: the regierol) and keeps the gemeente's verordening in the
register. The inkomen specialist registers Participatiewet maatregelen (Wi art. 27) and reads which exist; DUO
delivers its own boetes; the privacy officer sees only the processing log.
"""

from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN
from inburgering_kit.export import SCOPE_CBS_EXPORT
from inburgering_kit.monitoring import SCOPE_MONITORING
from inburgering_kit.overdracht import SCOPE_DOSSIER_EXPORTEREN, SCOPE_DOSSIER_IMPORTEREN
from inburgering_kit.privacy import SCOPE_INZAGE

HANDHAVING_LEZEN = "handhaving:lezen"
HANDHAVING_SCHRIJVEN = "handhaving:schrijven"
VERORDENING_SCHRIJVEN = "verordening:schrijven"
MAATREGELEN_LEZEN = "maatregelen:lezen"
MAATREGELEN_SCHRIJVEN = "maatregelen:schrijven"
DUO_BOETES_SCHRIJVEN = "duo-boetes:schrijven"
# The gemeente's chain exchange assembling the CBS delivery (Wi art. 35 lid 4): this context's part.
CBS_EXPORT = SCOPE_CBS_EXPORT

ROLLEN: dict[str, set[str]] = {
    "klantregisseur": {HANDHAVING_LEZEN, HANDHAVING_SCHRIJVEN, VERORDENING_SCHRIJVEN, MAATREGELEN_LEZEN},
    "specialist-inkomen": {MAATREGELEN_LEZEN, MAATREGELEN_SCHRIJVEN},
    "duo": {DUO_BOETES_SCHRIJVEN},
    "privacy-officer": {SCOPE_VERWERKINGEN_LEZEN, SCOPE_INZAGE},
    # And the dossier transfer on a move (Besluit art. 9.4 lid 4): this context's part, out at the old gemeente
    # and in at the new one.
    "ketenuitwisseling": {CBS_EXPORT, SCOPE_DOSSIER_EXPORTEREN, SCOPE_DOSSIER_IMPORTEREN},
    # Local monitoring (issue 15 §2): enforcement counts with small cells suppressed, never a person.
    "beleidsmedewerker": {SCOPE_MONITORING},
}
