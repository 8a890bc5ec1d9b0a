"""SQLAlchemy models, one module per domain. Importing this package registers them all."""

from tonearm.kit.db import Base
from tonearm.models import accounts, jobs, library, listening, platform, playlists, streaming

__all__ = ["Base", "accounts", "jobs", "library", "listening", "platform", "playlists", "streaming"]
