"""Routes: POST /api/v1/plays, history, now playing, loves."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field

from tonearm.kit.errors import responses
from tonearm.kit.pagination import PageParams, page_params
from tonearm.library import TrackNotFound, TrackOut, TrackPage
from tonearm.listening.deps import Listening
from tonearm.listening.service import PlayedTrack, PlayNotFound
from tonearm.models.listening import Play
from tonearm.platform.auth import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["listening"])
Pages = Annotated[PageParams, Depends(page_params)]


class PlayIn(BaseModel):
    track_id: uuid.UUID
    event: Literal["start", "progress", "complete"]
    position: Annotated[float, Field(ge=0, le=86400)] = 0.0
    play_id: uuid.UUID | None = None
    client: Annotated[str, Field(max_length=64)] | None = None


class PlayOut(BaseModel):
    id: uuid.UUID
    track_id: uuid.UUID
    started_at: datetime
    updated_at: datetime
    position: float
    completed: bool
    counted: bool


class HistoryItem(BaseModel):
    play: PlayOut
    track: TrackOut


class HistoryPage(BaseModel):
    items: list[HistoryItem]
    next_cursor: str | None


class NowPlaying(BaseModel):
    playing: bool
    item: HistoryItem | None


def history_item(item: PlayedTrack) -> HistoryItem:
    return HistoryItem(play=play_out(item.play), track=item.track)


def play_out(p: Play) -> PlayOut:
    return PlayOut(
        id=p.id,
        track_id=p.track_id,
        started_at=p.started_at,
        updated_at=p.updated_at,
        position=round(p.position, 3),
        completed=p.completed,
        counted=p.counted,
    )


@router.post(
    "/plays",
    status_code=status.HTTP_201_CREATED,
    operation_id="listening-record-play",
    responses=responses(TrackNotFound, PlayNotFound),
)
async def record_play(body: PlayIn, principal: CurrentUser, svc: Listening) -> PlayOut:
    """Report a listen: `start` returns a play id; send `progress` and `complete` with it."""
    play = await svc.record(
        principal.id, body.track_id, body.event, body.position, body.play_id, body.client
    )
    return play_out(play)


@router.get("/me/history", operation_id="listening-history")
async def history(principal: CurrentUser, svc: Listening, page: Pages) -> HistoryPage:
    items, nxt = await svc.history(principal.id, page)
    return HistoryPage(items=[history_item(i) for i in items], next_cursor=nxt)


@router.get("/me/now-playing", operation_id="listening-now-playing")
async def now_playing(principal: CurrentUser, svc: Listening) -> NowPlaying:
    found = await svc.now_playing(principal.id)
    if found is None:
        return NowPlaying(playing=False, item=None)
    return NowPlaying(playing=True, item=history_item(found))


@router.put(
    "/tracks/{track_id}/love",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="listening-love",
    responses=responses(TrackNotFound),
)
async def love(track_id: uuid.UUID, principal: CurrentUser, svc: Listening) -> Response:
    await svc.love(principal.id, track_id)
    return Response(status_code=204)


@router.delete(
    "/tracks/{track_id}/love",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="listening-unlove",
)
async def unlove(track_id: uuid.UUID, principal: CurrentUser, svc: Listening) -> Response:
    await svc.unlove(principal.id, track_id)
    return Response(status_code=204)


@router.get("/me/loves", operation_id="listening-loves")
async def loves(principal: CurrentUser, svc: Listening, page: Pages) -> TrackPage:
    items, nxt = await svc.loves(principal.id, page)
    return TrackPage(items=items, next_cursor=nxt)
