"""Smart playlists' rules: `{"all" | "any": [rule | group, ...]}` with `rule = {field, op,
value}`, groups nested at most 3 deep and 50 rules in all, a sort (a field and asc/desc, or
random) and a limit (1..10,000). Stored on the playlist as JSON (`Playlist.rules`:
`{"rules": ..., "sort": ..., "limit": ...}`) and evaluated when read, by the library's face
(`Library.smart_tracks`), for the viewer.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    ValidationError,
    model_serializer,
    model_validator,
)

from tonearm.library import SMART_OPS, Selection, smart_field_type
from tonearm.models.playlists import Playlist, PlaylistKind
from tonearm.playlists.errors import InvalidSmartRules

MAX_DEPTH = 3
MAX_RULES = 50
MAX_LIMIT = 10_000
MAX_NUMBER = 1_000_000_000
MAX_DAYS = 100_000
MAX_TEXT = 500

RuleField = Literal[
    "artist",
    "album_artist",
    "album",
    "title",
    "genre",
    "year",
    "added",
    "last_played",
    "play_count",
    "loved",
    "duration",
    "format",
    "bit_rate",
]
RuleOp = Literal[
    "is",
    "is_not",
    "contains",
    "not_contains",
    "starts_with",
    "ends_with",
    "gt",
    "lt",
    "in_range",
    "in_the_last",
    "not_in_the_last",
    "before",
    "after",
]
SortField = Literal[RuleField, "random"]


def _whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} needs a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{what} needs a whole number")
    n = int(value)
    if not low <= n <= high:
        raise ValueError(f"{what} must be between {low} and {high}")
    return n


class Rule(BaseModel):
    """One condition. Text: is, is_not, contains, not_contains, starts_with, ends_with (case
    and accents ignored). Numbers (year, play_count, duration in seconds, bit_rate in kbps):
    is, is_not, gt, lt, in_range `[low, high]`. Dates (added, last_played): in_the_last /
    not_in_the_last N days, before / after `YYYY-MM-DD`. loved: is true/false."""

    model_config = ConfigDict(extra="forbid")

    field: RuleField
    op: RuleOp
    value: Annotated[
        str | int | float | bool | list[int | float],
        Field(description="A string, number, boolean, `YYYY-MM-DD`, or `[low, high]`"),
    ]

    @model_validator(mode="after")
    def _check(self) -> Rule:
        kind = smart_field_type(self.field)
        if self.op not in SMART_OPS[kind]:
            allowed = ", ".join(SMART_OPS[kind])
            raise ValueError(f"{self.field}: {self.op!r} does not apply (use {allowed})")
        self.value = _value(self.field, kind, self.op, self.value)
        return self


def _value(field: str, kind: str, op: str, value: Any) -> Any:
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{field}: needs some text")
        if len(value) > MAX_TEXT:
            raise ValueError(f"{field}: at most {MAX_TEXT} characters")
        return value.strip()
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{field}: needs true or false")
        return value
    if kind == "number":
        if op == "in_range":
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError(f"{field}: in_range needs [low, high]")
            low, high = (_whole(v, field, -MAX_NUMBER, MAX_NUMBER) for v in value)
            if low > high:
                raise ValueError(f"{field}: in_range needs low <= high")
            return [low, high]
        return _whole(value, field, -MAX_NUMBER, MAX_NUMBER)
    if op in ("in_the_last", "not_in_the_last"):
        return _whole(value, f"{field} (days)", 0, MAX_DAYS)
    bad = f"{field}: needs a date, YYYY-MM-DD"
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(bad)
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(bad) from None


def _node_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "rule" if "field" in value or "op" in value else "group"
    return "group" if hasattr(value, "all") else "rule"


Node = Annotated[
    Annotated[Rule, Tag("rule")] | Annotated["Group", Tag("group")],
    Discriminator(_node_kind),
]


class Group(BaseModel):
    """Every (`all`) or some (`any`) of its rules and groups; give exactly one key."""

    model_config = ConfigDict(extra="forbid")

    all: Annotated[list[Node], Field(max_length=MAX_RULES)] | None = None
    any: Annotated[list[Node], Field(max_length=MAX_RULES)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Group:
        if (self.all is None) == (self.any is None):
            raise ValueError("a group needs exactly one of `all` or `any`")
        if self.depth() > MAX_DEPTH:
            raise ValueError(f"groups nest at most {MAX_DEPTH} deep")
        if self.count() > MAX_RULES:
            raise ValueError(f"at most {MAX_RULES} rules")
        return self

    @model_serializer(mode="wrap")
    def _one_key(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # Only the key given: {"all": [...]}, not {"all": [...], "any": null}. Unannotated,
        # so the schema stays the model's.
        return {k: v for k, v in handler(self).items() if v is not None}

    def children(self) -> list[Rule | Group]:
        return list(self.all if self.all is not None else self.any or [])

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children() if isinstance(c, Group)), default=0)

    def count(self) -> int:
        return sum(c.count() if isinstance(c, Group) else 1 for c in self.children())

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class SmartSort(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: SortField = "title"
    order: Literal["asc", "desc"] = "asc"


Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]


class SmartDefinition(BaseModel):
    """A smart playlist's rules, sort and limit (as stored in `Playlist.rules`)."""

    model_config = ConfigDict(extra="forbid")

    rules: Group
    sort: SmartSort = SmartSort()
    limit: Limit | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": self.rules.to_json(),
            "sort": self.sort.model_dump(mode="json"),
            "limit": self.limit,
        }

    def selection(self) -> Selection:
        return Selection(
            rules=self.rules.to_json(),
            sort=self.sort.field,
            descending=self.sort.order == "desc",
            limit=self.limit,
        )


def definition(playlist: Playlist) -> SmartDefinition:
    """The playlist's stored definition (a smart playlist without rules selects nothing)."""
    if playlist.kind is not PlaylistKind.smart:
        raise ValueError("not a smart playlist")
    return parse_definition(playlist.rules or {"rules": {"any": []}})


def parse_definition(data: Any) -> SmartDefinition:
    """Stored or imported JSON to a definition; InvalidSmartRules naming what is wrong."""
    try:
        return SmartDefinition.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidSmartRules(f"{where}: {first.get('msg')}"[:500]) from exc
