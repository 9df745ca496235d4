from inburgering_kit.migrations import run_env
from inburgeraar_api.models import Base

run_env(Base.metadata)
