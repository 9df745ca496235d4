"""Scopes of this API and the roles that hold them.

A subscriber is a system (a gemeente's zaaksysteem, a vendor's product, a chain partner's stand-in), not a
person: the `abonnee` role manages its gemeente's subscriptions and reads their delivery log.
"""

ABONNEMENTEN_LEZEN = "abonnementen:lezen"
ABONNEMENTEN_SCHRIJVEN = "abonnementen:schrijven"

ROLLEN: dict[str, set[str]] = {
    "abonnee": {ABONNEMENTEN_LEZEN, ABONNEMENTEN_SCHRIJVEN},
    # The privacy view: the processing log, and for an inzageverzoek the stored events that name the person.
    "privacy-officer": {"verwerkingen:lezen", "inzage:lezen"},
}
