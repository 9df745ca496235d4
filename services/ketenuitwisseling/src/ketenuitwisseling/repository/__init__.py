from ketenuitwisseling.repository.melding import MeldingRepository
from ketenuitwisseling.repository.rapportage import RapportageRepository

__all__ = ["MeldingRepository", "RapportageRepository"]
