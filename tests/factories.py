"""The factories used to live here; each domain now has its own (tests/<domain>/factories.py).
This re-export keeps `from tests.factories import ...` working."""

from tests.accounts.factories import PASSWORD, bearer, register

__all__ = ["PASSWORD", "bearer", "register"]
