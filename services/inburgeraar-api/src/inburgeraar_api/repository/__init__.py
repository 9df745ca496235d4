"""Every query of the person context, one module per aggregate."""

from inburgeraar_api.repository.dossier import DossierRepository
from inburgeraar_api.repository.inburgeraar import DuplicateBsn, InburgeraarRepository
from inburgeraar_api.repository.verhuizing import VerhuizingRepository

__all__ = ["DossierRepository", "DuplicateBsn", "InburgeraarRepository", "VerhuizingRepository"]
