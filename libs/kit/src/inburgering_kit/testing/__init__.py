"""Test support shared by every service's suite: real PostgreSQL and NATS, migrated databases, tokens."""
