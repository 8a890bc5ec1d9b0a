"""System: ping, getLicense, getOpenSubsonicExtensions (without auth), tokenInfo."""

from __future__ import annotations

from typing import Any

from tonearm.subsonic.router import Call, method

#: The OpenSubsonic extensions implemented, with their versions.
EXTENSIONS: dict[str, list[int]] = {
    "formPost": [1],
    "apiKeyAuthentication": [1],
}


@method("ping")
async def ping(call: Call) -> dict[str, Any]:
    return {}


@method("getLicense")
async def get_license(call: Call) -> dict[str, Any]:
    return {"license": {"valid": True, "email": "", "licenseExpires": None}}


@method("getOpenSubsonicExtensions", public=True)
async def extensions(call: Call) -> dict[str, Any]:
    return {
        "openSubsonicExtensions": [
            {"name": name, "versions": versions} for name, versions in EXTENSIONS.items()
        ]
    }


@method("tokenInfo")
async def token_info(call: Call) -> dict[str, Any]:
    return {"tokenInfo": {"username": call.me.username}}
