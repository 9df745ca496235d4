from inburgering_kit.migrations import run_env
from ketenuitwisseling.models import Base

run_env(Base.metadata)
