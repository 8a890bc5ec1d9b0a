"""Subsonic and OpenSubsonic: the second API face, under `/rest/`, thin over the domains'
faces; and the credentials Subsonic apps sign in with (`/api/v1/me/subsonic`).

Started in issue 13: the layer (formats, errors, auth by password, token and API key) and
the system methods; browsing, lists, search, playlists, media and annotation come next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain

if TYPE_CHECKING:
    from fastapi import APIRouter


def _routers() -> list[APIRouter]:
    from tonearm.subsonic import system  # noqa: F401  (registers its methods)
    from tonearm.subsonic.endpoints import router as credentials
    from tonearm.subsonic.router import router

    return [credentials, router]


DOMAIN = Domain(name="subsonic", routers=_routers)

__all__ = ["DOMAIN"]
