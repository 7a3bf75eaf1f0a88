"""Scheduling tables: working hours per user and site, holidays per country."""

from __future__ import annotations
