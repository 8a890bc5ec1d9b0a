"""kit.security's password hashing: production keeps full-cost argon2id; cheaper costs exist
for the test suite only, and a hash of another cost still verifies and gets replaced."""

from __future__ import annotations

from tonearm.kit import security
from tonearm.kit.security import ARGON2_COST, TEST_ARGON2_COST, Argon2Cost, PasswordHasher


def test_the_default_cost_is_full_argon2id() -> None:
    # RFC 9106's low-memory profile: 3 passes over 64 MiB in 4 lanes. Lowering it is a
    # security change, not a refactoring.
    full = Argon2Cost(time_cost=3, memory_cost=65536, parallelism=4)
    assert full == ARGON2_COST
    stored = security.hash_password("a-Good-passw0rd!")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert security.password_hasher().cost == ARGON2_COST
    assert security.verify_password("a-Good-passw0rd!", stored) == (True, None)
    assert security.verify_password("wrong", stored) == (False, None)


def test_the_test_cost_is_only_what_it_says() -> None:
    cheapest = Argon2Cost(time_cost=1, memory_cost=8, parallelism=1)
    assert cheapest == TEST_ARGON2_COST
    stored = security.hash_password("pw", TEST_ARGON2_COST)
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert security.password_hasher(TEST_ARGON2_COST) is security.password_hasher(TEST_ARGON2_COST)


def test_a_hash_of_another_cost_verifies_and_is_replaced() -> None:
    cheap = security.hash_password("pw", TEST_ARGON2_COST)
    ok, upgraded = security.verify_password("pw", cheap)  # the full-cost hasher
    assert ok is True
    assert upgraded is not None and upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert security.verify_password("nope", cheap) == (False, None)


def test_an_unknown_user_still_runs_one_verification() -> None:
    hasher = PasswordHasher(TEST_ARGON2_COST)
    calls: list[str] = []
    real = hasher._hash.verify

    def counting(*a: object, **k: object) -> bool:
        calls.append("verify")
        return real(*a, **k)  # type: ignore[arg-type]

    hasher._hash.verify = counting  # type: ignore[method-assign]
    assert hasher.verify("pw", None) == (False, None)
    assert calls == ["verify"]
    assert hasher.verify("pw", "not a hash") == (False, None)
