"""Processing activities of the COA stand-in with their legal ground, as recorded in its own verwerkingenlog."""

from inburgering_kit.audit import Verwerkingsactiviteit

FEIT_LEVEREN = Verwerkingsactiviteit(
    "leveren koppeling of klantprofiel aan de gemeente", "Wi art. 35 lid 2; Besluit inburgering 2021 art. 9.2 lid 4"
)
