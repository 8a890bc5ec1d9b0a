"""MusicBrainz: recordings by ISRC, by MBID and by search, for matching and enriching tracks.
Nothing to connect (`auth = "none"`); every client of the process shares one pace of at most
`requests_per_second` (1/s is the documented limit) and one response cache."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tonearm.kit.http import GuardedClient
from tonearm.providers.base import Capability
from tonearm.providers.http import TokenSource
from tonearm.providers.registry import Service

if TYPE_CHECKING:
    from tonearm.config import Settings


class MusicBrainz(Service):
    slug = "musicbrainz"
    name = "MusicBrainz"
    kind = "metadata"
    auth = "none"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({"isrc", "search", "enrich"})

    def client(
        self,
        settings: Settings,
        http: GuardedClient,
        token: TokenSource | None,
        *,
        country: str | None = None,
        budget: Any = None,
    ) -> Any:
        from tonearm.providers.musicbrainz.client import MusicBrainzClient

        return MusicBrainzClient.from_settings(settings.musicbrainz, http)


SERVICE = MusicBrainz()
