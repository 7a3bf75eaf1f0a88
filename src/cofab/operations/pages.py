"""Operations pages (registered in app.py through ``routers``)."""

from __future__ import annotations

from fastapi import APIRouter

routers: list[APIRouter] = []
