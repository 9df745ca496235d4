"""Scopes of a stand-in. `keten`: the gemeente's exchange system (fetch facts, subscribe, report); `beheer`: whoever
plays the partner's side of a scenario (tests, a demo) and switches its faults."""

KETEN = "keten"
BEHEER = "beheer"

ROLLEN: dict[str, set[str]] = {
    "ketenuitwisseling": {KETEN},
    "ketenpartner-beheer": {BEHEER},
}
