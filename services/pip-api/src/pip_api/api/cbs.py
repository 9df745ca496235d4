"""`GET /cbs-export`: this context's part of the CBS delivery, for the gemeente's chain exchange."""

from inburgering_kit.export import cbs_export_router
from pip_api.services import cbs

router = cbs_export_router(
    cbs.exporteer,
    "Per inburgeraar met een PIP vastgesteld vóór `tot`: vaststellingsdatum en de wijzigingen in de periode, de "
    "leerroute met wisselingen in de periode en afschaling, en of PVT en MAP zijn afgesproken; de stand op `tot`.",
)
