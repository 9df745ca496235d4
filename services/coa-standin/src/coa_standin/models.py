"""ORM models of the stand-in: the tables every stand-in has (`ketenpartner_standin.models`, see there for persons,
facts and their notifications) mapped on this stand-in's own metadata. A person is a statushouder as COA knows them:
by COA's own id, with a BSN once there is one, linked to a gemeente."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from inburgering_kit.db import make_metadata
from ketenpartner_standin.models import tabellen_op


class Base(DeclarativeBase):
    metadata = make_metadata()


TABELLEN = tabellen_op(Base)
