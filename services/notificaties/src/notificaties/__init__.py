"""notificaties: subscriptions and signed, retried webhook delivery of every event."""
