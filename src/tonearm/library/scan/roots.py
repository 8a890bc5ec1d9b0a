"""Library roots: which folders may be scanned, and the `LibraryRoot` row for each.

`TONEARM_LIBRARY_ROOTS` lists the folders the HTTP API may scan (a folder inside one of them
is fine). A requested path is checked after resolving every symbolic link in it, so neither
`..` nor a link can lead outside; `..` is refused outright even when it would resolve inside.
The CLI is run by the operator, who may name any folder: it then becomes a root.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.accounts import UserNotFound, can_publish, get_user
from tonearm.kit.errors import BadRequest, Conflict
from tonearm.kit.paths import is_inside
from tonearm.library.errors import PublicNeedsArtist, RootNotAllowed
from tonearm.models.library import LibraryRoot, Visibility


class FolderNotFound(BadRequest):
    code, title = "folder_not_found", "That folder does not exist"


class RootOwnerConflict(Conflict):
    code, title = "root_owner_conflict", "That folder is already scanned for another user"


class RootOverlaps(Conflict):
    code, title = "root_overlaps", "That folder overlaps a library root already scanned"

    def __init__(self, existing: str) -> None:
        super().__init__(
            f"{existing} is already a library root; scan it (or the folders beside it) "
            "instead, so no file is added twice",
            extra={"existing_root": existing},
        )


def allowed_path(requested: str, roots: list[Path]) -> Path:
    """The resolved folder for `requested` if it lies inside a configured root, else
    RootNotAllowed (also for relative paths, `..` and links leading out)."""
    if not requested or "\x00" in requested:
        raise RootNotAllowed()
    path = Path(requested)
    if not path.is_absolute() or ".." in path.parts:
        raise RootNotAllowed()
    try:
        real = path.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # a link loop
        raise RootNotAllowed() from exc
    for root in roots:
        try:
            base = root.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if is_inside(real, base):
            # Only now (inside a root) say whether it exists.
            if not real.is_dir():
                raise FolderNotFound()
            return real
    raise RootNotAllowed()


async def ensure_root(
    s: AsyncSession,
    path: Path,
    owner_id: uuid.UUID | None = None,
    visibility: Visibility | None = None,
    *,
    default_owner: uuid.UUID | None = None,
) -> LibraryRoot:
    """The root row for `path` (resolved), created when new. A new root may not lie inside
    an existing one or contain one (RootOverlaps).

    A new root belongs to `owner_id` (else `default_owner`) with `visibility` (else private).
    An existing root keeps its owner (asking for another one is a conflict: its tracks belong
    to the first); a given visibility replaces the root's, for tracks added from now on."""
    key = str(path)
    root = await s.scalar(select(LibraryRoot).where(LibraryRoot.path == key))
    if root is None:
        # A root inside another (or around it) would index the same files twice.
        for other in (await s.scalars(select(LibraryRoot.path))).all():
            if is_inside(path, Path(other)) or is_inside(Path(other), path):
                raise RootOverlaps(other)
    if root is not None:
        if owner_id is not None and owner_id != root.owner_id:
            raise RootOwnerConflict()
        owner = await get_user(s, root.owner_id)
    else:
        chosen = owner_id or default_owner
        owner = await get_user(s, chosen) if chosen else None
        if owner is None:
            raise UserNotFound()
    if visibility is Visibility.public and (owner is None or not can_publish(owner.role)):
        raise PublicNeedsArtist()
    if root is None:
        assert owner is not None
        root = LibraryRoot(
            id=uuid.uuid4(),
            path=key,
            owner_id=owner.id,
            visibility=visibility or Visibility.private,
        )
        s.add(root)
        await s.flush()
    elif visibility is not None:
        root.visibility = visibility
    return root
