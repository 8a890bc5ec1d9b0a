"""Routes for playlist files: `POST /api/v1/playlists/import` (multipart, `?preview=true`
parses and matches without saving) and `POST /api/v1/playlists/{id}/rematch`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import TypeAdapter, ValidationError

from tonearm.kit.errors import responses
from tonearm.kit.multipart import MalformedMultipart, PartTooLarge
from tonearm.library import TrackNotFound
from tonearm.matching import MemoryCatalog
from tonearm.models.library import Visibility
from tonearm.platform.auth import CurrentUser
from tonearm.platform.deps import DbSession, State, receive_file
from tonearm.playlists import errors
from tonearm.playlists.deps import Presenter
from tonearm.playlists.formats import MAX_BYTES, PlaylistUnreadable
from tonearm.playlists.importing import KEEP_EXTERNAL, ImportService, PreviewPlaylist
from tonearm.playlists.schemas import (
    CandidateOut,
    ChangeOut,
    EntryOut,
    ImportChoice,
    ImportedOut,
    ImportPreviewOut,
    MatchedTrackOut,
    PreviewCounts,
    PreviewPlaylistOut,
    PreviewRowOut,
)

router = APIRouter(prefix="/api/v1/playlists", tags=["playlists"])
_choices = TypeAdapter(list[ImportChoice])

IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "name": {"type": "string", "maxLength": 200},
                        "visibility": {"type": "string", "enum": ["private", "unlisted", "public"]},
                        "choices": {
                            "type": "string",
                            "description": 'JSON: [{playlist, row, track_id | "external"}]',
                        },
                    },
                }
            }
        },
    }
}


async def import_service(session: DbSession, state: State) -> ImportService:
    return ImportService(session, state.storage)


Importer = Annotated[ImportService, Depends(import_service)]


def _brief(catalog: MemoryCatalog, track_id: str | None) -> MatchedTrackOut | None:
    t = catalog.get(track_id) if track_id else None
    if t is None:
        return None
    return MatchedTrackOut(
        id=uuid.UUID(t.id), title=t.title, artists=list(t.artists), album=t.album,
        duration=t.duration,
    )  # fmt: skip


def _preview_out(previews: list[PreviewPlaylist]) -> ImportPreviewOut:
    playlists = []
    for p in previews:
        rows = [
            PreviewRowOut(
                index=r.index,
                entry=EntryOut(**r.entry.to_json()),
                bucket=r.match.bucket,
                score=round(float(r.match.score), 4),
                rule=r.match.rule,
                reason=r.match.reason,
                track=_brief(p.catalog, r.match.track_id),
                candidates=[
                    CandidateOut(track=brief, score=round(float(c.score), 4), reason=c.reason)
                    for c in r.match.candidates[:3]
                    if (brief := _brief(p.catalog, c.track_id))
                ],
            )
            for r in p.rows
        ]
        counts = PreviewCounts(
            matched=sum(r.bucket == "matched" for r in rows),
            review=sum(r.bucket == "review" for r in rows),
            unmatched=sum(r.bucket == "unmatched" for r in rows),
        )
        playlists.append(
            PreviewPlaylistOut(
                name=p.name, description=p.description, format=p.format, counts=counts, rows=rows
            )
        )
    return ImportPreviewOut(playlists=playlists)


@router.post(
    "/import",
    operation_id="playlists-import",
    openapi_extra=IMPORT_BODY,
    status_code=status.HTTP_200_OK,
    responses=responses(
        PlaylistUnreadable,
        PartTooLarge,
        MalformedMultipart,
        errors.PlaylistTooLong,
        TrackNotFound,
    ),
)
async def import_playlist(
    request: Request,
    importer: Importer,
    present: Presenter,
    state: State,
    user: CurrentUser,
    preview: Annotated[bool, Query(description="Parse and match only; save nothing")] = False,
    relax_versions: Annotated[
        bool, Query(description="Let another version (live, remix...) reach review")
    ] = False,
) -> ImportPreviewOut | ImportedOut:
    """Import a playlist file (M3U, M3U8, PLS, XSPF, JSPF, WPL, ASX, CSV, Tonearm JSON).
    With `preview=true`: the entries and how each matched your library. Without: saved as new
    playlists, with your `choices` for rows (a track, or "external"), which are remembered."""
    data, filename, fields = await receive_file(
        request, state, max_bytes=MAX_BYTES, what="A playlist file"
    )
    if preview:
        previews = await importer.preview(user.id, data, filename, relax_versions=relax_versions)
        return _preview_out(previews)
    try:
        visibility = Visibility(fields.get("visibility", "private"))
        choices = _choices.validate_json(fields.get("choices") or "[]")
    except (ValueError, ValidationError) as exc:
        raise MalformedMultipart(f"Invalid form field: {exc}"[:300]) from exc
    saved = await importer.save(
        user.id,
        data,
        filename,
        relax_versions=relax_versions,
        choices={
            (c.playlist, c.row): KEEP_EXTERNAL if c.track_id == KEEP_EXTERNAL else str(c.track_id)
            for c in choices
        },
        name=(fields.get("name") or "").strip() or None,
        visibility=visibility,
    )
    return ImportedOut(playlists=await present.playlists(saved, user.id))


@router.post(
    "/{playlist_id:uuid}/rematch",
    operation_id="playlists-rematch",
    responses=responses(
        errors.PlaylistNotFound, errors.NotPlaylistOwner, errors.SmartPlaylistItems
    ),
)
async def rematch_playlist(
    playlist_id: uuid.UUID,
    importer: Importer,
    present: Presenter,
    user: CurrentUser,
) -> ChangeOut:
    """Match the playlist's external entries again (after a scan or an upload)."""
    change = await importer.rematch_playlist(user.id, playlist_id)
    return ChangeOut(
        changed=change.changed, playlist=await present.playlist(change.playlist, user.id)
    )
