"""What a new password must meet beyond its length (the schemas check 8..256 characters): it is
not one of the commonly used passwords, and not the account's own username or email.

The list is the one zxcvbn ships: the 30,000 most frequent passwords from leaked password sets
(its `frequency_lists`). It is read once, on first use, into a frozenset; comparisons fold case
and ignore surrounding spaces, so "Password1 " counts as "password1"."""

from __future__ import annotations

from functools import cache

from tonearm.accounts import errors


@cache
def common_passwords() -> frozenset[str]:
    # Imported here: the list is a few hundred kilobytes of Python, only worth loading when a
    # password is actually being set.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"])


def _fold(value: str) -> str:
    return value.strip().casefold()


def check_new_password(password: str, *, username: str, email: str | None) -> None:
    """Raise a domain error (422) when `password` may not be set for this account."""
    folded = _fold(password)
    own = {_fold(username)}
    if email:
        own |= {_fold(email), _fold(email.rpartition("@")[0])}
    if folded in own - {""}:
        raise errors.PasswordMatchesAccount()
    if folded in common_passwords():
        raise errors.PasswordTooCommon()


#: The errors `check_new_password` raises, for the endpoints' `responses=`.
PASSWORD_POLICY_ERRORS = (errors.PasswordTooCommon, errors.PasswordMatchesAccount)
