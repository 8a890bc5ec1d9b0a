"""Routes for smart playlists: the live preview of rules, a smart playlist's tracks as its
rules select them for the viewer, and Navidrome `.nsp` files in and out."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import ValidationError

from tonearm.kit.errors import responses
from tonearm.kit.multipart import MalformedMultipart
from tonearm.kit.pagination import PageParams, page_params
from tonearm.library import TrackPage
from tonearm.models.playlists import PlaylistKind
from tonearm.platform.auth import CurrentUser, OptionalUser, viewer_id
from tonearm.platform.deps import State, receive_file
from tonearm.playlists import errors
from tonearm.playlists.deps import Playlists, Presenter
from tonearm.playlists.exporting import file_name
from tonearm.playlists.formats import Format
from tonearm.playlists.nsp import MAX_NSP_BYTES, read_nsp, write_nsp
from tonearm.playlists.schemas import PlaylistIn, PlaylistOut, SmartPreviewIn, SmartPreviewOut
from tonearm.playlists.smart import SmartDefinition

router = APIRouter(prefix="/api/v1/playlists", tags=["playlists"])
Pages = Annotated[PageParams, Depends(page_params)]
SMART = responses(errors.PlaylistNotFound, errors.NotSmartPlaylist, errors.InvalidSmartRules)

NSP_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post("/smart/preview", operation_id="playlists-smart-preview")
async def preview_smart(body: SmartPreviewIn, svc: Playlists, user: CurrentUser) -> SmartPreviewOut:
    """What these rules select now, from your library as you may see it: the first `count`
    tracks, and how many there are in all (for the editor's live preview)."""
    smart = SmartDefinition(rules=body.rules, sort=body.sort, limit=body.limit)
    rows, total, seconds = await svc.preview(user.id, smart, body.count)
    return SmartPreviewOut(items=rows, total=total, duration=seconds)


@router.get("/{playlist_id:uuid}/tracks", operation_id="playlists-smart-tracks", responses=SMART)
async def smart_tracks(
    playlist_id: uuid.UUID, svc: Playlists, principal: OptionalUser, page: Pages
) -> TrackPage:
    """A smart playlist's tracks: what its rules select now, among the tracks you may list
    (play counts, last played and loves your own)."""
    rows, nxt = await svc.smart_tracks(viewer_id(principal), playlist_id, page)
    return TrackPage(items=rows, next_cursor=nxt)


@router.get(
    "/{playlist_id:uuid}/nsp",
    operation_id="playlists-export-nsp",
    responses={
        **SMART,
        200: {"content": {"application/json": {}}, "description": "The .nsp file"},
    },
    response_class=Response,
)
async def export_nsp(playlist_id: uuid.UUID, svc: Playlists, principal: OptionalUser) -> Response:
    """A smart playlist as a Navidrome smart playlist file (`.nsp`)."""
    playlist, smart = await svc.smart(viewer_id(principal), playlist_id)
    data = write_nsp(
        smart, name=playlist.name, comment=playlist.description, visibility=playlist.visibility
    )
    name = file_name(playlist.name, Format.json).removesuffix(".tonearm.json") + ".nsp"
    return Response(
        data,
        media_type="application/json",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@router.post(
    "/smart/import",
    operation_id="playlists-import-nsp",
    status_code=status.HTTP_201_CREATED,
    responses=responses(errors.InvalidSmartRules, MalformedMultipart),
    openapi_extra=NSP_BODY,
)
async def import_nsp(
    request: Request, svc: Playlists, present: Presenter, state: State, user: CurrentUser
) -> PlaylistOut:
    """Import a Navidrome smart playlist file (`.nsp`, field `file`) as a smart playlist.
    A field, operator or key Tonearm cannot evaluate is refused (422, naming it)."""
    raw, filename, _ = await receive_file(
        request, state, max_bytes=MAX_NSP_BYTES, what="A .nsp file"
    )
    nsp = read_nsp(raw)
    stem = PurePath(filename or "").stem.strip()
    name = nsp.name or " ".join(stem.split())[:200] or "Smart playlist"
    smart = nsp.definition
    try:
        data = PlaylistIn(
            name=name,
            description=nsp.comment or "",
            visibility=nsp.visibility,
            kind=PlaylistKind.smart,
            rules=smart.rules,
            sort=smart.sort,
            limit=smart.limit,
        )
    except ValidationError as exc:
        raise errors.InvalidSmartRules(str(exc.errors()[0].get("msg"))[:300]) from exc
    return await present.playlist(await svc.create(user.id, data), user.id)
