from coa_standin.models import Base
from inburgering_kit.migrations import run_env

run_env(Base.metadata)
