"""Pydantic models at the HTTP edge: what the API accepts and returns (the core stays dataclasses)."""
