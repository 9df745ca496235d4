"""Processing activities of the plan context with their legal ground, as recorded in the verwerkingenlog.

The PIP is a beschikking of the college under Wet inburgering 2021 (Wi) art. 15-17 (DOMAIN §2 step 7).
"""

from inburgering_kit.audit import Verwerkingsactiviteit

PIP_OPSTELLEN = Verwerkingsactiviteit(
    "opstellen en vaststellen PIP", "Wi art. 15 en 16 (persoonlijk plan inburgering en participatie)"
)
PIP_WIJZIGEN = Verwerkingsactiviteit("wijzigen PIP", "Wi art. 17 (wijziging van het PIP)")
PIP_BEEINDIGEN = Verwerkingsactiviteit("beëindigen PIP", "Wi art. 17")
PIP_RAADPLEGEN = Verwerkingsactiviteit("raadplegen PIP", "Wi art. 15-17; Wi art. 35 lid 1 (regierol)")
SIGNALEN_BEWAKEN = Verwerkingsactiviteit(
    "bewaken termijnen PIP", "Wi art. 7 (inburgeringstermijn); Wi art. 35 lid 1 (regierol)"
)
VOORTGANG_VASTLEGGEN = Verwerkingsactiviteit(
    "plannen en vastleggen voortgangsgesprekken", "Wi art. 35 lid 1 (regierol); Wi art. 15-17 (uitvoering PIP)"
)
VOORTGANG_AANBIEDERS_VOLGEN = Verwerkingsactiviteit(
    "volgen voortgang bij aanbieders",
    "Wi art. 35 lid 1 (regierol); Wi art. 23 (inspanningsverplichting); handreiking-gegevensverwerking-privacy.txt "
    "(gegevens over voortgang, aanwezigheid en resultaten)",
)
UITKOMST_BEOORDELEN = Verwerkingsactiviteit(
    "beoordelen niet behaalde MAP of PVT",
    "Wi art. 35 lid 3; Besluit inburgering 2021 art. 9.3 lid 2, 9.5 lid 4, 9.6 lid 4 (redenen, verwijtbaarheid)",
)
