"""The rules of the delivery context, free of the service: no framework, no database, no network."""
