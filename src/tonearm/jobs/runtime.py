"""Wires the jobs machinery into a running app (placeholder until the jobs package lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tonearm.state import AppState


def install(state: AppState) -> None:
    """Register starters/stoppers/readiness probes/metric samplers in state.extras."""
