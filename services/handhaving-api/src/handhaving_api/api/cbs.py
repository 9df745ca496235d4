"""`GET /cbs-export`: this context's part of the CBS delivery, for the gemeente's chain exchange."""

from handhaving_api.services import cbs
from inburgering_kit.export import cbs_export_router

router = cbs_export_router(
    cbs.exporteer,
    "Per inburgeraar met een waarschuwing of boete in de periode: aantal en reden van de waarschuwingen, aantal, "
    "reden en hoogte van de boetes (een vervangen boete telt eenmaal, een vernietigde niet).",
)
