"""Processing activities of the chain exchange with their legal ground, as recorded in the verwerkingenlog."""

from inburgering_kit.audit import Verwerkingsactiviteit

ONTVANGEN_DUO = Verwerkingsactiviteit(
    "ophalen en doorgeven gegevens van DUO",
    "Wi art. 35 lid 3; Besluit inburgering 2021 art. 9.3 lid 1 (gegevens van DUO aan de gemeente)",
)
ONTVANGEN_COA = Verwerkingsactiviteit(
    "ophalen en doorgeven gegevens van het COA",
    "Wi art. 35 lid 2; Besluit inburgering 2021 art. 9.5 (koppeling en klantprofiel van het COA)",
)
RAPPORTEREN_DUO = Verwerkingsactiviteit(
    "rapporteren aan DUO (items a–s)",
    "Wi art. 35 lid 3; Besluit inburgering 2021 art. 9.3 lid 2, 9.5 lid 4 en 9.6 lid 4",
)
RAADPLEGEN = Verwerkingsactiviteit(
    "raadplegen uitwisselingsdossier", "Wi art. 35 lid 3 (verantwoording van de gegevenslevering); AVG art. 5 lid 2"
)
