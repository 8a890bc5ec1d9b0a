"""Playlists over HTTP: create, read, edit, delete, list; who may see and change what; items
added at a position, removed, moved, deduplicated, shuffled, merged, duplicated; positions
stay dense; totals follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.playlists.factories import add, items, playlist, titles, tracks


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> dict[str, str]:
    return bearer(await register(client))


async def test_create_read_edit_delete(client: httpx.AsyncClient, alice: dict[str, str]) -> None:
    p = await playlist(client, alice, "  Road   trip ", description="For the A1")
    assert (p["name"], p["visibility"], p["kind"], p["item_count"], p["mine"]) == (
        "Road trip",
        "private",
        "static",
        0,
        True,
    )
    assert p["cover"] is None and p["owner"]["username"]
    r = await client.patch(
        f"/api/v1/playlists/{p['id']}", headers=alice, json={"name": "Trip", "visibility": "public"}
    )
    assert r.status_code == 200 and (r.json()["name"], r.json()["visibility"]) == ("Trip", "public")
    got = await client.get(f"/api/v1/playlists/{p['id']}", headers=alice)
    assert got.json()["description"] == "For the A1"
    assert (await client.delete(f"/api/v1/playlists/{p['id']}", headers=alice)).status_code == 204
    gone = await client.get(f"/api/v1/playlists/{p['id']}", headers=alice)
    assert (gone.status_code, gone.json()["code"]) == (404, "playlist_not_found")


async def test_bad_input_is_a_clear_4xx(client: httpx.AsyncClient, alice: dict[str, str]) -> None:
    for body in (
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 201},
        {"name": "a", "visibility": "x"},
    ):
        r = await client.post("/api/v1/playlists", headers=alice, json=body)
        assert r.status_code == 422, (body, r.text)
    p = await playlist(client, alice)
    r = await client.post(
        f"/api/v1/playlists/{p['id']}/items",
        headers=alice,
        json={"track_ids": ["00000000-0000-0000-0000-000000000000"]},
    )
    assert (r.status_code, r.json()["code"]) == (404, "track_not_found")
    r = await client.get("/api/v1/playlists/not-a-uuid", headers=alice)  # no such path
    assert (r.status_code, r.json()["code"]) == (404, "route_not_found"), r.text
    assert (await client.post("/api/v1/playlists", json={"name": "x"})).status_code == 401


async def test_who_sees_and_changes_what(client: httpx.AsyncClient, alice: dict[str, str]) -> None:
    bob = bearer(await register(client))
    private = await playlist(client, alice, "Private")
    unlisted = await playlist(client, alice, "Unlisted", visibility="unlisted")
    public = await playlist(client, alice, "Public", visibility="public")
    me = (await client.get("/api/v1/me", headers=alice)).json()["id"]

    mine = (await client.get("/api/v1/playlists", headers=alice)).json()["items"]
    assert {p["name"] for p in mine} == {"Private", "Unlisted", "Public"}
    assert (await client.get("/api/v1/playlists", headers=bob)).json()["items"] == []
    theirs = await client.get("/api/v1/playlists", headers=bob, params={"owner": me})
    assert [p["name"] for p in theirs.json()["items"]] == ["Public"]
    assert theirs.json()["items"][0]["mine"] is False

    # Bob, and a guest, open the unlisted and public ones by id; the private one is not there.
    for h in (bob, {}):
        assert (
            await client.get(f"/api/v1/playlists/{private['id']}", headers=h)
        ).status_code == 404
        for p in (unlisted, public):
            assert (await client.get(f"/api/v1/playlists/{p['id']}", headers=h)).status_code == 200
        r = await client.get(f"/api/v1/playlists/{private['id']}/items", headers=h)
        assert r.status_code == 404
    # Nobody but Alice changes them; her private one stays "not found" to Bob.
    r = await client.patch(f"/api/v1/playlists/{public['id']}", headers=bob, json={"name": "x"})
    assert (r.status_code, r.json()["code"]) == (403, "not_playlist_owner")
    r = await client.delete(f"/api/v1/playlists/{private['id']}", headers=bob)
    assert r.status_code == 404
    r = await client.post(f"/api/v1/playlists/{unlisted['id']}/items/shuffle", headers=bob)
    assert r.status_code == 403


async def test_items_add_at_positions_remove_and_move(
    client: httpx.AsyncClient, alice: dict[str, str], tmp_path: Path
) -> None:
    ids = await tracks(client, alice, tmp_path, 5)
    p = await playlist(client, alice)
    pid = p["id"]
    await add(client, alice, pid, ids[:2])  # 0 1
    await add(client, alice, pid, [ids[2]], position=0)  # 2 0 1
    changed = await add(client, alice, pid, [ids[3], ids[4]], position=2)  # 2 0 3 4 1
    assert changed["playlist"]["item_count"] == 5
    assert changed["playlist"]["duration"] == pytest.approx(5.0, abs=0.5)
    rows = await items(client, alice, pid)
    assert titles(rows) == ["Song 2", "Song 0", "Song 3", "Song 4", "Song 1"]
    assert [r["position"] for r in rows] == [0, 1, 2, 3, 4]

    # Move two items together to the front, in their current order.
    by_title = {r["track"]["title"]: r["id"] for r in rows}
    move = {"item_ids": [by_title["Song 1"], by_title["Song 3"]], "position": 0}
    r = await client.post(f"/api/v1/playlists/{pid}/items/move", headers=alice, json=move)
    assert r.status_code == 200, r.text
    assert titles(await items(client, alice, pid)) == [
        "Song 3",
        "Song 1",
        "Song 2",
        "Song 0",
        "Song 4",
    ]
    move = {"item_ids": [by_title["Song 3"]], "position": 99}  # past the end: the end
    await client.post(f"/api/v1/playlists/{pid}/items/move", headers=alice, json=move)
    rows = await items(client, alice, pid)
    assert titles(rows) == ["Song 1", "Song 2", "Song 0", "Song 4", "Song 3"]

    r = await client.post(
        f"/api/v1/playlists/{pid}/items/remove",
        headers=alice,
        json={"item_ids": [rows[1]["id"], rows[3]["id"]]},
    )
    assert r.status_code == 200 and r.json()["changed"] == 2
    assert r.json()["playlist"]["item_count"] == 3
    rows = await items(client, alice, pid)
    assert titles(rows) == ["Song 1", "Song 0", "Song 3"]
    assert [r["position"] for r in rows] == [0, 1, 2]

    # An item of another playlist, or one already gone, changes nothing.
    other = await playlist(client, alice, "Other")
    await add(client, alice, other["id"], [ids[0]])
    stranger = (await items(client, alice, other["id"]))[0]["id"]
    for path, body in (
        ("remove", {"item_ids": [rows[0]["id"], stranger]}),
        ("move", {"item_ids": [stranger], "position": 0}),
    ):
        r = await client.post(f"/api/v1/playlists/{pid}/items/{path}", headers=alice, json=body)
        assert (r.status_code, r.json()["code"]) == (404, "playlist_item_not_found")
    assert titles(await items(client, alice, pid)) == ["Song 1", "Song 0", "Song 3"]


async def test_dedupe_shuffle_merge_duplicate(
    client: httpx.AsyncClient, alice: dict[str, str], tmp_path: Path
) -> None:
    ids = await tracks(client, alice, tmp_path, 4)
    p = await playlist(client, alice)
    pid = p["id"]
    await add(client, alice, pid, [ids[0], ids[1], ids[0], ids[2], ids[1], ids[0]])
    r = await client.post(f"/api/v1/playlists/{pid}/items/dedupe", headers=alice)
    assert r.json()["changed"] == 3 and r.json()["playlist"]["item_count"] == 3
    assert titles(await items(client, alice, pid)) == ["Song 0", "Song 1", "Song 2"]

    await add(client, alice, pid, [ids[3]])
    seen = set()
    for _ in range(8):  # 4 items: 24 orders; eight shuffles all equal to the start is 1 in 24^8
        r = await client.post(f"/api/v1/playlists/{pid}/items/shuffle", headers=alice)
        assert r.status_code == 200
        rows = await items(client, alice, pid)
        assert sorted(titles(rows)) == ["Song 0", "Song 1", "Song 2", "Song 3"]  # type: ignore[type-var]
        assert [x["position"] for x in rows] == [0, 1, 2, 3]
        seen.add(tuple(titles(rows)))
    assert len(seen) > 1

    other = await playlist(client, alice, "Other")
    await add(client, alice, other["id"], [ids[3], ids[0]])
    merge = {"source_id": pid}
    r = await client.post(f"/api/v1/playlists/{other['id']}/merge", headers=alice, json=merge)
    assert r.json()["changed"] == 2  # Song 1 and Song 2; Song 0 and 3 were there
    assert titles(await items(client, alice, other["id"]))[:2] == ["Song 3", "Song 0"]
    merge = {"source_id": pid, "skip_duplicates": False}
    r = await client.post(f"/api/v1/playlists/{other['id']}/merge", headers=alice, json=merge)
    assert r.json()["changed"] == 4 and r.json()["playlist"]["item_count"] == 8

    r = await client.post(f"/api/v1/playlists/{pid}/duplicate", headers=alice)
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["name"] == "Mix (copy)" and copy["item_count"] == 4 and copy["id"] != pid
    assert titles(await items(client, alice, copy["id"])) == titles(await items(client, alice, pid))


async def test_others_see_only_the_tracks_they_may_open(
    client: httpx.AsyncClient, alice: dict[str, str], tmp_path: Path
) -> None:
    admin = alice  # the first user is the admin, who may publish
    private = await tracks(client, admin, tmp_path, 1, prefix="Secret")
    public = await tracks(client, admin, tmp_path, 1, prefix="Open", visibility="public")
    p = await playlist(client, admin, visibility="public")
    await add(client, admin, p["id"], [private[0], public[0]])
    bob = bearer(await register(client))
    rows = await items(client, bob, p["id"])
    assert titles(rows) == [None, "Open 0"]
    assert [r["available"] for r in rows] == [False, True]
    assert "Secret" not in str(rows)
    # Bob cannot add Alice's private track to a playlist of his, and his copy leaves it out.
    mine = await playlist(client, bob, "Bob's")
    r = await client.post(
        f"/api/v1/playlists/{mine['id']}/items", headers=bob, json={"track_ids": private}
    )
    assert r.status_code == 404
    r = await client.post(
        f"/api/v1/playlists/{p['id']}/duplicate", headers=bob, json={"name": "Mine"}
    )
    copy: dict[str, Any] = r.json()
    assert (copy["name"], copy["item_count"], copy["visibility"]) == ("Mine", 1, "private")
