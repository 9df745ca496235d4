"""Scopes of the stand-in, as every stand-in has them (`ketenpartner_standin.scopes`)."""

from ketenpartner_standin.scopes import BEHEER, KETEN, ROLLEN

__all__ = ["BEHEER", "KETEN", "ROLLEN"]
