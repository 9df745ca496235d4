"""The werkplek has no API and no scopes of its own: what a user may see or do is what the user's token may do at
each service (their `scopes.ROLLEN`). The local stack merges every service's `ROLLEN` into development roles; the
werkplek adds none."""

ROLLEN: dict[str, set[str]] = {}

# Who sees a BSN on a screen (need to know, DOMAIN §4): the klantregisseur, who files and checks the person's
# registration. A specialist or the privacy officer works by the inburgeraar's id and never needs the number.
BSN_ROLLEN = frozenset({"klantregisseur"})
