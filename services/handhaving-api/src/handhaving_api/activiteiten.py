"""Processing activities of the enforcement context with their legal ground, as recorded in the verwerkingenlog."""

from inburgering_kit.audit import Verwerkingsactiviteit

OVERTREDING_REGISTREREN = Verwerkingsactiviteit(
    "registreren kandidaat-overtreding", "Wi art. 23 (toezicht op de inspanningsverplichting); Wi art. 14 en 15"
)
HANDHAVEN = Verwerkingsactiviteit(
    "waarschuwen en beboeten", "Wi art. 23 (bestuurlijke boete); Awb titel 5.4 (bestuurlijke boete) en art. 4:8"
)
HANDHAVING_RAADPLEGEN = Verwerkingsactiviteit(
    "raadplegen handhavingsdossier", "Wi art. 23; Wi art. 35 lid 1 (regierol)"
)
RECHTSMIDDELEN = Verwerkingsactiviteit(
    "behandelen bezwaar en beroep tegen een boete", "Awb hoofdstuk 6 en 7 (bezwaar), hoofdstuk 8 (beroep)"
)
MAATREGEL_REGISTREREN = Verwerkingsactiviteit(
    "registreren Participatiewet-maatregel", "Wi art. 27 (samenloop met de Participatiewet)"
)
DUO_BOETES = Verwerkingsactiviteit(
    "uitwisselen boetes met DUO", "Wi art. 23 en 27; seed 002 item s (uitwisseling gemeente en DUO)"
)
