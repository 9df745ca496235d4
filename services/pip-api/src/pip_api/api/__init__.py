"""HTTP layer: routers and schemas."""
