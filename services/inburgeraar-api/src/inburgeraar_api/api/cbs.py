"""`GET /cbs-export`: this context's part of the CBS delivery, for the gemeente's chain exchange."""

from inburgeraar_api.services import cbs
from inburgering_kit.export import cbs_export_router

router = cbs_export_router(
    cbs.exporteer,
    "Per inburgeraar die vóór `tot` is geregistreerd: BSN, doelgroep, maatschappelijke begeleiding, ontzorgen, brede "
    "intake, leerbaarheidstoets (afname en uitslag), opleidingsniveau en (an)alfabetisme, als stand op `tot`.",
)
