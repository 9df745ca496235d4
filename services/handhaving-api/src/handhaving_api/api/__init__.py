"""HTTP: routers en schemas."""
