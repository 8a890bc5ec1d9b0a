"""SQLAlchemy models, one module per domain. Importing this package registers them all."""

from tonearm.kit.db import Base
from tonearm.models import (
    accounts,
    connections,
    jobs,
    library,
    listening,
    migration,
    platform,
    playlists,
    streaming,
    subsonic,
)

__all__ = [
    "Base",
    "accounts",
    "connections",
    "jobs",
    "library",
    "listening",
    "migration",
    "platform",
    "playlists",
    "streaming",
    "subsonic",
]
