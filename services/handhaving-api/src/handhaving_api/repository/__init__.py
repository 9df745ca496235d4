"""Every query of the enforcement context, one module per aggregate. Each repository acting for a request is scoped
to the caller's gemeente: another gemeente's row is not found, exactly like one that does not exist."""

from handhaving_api.repository.boete import BoeteRepository
from handhaving_api.repository.duo import DuoBoeteRepository
from handhaving_api.repository.maatregel import MaatregelRepository
from handhaving_api.repository.overdracht import OverdrachtRepository
from handhaving_api.repository.overtreding import Overtredingfilter, OvertredingRepository
from handhaving_api.repository.projectie import ProjectieRepository
from handhaving_api.repository.signaal import EventSjabloon, SignaalJobRepository
from handhaving_api.repository.verordening import VerordeningRepository

__all__ = [
    "BoeteRepository",
    "DuoBoeteRepository",
    "EventSjabloon",
    "MaatregelRepository",
    "OverdrachtRepository",
    "OvertredingRepository",
    "Overtredingfilter",
    "ProjectieRepository",
    "SignaalJobRepository",
    "VerordeningRepository",
]
