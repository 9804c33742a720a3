"""Alembic migrations of the servio schema (env.py, versions/)."""
