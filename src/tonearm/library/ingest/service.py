"""Uploads: who may publish, ingest every file or none, and the tracks as the uploader sees
them. No FastAPI, no commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.multipart import FilePart
from tonearm.kit.storage import Storage
from tonearm.library import errors
from tonearm.library.catalog.present import Presenter
from tonearm.library.ingest.upload import upload_files
from tonearm.library.schemas import UploadedTrack, UploadResult
from tonearm.models.accounts import Role
from tonearm.models.library import Visibility
from tonearm.platform.principal import can_publish


class IngestService:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.s = session
        self.storage = storage

    async def upload(
        self, owner: uuid.UUID, role: Role, parts: Sequence[FilePart], visibility: Visibility
    ) -> UploadResult:
        if not parts:
            raise errors.NoFiles()
        if visibility is Visibility.public and not can_publish(role):
            raise errors.PublicNeedsArtist()
        done = await upload_files(self.s, self.storage, owner, list(parts), visibility)
        await self.s.flush()
        tracks = await Presenter(self.s, self.storage).tracks([i.track for i in done], owner)
        return UploadResult(
            items=[
                UploadedTrack(track=out, job_id=i.job_id, duplicate=i.duplicate, notes=i.notes)
                for i, out in zip(done, tracks, strict=True)
            ]
        )
