"""HTTP: thin FastAPI routers over the domain package."""
