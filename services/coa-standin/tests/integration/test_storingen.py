"""The fault switches, as the gemeente's exchange meets them, and the delivery that survives a gemeente that is down:
every stand-in's tests (`ketenpartner_standin.testing`), on COA's facts."""

from ketenpartner_standin.testing import TestBezorging, TestStoringen

__all__ = ["TestBezorging", "TestStoringen"]
