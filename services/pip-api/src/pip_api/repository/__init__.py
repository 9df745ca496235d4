"""Every query of the plan context, one module per aggregate."""

from pip_api.repository.pip import PipRepository
from pip_api.repository.projectie import ProjectieRepository
from pip_api.repository.signalen import (
    ActievePip,
    InburgeraarZonderPip,
    OpdrachtInPip,
    Registratie,
    Signaalfilter,
    SignaalJobRepository,
    SignaalRepository,
    SignaalRij,
    VoortgangsignaalRepository,
)
from pip_api.repository.uitkomst import OnderdeelUitkomstRepository
from pip_api.repository.voortgangsgesprekken import VoortgangsgesprekRepository

__all__ = [
    "ActievePip",
    "InburgeraarZonderPip",
    "OnderdeelUitkomstRepository",
    "OpdrachtInPip",
    "PipRepository",
    "ProjectieRepository",
    "Registratie",
    "SignaalJobRepository",
    "SignaalRepository",
    "SignaalRij",
    "Signaalfilter",
    "VoortgangsgesprekRepository",
    "VoortgangsignaalRepository",
]
