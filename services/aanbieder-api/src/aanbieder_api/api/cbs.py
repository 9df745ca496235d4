"""`GET /cbs-export`: this context's part of the CBS delivery, for the gemeente's chain exchange."""

from aanbieder_api.services import cbs
from inburgering_kit.export import cbs_export_router

router = cbs_export_router(
    cbs.exporteer,
    "Per inburgeraar met een opdracht verstrekt vóór `tot`: de cursussen met soort, naam van de cursusinstelling, "
    "status, deelname (gerealiseerde start vóór `tot`), uren aanwezig, eindresultaat en bereikt niveau zoals ze op "
    "`tot` stonden: alleen meldingen gedaan vóór `tot` tellen, dus dezelfde periode geeft later dezelfde inhoud.",
)
