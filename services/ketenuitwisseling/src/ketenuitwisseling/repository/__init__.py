from ketenuitwisseling.repository.melding import MeldingRepository
from ketenuitwisseling.repository.rapportage import BronfeitRepository, RapportageRepository

__all__ = ["BronfeitRepository", "MeldingRepository", "RapportageRepository"]
