"""The gemeente's side: subscribe, fetch a fact it was notified of, catch up through the feed (every stand-in's
routes, `ketenpartner_standin.api`, with COA's schemas)."""

from __future__ import annotations

from coa_standin.api.deps import PARTNER
from coa_standin.api.schemas import Feed, FeitRead, Melding, PersoonRead
from coa_standin.services.feiten import BRON
from ketenpartner_standin.api import keten_router
from ketenpartner_standin.services import FeitMetPersoon


def feit_read(gevonden: FeitMetPersoon) -> FeitRead:
    feit = gevonden.feit
    return FeitRead(
        id=feit.id,
        soort=feit.soort,
        bron=BRON,
        gemeentecode=feit.gemeente_code,
        volgnummer=feit.volgnummer,
        persoon=PersoonRead(bsn=gevonden.bsn, coa_id=gevonden.extern_id),
        registratiedatum=feit.registratie_datum,
        gegevens=feit.gegevens,
    )


router = keten_router(PARTNER, feit_read=feit_read, feit_model=FeitRead, melding_model=Melding, feed_model=Feed)
