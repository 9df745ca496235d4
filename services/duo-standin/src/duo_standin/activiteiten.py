"""Processing activities of the DUO stand-in with their legal ground, as recorded in its own verwerkingenlog."""

from inburgering_kit.audit import Verwerkingsactiviteit

FEIT_LEVEREN = Verwerkingsactiviteit(
    "leveren feit over een inburgeringsplichtige aan de gemeente", "Wi art. 35 lid 2 (gegevenslevering aan gemeenten)"
)
RAPPORTAGE_ONTVANGEN = Verwerkingsactiviteit(
    "ontvangen rapportage a–s van de gemeente",
    "Wi art. 35 lid 3; Besluit inburgering 2021 art. 9.3 lid 2, 9.5 lid 4 en 9.6 lid 4",
)
