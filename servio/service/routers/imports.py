"""Imports: upload conversation files in any format servio reads; follow the job."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["imports"])
