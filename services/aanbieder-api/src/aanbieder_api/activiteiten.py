"""Processing activities of the providers context with their legal ground, as recorded in the verwerkingenlog.

Providers are verwerkers of the gemeente (handreiking-gegevensverwerking-privacy.txt; DOMAIN §4): what they receive
and report is processed under the gemeente's regierol and the PIP it carries out.
"""

from inburgering_kit.audit import Verwerkingsactiviteit

OPDRACHT_VERSTREKKEN = Verwerkingsactiviteit(
    "verstrekken opdracht aan aanbieder", "Wi art. 15-17 (uitvoering PIP); Wi art. 35 lid 1 (regierol); AVG art. 28"
)
OPDRACHT_RAADPLEGEN = Verwerkingsactiviteit(
    "raadplegen opdracht", "Wi art. 15-17 (uitvoering PIP); Wi art. 35 lid 1 (regierol)"
)
VOORTGANG_ONTVANGEN = Verwerkingsactiviteit(
    "ontvangen voortgang van aanbieder",
    "Wi art. 35 lid 1 (regierol); Wi art. 23 (toezicht op de inspanningsverplichting); Besluit art. 9.4",
)
VOORTGANG_RAADPLEGEN = Verwerkingsactiviteit(
    "raadplegen voortgang", "Wi art. 35 lid 1 (regierol); Wi art. 23 (toezicht op de inspanningsverplichting)"
)
