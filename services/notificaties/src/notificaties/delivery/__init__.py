"""Delivery, split along its seam: `distributing` (the consumer that queues a delivery per event and matching
subscription, and the worker that leases subscriptions and runs their lanes) and `sending` (one attempt: the
address check, the format, the signature, the POST). `retention` deletes what has ended."""
