"""Navidrome's smart playlist files (`.nsp`): JSON (with `//` and `/* */` comments allowed),
`{"name", "comment", "public", "all" | "any": [{"<operator>": {"<field>": value}} | group],
"sort": "field[,field]" (a `+`/`-` prefix each), "order": "asc" | "desc", "limit": n}`.

Read into a Tonearm definition and written back from one. Field and operator names compare
case-insensitively, as Navidrome's do. What Tonearm cannot evaluate (a field such as `rating`,
an operator such as `inPlaylist`, `limitPercent`) is refused with a 422 that names it; nothing
is dropped silently. Only the first sort field is kept (Tonearm sorts by one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tonearm.models.library import Visibility
from tonearm.playlists.errors import InvalidSmartRules
from tonearm.playlists.smart import SmartDefinition, parse_definition

MAX_NSP_BYTES = 1024 * 1024

# Navidrome field (lower case) -> Tonearm field, and back.
FIELDS = {
    "title": "title",
    "album": "album",
    "artist": "artist",
    "albumartist": "album_artist",
    "genre": "genre",
    "year": "year",
    "dateadded": "added",
    "lastplayed": "last_played",
    "playcount": "play_count",
    "loved": "loved",
    "duration": "duration",
    "filetype": "format",
    "codec": "format",
    "bitrate": "bit_rate",
}
FIELD_NAMES = {
    "title": "title",
    "album": "album",
    "artist": "artist",
    "album_artist": "albumartist",
    "genre": "genre",
    "year": "year",
    "added": "dateAdded",
    "last_played": "lastPlayed",
    "play_count": "playCount",
    "loved": "loved",
    "duration": "duration",
    "format": "filetype",
    "bit_rate": "bitRate",
}
OPERATORS = {
    "is": "is",
    "isnot": "is_not",
    "contains": "contains",
    "notcontains": "not_contains",
    "startswith": "starts_with",
    "endswith": "ends_with",
    "gt": "gt",
    "lt": "lt",
    "intherange": "in_range",
    "inthelast": "in_the_last",
    "notinthelast": "not_in_the_last",
    "before": "before",
    "after": "after",
}
OPERATOR_NAMES = {
    "is": "is",
    "is_not": "isNot",
    "contains": "contains",
    "not_contains": "notContains",
    "starts_with": "startsWith",
    "ends_with": "endsWith",
    "gt": "gt",
    "lt": "lt",
    "in_range": "inTheRange",
    "in_the_last": "inTheLast",
    "not_in_the_last": "notInTheLast",
    "before": "before",
    "after": "after",
}
KNOWN_KEYS = {"name", "comment", "public", "all", "any", "sort", "order", "limit", "offset"}


@dataclass(frozen=True, slots=True)
class NspPlaylist:
    name: str | None
    comment: str | None
    visibility: Visibility
    definition: SmartDefinition


def strip_comments(text: str) -> str:
    """JSON with `//` line and `/* */` block comments (outside strings) taken out."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
        elif c == '"':
            in_string = True
            out.append(c)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise InvalidSmartRules("An unclosed /* comment.")
            out.append(" ")
            i = end + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_nsp(data: bytes) -> NspPlaylist:
    if len(data) > MAX_NSP_BYTES:
        raise InvalidSmartRules("A .nsp file is at most 1 MB.")
    try:
        text = data.decode("utf-8-sig")
        doc = json.loads(strip_comments(text))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidSmartRules(f"Not a JSON smart playlist: {exc}"[:300]) from exc
    if not isinstance(doc, dict):
        raise InvalidSmartRules("A smart playlist is a JSON object.")
    keys = {k.lower(): k for k in doc}
    unknown = sorted(k for k in keys if k not in KNOWN_KEYS)
    if "limitpercent" in keys:
        raise InvalidSmartRules("limitPercent: a limit in percent is not supported; use limit.")
    if unknown:
        raise InvalidSmartRules(f"{keys[unknown[0]]}: not a smart playlist key Tonearm reads.")
    if "all" in keys and "any" in keys:
        raise InvalidSmartRules("Give `all` or `any` at the top, not both.")
    top = "all" if "all" in keys else "any" if "any" in keys else None
    if top is None:
        raise InvalidSmartRules("No rules: the file needs `all` or `any`.")
    if doc.get(keys.get("offset", "offset")):
        raise InvalidSmartRules("offset: not supported.")
    rules = {top: _conjunction(doc[keys[top]], top, 1)}
    definition = parse_definition(
        {"rules": rules, "sort": _sort(doc, keys), "limit": _limit(doc.get(keys.get("limit", "")))}
    )
    name = doc.get(keys.get("name", ""))
    comment = doc.get(keys.get("comment", ""))
    public = doc.get(keys.get("public", "")) is True
    return NspPlaylist(
        name=name.strip()[:200] or None if isinstance(name, str) else None,
        comment=comment[:4000] if isinstance(comment, str) else None,
        visibility=Visibility.public if public else Visibility.private,
        definition=definition,
    )


def _conjunction(items: Any, key: str, depth: int) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise InvalidSmartRules(f"{key}: needs a list of rules.")
    if depth > 8:
        raise InvalidSmartRules("Rules nest too deep.")
    return [_expression(e, depth) for e in items]


def _expression(e: Any, depth: int) -> dict[str, Any]:
    if not isinstance(e, dict) or len(e) != 1:
        raise InvalidSmartRules('Each rule is an object with one operator, e.g. {"is": {...}}.')
    ((raw_op, body),) = e.items()
    op = raw_op.lower()
    if op in ("all", "any"):
        return {op: _conjunction(body, raw_op, depth + 1)}
    if op not in OPERATORS:
        raise InvalidSmartRules(f"{raw_op}: an operator Tonearm does not support.")
    if not isinstance(body, dict) or len(body) != 1:
        raise InvalidSmartRules(f'{raw_op}: needs one field, e.g. {{"title": "x"}}.')
    ((raw_field, value),) = body.items()
    field = FIELDS.get(str(raw_field).lower())
    if field is None:
        raise InvalidSmartRules(f"{raw_field}: a field Tonearm does not support.")
    if field == "loved" and isinstance(value, str) and value.lower() in ("true", "false"):
        value = value.lower() == "true"
    if field == "loved" and value in (0, 1) and not isinstance(value, bool):
        value = bool(value)
    return {"field": field, "op": OPERATORS[op], "value": value}


def _sort(doc: dict[str, Any], keys: dict[str, str]) -> dict[str, str]:
    raw = doc.get(keys.get("sort", ""))
    order = doc.get(keys.get("order", ""))
    if raw is None:
        raw = "title"
    if not isinstance(raw, str):
        raise InvalidSmartRules("sort: needs a field name.")
    if order is not None and (not isinstance(order, str) or order.lower() not in ("asc", "desc")):
        raise InvalidSmartRules("order: needs asc or desc.")
    parts = [p.strip() for p in raw.split(",") if p.strip()] or ["title"]
    first = parts[0]
    desc = first.startswith("-")
    name = first.lstrip("+-").strip().lower()
    if order and order.lower() == "desc":
        desc = not desc
    if name == "random":
        return {"field": "random", "order": "asc"}
    field = FIELDS.get(name)
    if field is None:
        shown = first.lstrip("+-").strip()
        raise InvalidSmartRules(f"{shown}: a sort field Tonearm does not support.")
    return {"field": field, "order": "desc" if desc else "asc"}


def _limit(value: Any) -> int | None:
    if value in (None, 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidSmartRules("limit: needs a whole number.")
    return value


def write_nsp(
    definition: SmartDefinition, *, name: str, comment: str, visibility: Visibility
) -> bytes:
    doc: dict[str, Any] = {"name": name}
    if comment:
        doc["comment"] = comment
    doc["public"] = visibility is Visibility.public
    top = "all" if definition.rules.all is not None else "any"
    doc[top] = [_out(n) for n in definition.rules.to_json()[top]]
    sort = definition.sort
    doc["sort"] = "random" if sort.field == "random" else FIELD_NAMES[sort.field]
    if sort.field != "random":
        doc["order"] = sort.order
    if definition.limit:
        doc["limit"] = definition.limit
    return json.dumps(doc, ensure_ascii=False, indent=2).encode() + b"\n"


def _out(node: dict[str, Any]) -> dict[str, Any]:
    if "field" in node:
        return {OPERATOR_NAMES[node["op"]]: {FIELD_NAMES[node["field"]]: node["value"]}}
    key = "all" if "all" in node else "any"
    return {key: [_out(n) for n in node[key]]}
