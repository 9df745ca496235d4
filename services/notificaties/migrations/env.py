from inburgering_kit.migrations import run_env
from notificaties.models import Base

run_env(Base.metadata)
