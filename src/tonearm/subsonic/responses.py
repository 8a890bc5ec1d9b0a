"""A Subsonic answer in the format the client asked for (`f`): XML (the default), JSON or
JSONP. The body is one model for all three: a dict whose scalar values are XML attributes,
whose dict values are child elements, and whose list values are repeated child elements; in
JSON a list stays an array whatever its length (a frequent bug of other servers)."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from starlette.responses import Response

from tonearm.subsonic.errors import SubsonicError
from tonearm.subsonic.version import server_version

API_VERSION = "1.16.1"
NAMESPACE = "http://subsonic.org/restapi"
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$")


def envelope(body: dict[str, Any] | None = None, *, status: str = "ok") -> dict[str, Any]:
    return {
        "status": status,
        "version": API_VERSION,
        "type": "tonearm",
        "serverVersion": server_version(),
        "openSubsonic": True,
        **(body or {}),
    }


def error_body(err: SubsonicError) -> dict[str, Any]:
    return envelope({"error": {"code": err.code, "message": err.message}}, status="failed")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ET.Element, name: str, value: dict[str, Any]) -> None:
    el = ET.SubElement(parent, name)
    _fill(el, value)


def _fill(el: ET.Element, value: dict[str, Any]) -> None:
    for key, item in value.items():
        if item is None:
            continue
        if key == "value" and not isinstance(item, dict | list):  # element text (lyrics)
            el.text = _scalar(item)
        elif isinstance(item, dict):
            _element(el, key, item)
        elif isinstance(item, list):
            for entry in item:
                if isinstance(entry, dict):
                    _element(el, key, entry)
                else:
                    ET.SubElement(el, key).text = _scalar(entry)
        else:
            el.set(key, _scalar(item))


def to_xml(payload: dict[str, Any]) -> bytes:
    root = ET.Element("subsonic-response", {"xmlns": NAMESPACE})
    _fill(root, payload)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _clean(value: Any) -> Any:
    """JSON as Subsonic clients read it: no nulls; the element text of XML as `value`."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def render(
    fmt: str | None, callback: str | None, payload: dict[str, Any], status: int = 200
) -> Response:
    fmt = (fmt or "xml").lower()
    if fmt in ("json", "jsonp"):
        text = json.dumps({"subsonic-response": _clean(payload)}, ensure_ascii=False)
        if fmt == "jsonp":
            if not callback or not _CALLBACK.match(callback):
                err = SubsonicError(10, "jsonp needs a valid callback name")
                text = json.dumps({"subsonic-response": _clean(error_body(err))})
                return Response(text, status_code=status, media_type="application/json")
            return Response(
                f"{callback}({text});", status_code=status, media_type="text/javascript"
            )
        return Response(text, status_code=status, media_type="application/json")
    return Response(to_xml(payload), status_code=status, media_type="text/xml; charset=utf-8")
