"""Local fakes of outside services, answering as their public documentation shows.

Each fake is a handler (`httpx.Request -> httpx.Response`) served by `FakeServer` on
127.0.0.1, so the real clients reach it through `kit.http` with the fake's `host:port` in
`TONEARM_HTTP_ALLOW_HOSTS` and its URL as the service's base URL.
"""
