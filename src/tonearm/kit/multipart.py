"""Stream a multipart/form-data body straight to temporary files, never holding a file in
memory. Each file part is hashed (SHA-256) while it is written and capped in size."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote_to_bytes

from python_multipart.multipart import MultipartParser, parse_options_header

from tonearm.kit.errors import BadRequest, PayloadTooLarge


class MalformedMultipart(BadRequest):
    code, title = "bad_multipart", "The multipart body could not be parsed"


class PartTooLarge(PayloadTooLarge):
    code, title = "upload_too_large", "A file is larger than the upload limit"


@dataclass
class FilePart:
    field: str
    filename: str
    content_type: str | None
    path: Path
    size: int = 0
    sha256: str = ""


@dataclass
class _State:
    headers: dict[str, bytes] = field(default_factory=dict)  # raw values
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    current: FilePart | None = None
    handle: BinaryIO | None = None
    digest: Any = None
    field_value: bytearray | None = None
    field_name: str | None = None


@dataclass
class MultipartResult:
    files: list[FilePart]
    fields: dict[str, str]

    def cleanup(self) -> None:
        for f in self.files:
            f.path.unlink(missing_ok=True)


async def receive_multipart(
    content_type: str | None,
    stream: AsyncIterator[bytes],
    tmp_dir: Path,
    *,
    max_file_bytes: int,
    max_files: int = 50,
    max_field_bytes: int = 64 * 1024,
) -> MultipartResult:
    """Parse the body into temp files in `tmp_dir`. On any error, nothing is left behind."""
    if not content_type:
        raise MalformedMultipart("Content-Type multipart/form-data is required")
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise MalformedMultipart("Content-Type must be multipart/form-data with a boundary")
    tmp_dir.mkdir(parents=True, exist_ok=True)
    result = MultipartResult(files=[], fields={})
    st = _State()
    errors: list[Exception] = []

    def on_part_begin() -> None:
        st.headers = {}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        st.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        st.header_value += data[start:end]

    def on_header_end() -> None:
        st.headers[st.header_field.decode("latin-1").lower()] = bytes(st.header_value)
        st.header_field.clear()
        st.header_value.clear()

    def on_headers_finished() -> None:
        raw_disposition = st.headers.get("content-disposition", b"")
        disp, opts = parse_options_header(raw_disposition)  # bytes in, bytes out: lossless
        name = _text(opts.get(b"name", b""))
        filename = _extended_filename(raw_disposition)
        if filename is None and b"filename" in opts:
            filename = _text(opts[b"filename"])
        if disp != b"form-data" or not name:
            errors.append(MalformedMultipart("A part has no form-data name"))
            return
        if filename is not None:
            if len(result.files) >= max_files:
                errors.append(MalformedMultipart(f"At most {max_files} files per request"))
                return
            fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix="upload-", suffix=".part")
            st.handle = os.fdopen(fd, "wb")
            st.digest = hashlib.sha256()
            part = FilePart(
                field=name,
                filename=os.path.basename(filename.replace("\\", "/"))[:255],
                content_type=_text(st.headers["content-type"])
                if "content-type" in st.headers
                else None,
                path=Path(tmp),
            )
            st.current = part
            result.files.append(part)
        else:
            st.field_name, st.field_value = name, bytearray()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if errors:
            return
        chunk = data[start:end]
        if st.current is not None and st.handle is not None:
            st.current.size += len(chunk)
            if st.current.size > max_file_bytes:
                errors.append(PartTooLarge(f"{st.current.filename} exceeds {max_file_bytes} bytes"))
                return
            st.digest.update(chunk)
            st.handle.write(chunk)
        elif st.field_value is not None:
            st.field_value += chunk
            if len(st.field_value) > max_field_bytes:
                errors.append(MalformedMultipart("A form field is too long"))

    def on_part_end() -> None:
        if st.current is not None and st.handle is not None:
            st.handle.close()
            st.current.sha256 = st.digest.hexdigest()
            st.current, st.handle = None, None
        elif st.field_name is not None and st.field_value is not None:
            result.fields[st.field_name] = st.field_value.decode("utf-8", "replace")
            st.field_name, st.field_value = None, None

    try:  # the parser refuses a boundary it cannot use (over 256 bytes) when it is built
        parser = MultipartParser(
            params[b"boundary"],
            callbacks={
                "on_part_begin": on_part_begin,
                "on_part_data": on_part_data,
                "on_part_end": on_part_end,
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_headers_finished": on_headers_finished,
            },
        )
    except Exception as exc:
        if _from_parser(exc):
            raise MalformedMultipart(str(exc)[:200]) from exc
        raise
    try:
        async for chunk in stream:
            if chunk:
                parser.write(chunk)
            if errors:
                raise errors[0]
        parser.finalize()
        if errors:
            raise errors[0]
        if st.handle is not None:
            raise MalformedMultipart("The body ended in the middle of a file")
    except Exception as exc:
        if st.handle is not None:
            st.handle.close()
        result.cleanup()
        if isinstance(exc, BadRequest | PayloadTooLarge):
            raise
        if _from_parser(exc):
            raise MalformedMultipart(str(exc)[:200]) from exc
        raise
    return result


def _from_parser(exc: Exception) -> bool:
    return type(exc).__module__.startswith("python_multipart")


def _text(raw: bytes) -> str:
    """A header parameter as sent: UTF-8 (RFC 7578; what browsers send), else Latin-1 (old
    clients), never a replacement character."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


_EXTENDED = re.compile(rb"""(?:^|;)\s*filename\*\s*=\s*"?([^";]+)"?""", re.IGNORECASE)


def _extended_filename(disposition: bytes) -> str | None:
    """`filename*=UTF-8''...` (RFC 5987), which some clients send beside or instead of
    `filename`; it wins when it decodes."""
    found = _EXTENDED.search(disposition)
    if found is None:
        return None
    charset, _, rest = found.group(1).decode("latin-1").partition("'")
    _language, _, encoded = rest.partition("'")
    try:
        return unquote_to_bytes(encoded).decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return None
