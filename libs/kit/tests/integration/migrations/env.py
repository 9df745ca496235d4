from sqlalchemy import MetaData

from inburgering_kit.migrations import run_env

# The kit's tests have no tables of their own: only the kit's.
run_env(MetaData())
