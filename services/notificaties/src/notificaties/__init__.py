"""notificaties: subscriptions and signed, retried webhook delivery of every event.

api/            routers and schemas; maps the use cases' results to the contract
services/       use cases (abonnementen): plain values in, models and dataclasses out, no FastAPI
domain/         the rules, free of the service: retry schedule and window, address rules, states
delivery/       distributing (consumer, worker, lanes, leases), sending (one signed POST), retention
repository/     queries, a module per aggregate: abonnementen (per gemeente), queue, retention
models.py       the tables
"""
