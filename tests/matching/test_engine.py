"""The engine against an in-memory catalog: each rule, the version policy, buckets and reasons."""

from __future__ import annotations

from tonearm.matching import CatalogTrack, Entry, Match, Matcher, MemoryCatalog, Policy, entry_key

TRACKS = [
    CatalogTrack("quays", "Harbour Lights", ("The Quays",), "Tides", None, 201, 1, 1,
                 path="/srv/music/The Quays/Tides/01 Harbour Lights.mp3"),
    CatalogTrack("winds", "Northern Winds", ("Frostlight",), "Winter Songs", None, 250, 2, 1,
                 isrc="GBAYE0601498"),
    CatalogTrack("winds-live", "Northern Winds", ("Frostlight",), "Live at the Hall", None, 265),
    CatalogTrack("boats", "Paper Boats", ("Mara Lind", "Olli Vesi"), "Rivers", None, 180, 4, 1,
                 mb_recording_id="8f3471b5-7e6a-48da-86a9-c1c07a0f47ae"),
    CatalogTrack("kino", "Группа крови", ("Кино",), "Группа крови", None, 286),
    CatalogTrack("boats-other", "Paper Boats", ("Someone Else",), "Elsewhere", None, 240),
    CatalogTrack("upload", "Quiet Hour", ("Nils",), None, None, 150, path="quiet hour.ogg"),
]  # fmt: skip


async def match(entry: Entry, policy: Policy | None = None) -> Match:
    return await Matcher(MemoryCatalog(TRACKS), policy).match(entry)


async def test_path_rule_across_os_forms() -> None:
    m = await match(
        Entry(title="x", location="C:\\Music\\The Quays\\Tides\\01 Harbour Lights.flac")
    )
    assert (m.bucket, m.track_id, m.rule) == ("matched", "quays", "path")
    assert "4 parts" in m.reason  # music/the quays/tides/01 harbour lights
    # A file name alone decides when the title agrees, and not when it does not.
    m = await match(Entry(title="Quiet Hour", location="D:\\Uploads\\Quiet Hour.mp3"))
    assert (m.track_id, m.rule) == ("upload", "path")
    m = await match(Entry(title="Something Else", location="quiet hour.mp3", artists=("Zed",)))
    assert m.bucket != "matched"


async def test_identifier_rules() -> None:
    m = await match(Entry(title="Wrong Title", isrc="gb-aye-06-01498"))
    assert (m.bucket, m.track_id, m.rule) == ("matched", "winds", "isrc")
    m = await match(Entry(mb_recording_id="8F3471B5-7E6A-48DA-86A9-C1C07A0F47AE"))
    assert (m.track_id, m.rule) == ("boats", "mbid")
    m = await match(Entry(title="Paper Boats!", album="Rivers", track_number=4))
    assert (m.track_id, m.rule) == ("boats", "album_position")


async def test_fuzzy_spellings_match_with_reason() -> None:
    cases = [
        Entry(title="northern winds - 2011 remaster", artists=("FROSTLIGHT",), duration=251),
        Entry(title="Nothern Winds", artists=("Frostlight",), duration=249),
        Entry(title="Paper Boats (feat. Olli Vesi)", artists=("Mara Lind",), duration=182),
        Entry(title="Gruppa krovi", artists=("Kino",), duration=285),
        Entry(title="Northern Winds", artists=("Frostlight",), duration=258),  # 8 s, names equal
    ]
    expected = ["winds", "winds", "boats", "kino", "winds"]
    for entry, want in zip(cases, expected, strict=True):
        m = await match(entry)
        assert (m.bucket, m.track_id, m.rule) == ("matched", want, "fuzzy"), (entry, m)
        assert "agree" in m.reason and m.score > 0.9


async def test_version_policy_and_its_relaxation() -> None:
    live = Entry(title="Northern Winds (Live)", artists=("Frostlight",))
    assert (await match(live)).track_id == "winds-live"
    studio = await match(Entry(title="Northern Winds", artists=("Frostlight",), duration=250))
    assert studio.track_id == "winds"
    karaoke = Entry(title="Paper Boats (Karaoke Version)", artists=("Mara Lind",))
    strict = await match(karaoke)
    assert strict.bucket == "unmatched" and "another version" in strict.reason
    assert strict.candidates and strict.candidates[0].track_id == "boats"
    relaxed = await match(karaoke, Policy(strict_versions=False))
    assert (relaxed.bucket, relaxed.track_id) == ("matched", "boats")


async def test_review_and_unmatched() -> None:
    # Same title, an artist a typo away, duration far off: asked, with candidates.
    m = await match(Entry(title="Paper Boat", artists=("Mara Lynd",), duration=300))
    assert m.bucket == "review" and m.track_id is None
    assert [c.track_id for c in m.candidates][:1] == ["boats"] and len(m.candidates) <= 3
    # The same title by an artist the catalog lacks.
    m = await match(Entry(title="Paper Boats", artists=("Nobody Known",), duration=180))
    assert m.bucket == "unmatched" and "closest" in m.reason
    # Title only: taken when unique and the duration agrees, else not.
    assert (await match(Entry(title="Harbour Lights", duration=200))).bucket == "matched"
    assert (await match(Entry(title="Paper Boats", duration=180))).bucket != "matched"
    m = await match(Entry(title="Completely Unknown Song", artists=("Q",)))
    assert m.bucket == "unmatched" and m.rule == "fuzzy"


def test_entry_key_is_stable_across_spellings() -> None:
    a = Entry(title="Paper Boats (feat. Olli Vesi)", artists=("Mara Lind",), duration=181)
    b = Entry(title="paper boats", artists=("Mara Lind", "Olli Vesi"), duration=183)
    c = Entry(title="Paper Boats (Live)", artists=("Mara Lind",))
    assert entry_key(a) == entry_key(b) != entry_key(c)
    assert len(entry_key(a)) == 40


async def test_many_candidates_none_close_is_unmatched_not_an_error() -> None:
    """A service's wide search can answer many tracks that share nothing with the entry
    (more than the shortlist scans, none above its cutoffs): not a match, and no crash."""
    from collections.abc import Sequence

    from tonearm.matching import Found, Known, Query

    unrelated = [
        Known.of(CatalogTrack(f"x{i}", f"Zqvw {i} Plorb", ("Ypsilon Krat",), duration=100 + i))
        for i in range(20)
    ]

    class Wide:
        async def identify(self, queries: Sequence[Query]) -> list[Found]:
            return [Found() for _ in queries]

        async def similar(self, queries: Sequence[Query], *, wide: bool) -> list[list[Known]]:
            return [list(unrelated) for _ in queries]

    m = await Matcher(Wide()).match(Entry(title="Sugar Sugar", artists=("Plear Safle",)))
    assert m.bucket == "unmatched" and m.track_id is None
