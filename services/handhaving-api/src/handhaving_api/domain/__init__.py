"""Regels van de handhaving, elk met zijn wettelijke bron: puur, zonder framework."""
