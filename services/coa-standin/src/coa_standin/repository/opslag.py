"""The queries on the tables every stand-in has (`ketenpartner_standin.repository`), on COA's."""

from coa_standin.models import TABELLEN
from ketenpartner_standin.repository import Opslag

OPSLAG = Opslag(TABELLEN)
