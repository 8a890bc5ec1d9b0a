"""A readable device name from a User-Agent ("Firefox on Linux", "Safari on iPhone")."""

from __future__ import annotations

import re

_BROWSERS = [
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
    ("curl", re.compile(r"^curl/")),
    ("httpx", re.compile(r"python-httpx/")),
    ("Tonearm CLI", re.compile(r"^Tonearm")),
]
_OSES = [
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux|X11")),
]


def device_name(user_agent: str | None) -> str:
    if not user_agent:
        return "Unknown device"
    browser = next((name for name, rx in _BROWSERS if rx.search(user_agent)), None)
    os_name = next((name for name, rx in _OSES if rx.search(user_agent)), None)
    if "HeadlessChrome" in user_agent:
        browser = "Headless Chrome"
    if browser and os_name:
        return f"{browser} on {os_name}"
    return browser or os_name or "Unknown device"
