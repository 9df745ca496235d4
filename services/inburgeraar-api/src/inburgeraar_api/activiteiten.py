"""Processing activities of this context with their legal ground, as recorded in the verwerkingenlog.

Sources: Wet inburgering 2021 (Wi) and Besluit inburgering 2021 (Bi) as cited in
handreiking-gegevensverwerking-privacy.txt ("Waar staat dat?") and DOMAIN §2–§4.
"""

from inburgering_kit.audit import Verwerkingsactiviteit

REGISTRATIE = Verwerkingsactiviteit(
    "registratie inburgeraar",
    "Wi art. 35 lid 1 (uitvoering regierol vanaf koppeling/inschrijving); Bi art. 9.2",
)
RAADPLEGEN = Verwerkingsactiviteit("raadplegen inburgeraar", "Wi art. 35 lid 1")
PLICHTGEGEVENS = Verwerkingsactiviteit(
    "ontvangen plichtgegevens DUO", "Wi art. 35 lid 2 (gegevenslevering door DUO aan het college)"
)
KLANTPROFIEL = Verwerkingsactiviteit(
    "ontvangen klantprofiel COA",
    "Wi art. 35 lid 1; Bi art. 9.2 lid 4 (gegevens COA); zachte informatie alleen met toestemming",
)
WARME_OVERDRACHT = Verwerkingsactiviteit("warme overdracht", "Wi art. 35 lid 1; Bi art. 9.2 lid 4")
BREDE_INTAKE = Verwerkingsactiviteit("brede intake", "Wi art. 14; Bi art. 5.2")
MAATSCHAPPELIJKE_BEGELEIDING = Verwerkingsactiviteit("maatschappelijke begeleiding", "Wi art. 13; Bi art. 5.1")
BSN_LEVERING_DUO = Verwerkingsactiviteit(
    "verstrekken BSN voor de gegevenslevering aan DUO",
    "Wi art. 35 lid 3; Bi art. 9.3 lid 2, 9.5 lid 4 en 9.6 lid 4 (gegevenslevering door gemeenten aan DUO)",
)
ONTZORGEN = Verwerkingsactiviteit("financieel ontzorgen", "Participatiewet art. 56a; Wi art. 35 lid 5")
VERLENGING_OMSTANDIGHEDEN = Verwerkingsactiviteit(
    "vastleggen omstandigheden verzoek verlenging",
    "Wi art. 35 lid 3 (gegevenslevering aan DUO, item q: omstandigheden die leidden tot een verzoek tot verlenging)",
)
VERHUIZING = Verwerkingsactiviteit(
    "registratie verhuizing naar een andere gemeente",
    "Wi art. 35 lid 1; Bi art. 9.4 lid 4 (overdracht van het dossier aan de nieuwe gemeente)",
)
