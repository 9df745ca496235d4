import uuid
from typing import Annotated

from fastapi import Path

InburgeraarId = Annotated[uuid.UUID, Path(alias="inburgeraarId", description="Id van de inburgeraar.")]
