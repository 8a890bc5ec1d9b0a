"""The running service, below every domain: typed state and the Domain record, auth
dependencies (Principal, CurrentUser ...), request deps, HTTP middleware and guards, the
operational routes, SPA and signed-file serving, storage from settings, key rotation and
migrations. It imports kit, models, media and config, and names no domain."""
