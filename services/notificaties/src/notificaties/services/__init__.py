"""Use cases of the notificaties service."""
