"""Governance JSON API (filled in by issue 17's work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/governance", tags=["governance"])
