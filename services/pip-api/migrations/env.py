from inburgering_kit.migrations import run_env
from pip_api.models import Base

run_env(Base.metadata)
