"""HTTP layer of the notificaties service."""
