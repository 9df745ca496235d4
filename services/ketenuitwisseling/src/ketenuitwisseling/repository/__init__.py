from ketenuitwisseling.repository.melding import FeedRepository, MeldingRepository
from ketenuitwisseling.repository.overdracht import OverdrachtRepository
from ketenuitwisseling.repository.rapportage import BronfeitRepository, RapportageRepository

__all__ = ["BronfeitRepository", "FeedRepository", "MeldingRepository", "OverdrachtRepository", "RapportageRepository"]
