"""The playlists domain's errors, each with its stable code."""

from __future__ import annotations

from tonearm.kit.errors import BadRequest, Conflict, Forbidden, NotFound, TonearmError


class PlaylistNotFound(NotFound):
    code, title = "playlist_not_found", "Playlist not found"


class PlaylistItemNotFound(NotFound):
    code, title = "playlist_item_not_found", "Playlist item not found"


class NotPlaylistOwner(Forbidden):
    code, title = "not_playlist_owner", "Only the playlist's owner can change it"


class SmartPlaylistItems(Conflict):
    code, title = "smart_playlist_items", "A smart playlist's tracks come from its rules"


class PlaylistTooLong(TonearmError):
    status, code, title = 422, "playlist_too_long", "The playlist would hold too many items"


class InvalidPosition(BadRequest):
    code, title = "invalid_position", "The position is outside the playlist"


class PlaylistFileTooLarge(TonearmError):
    status, code, title = 413, "playlist_file_too_large", "The playlist file is too large"


class NotSmartPlaylist(Conflict):
    code, title = "not_smart_playlist", "Only a smart playlist has rules"


class InvalidSmartRules(TonearmError):
    status, code, title = 422, "invalid_smart_rules", "The smart playlist's rules are not valid"


class SmartRulesRequired(TonearmError):
    status, code, title = 422, "smart_rules_required", "A smart playlist needs rules"
