"""Selection pages (placeholder while the API lands)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
