"""Scopes of this API and the roles that hold them.

The PIP is the klantregisseur's instrument (DOMAIN §1): it decides and changes the plan. Specialists read it,
since each works on a part of the plan; the privacy officer sees only the processing log.
"""

from inburgering_kit.audit import SCOPE_VERWERKINGEN_LEZEN

PIP_LEZEN = "pip:lezen"
PIP_SCHRIJVEN = "pip:schrijven"

ROLLEN: dict[str, set[str]] = {
    "klantregisseur": {PIP_LEZEN, PIP_SCHRIJVEN},
    "specialist-werk": {PIP_LEZEN},
    "specialist-inkomen": {PIP_LEZEN},
    "specialist-begeleiding": {PIP_LEZEN},
    "privacy-officer": {SCOPE_VERWERKINGEN_LEZEN},
}
