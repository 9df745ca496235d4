"""ORM models of the stand-in: the tables every stand-in has (`ketenpartner_standin.models`, see there for facts and
their notifications) mapped on this stand-in's own metadata."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from inburgering_kit.db import make_metadata
from ketenpartner_standin.models import (
    AbonnementBasis,
    FeitBasis,
    MeldingBasis,
    PersoonBasis,
    StoringBasis,
    Tabellen,
    volgnummer_sequence,
)


class Base(DeclarativeBase):
    metadata = make_metadata()


VOLGNUMMER = volgnummer_sequence(Base.metadata)


class Persoon(PersoonBasis, Base):
    """A statushouder as COA knows them: by COA's own id, with a BSN once there is one, linked to a gemeente."""


class Feit(FeitBasis, Base):
    pass


class Melding(MeldingBasis, Base):
    pass


class Abonnement(AbonnementBasis, Base):
    pass


class Storing(StoringBasis, Base):
    pass


TABELLEN = Tabellen(persoon=Persoon, feit=Feit, melding=Melding, abonnement=Abonnement, storing=Storing)
