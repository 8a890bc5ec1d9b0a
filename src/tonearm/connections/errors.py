"""The connections domain's errors."""

from __future__ import annotations

from tonearm.kit.errors import BadRequest, Conflict, NotFound


class UnknownService(NotFound):
    code, title = "service_not_found", "No such service"


class ConnectionNotFound(NotFound):
    code, title = "connection_not_found", "This service is not connected"


class OAuthStateInvalid(BadRequest):
    code, title = "oauth_state_invalid", "The authorization expired or was already used"


class OAuthDenied(BadRequest):
    code, title = "oauth_denied", "The service did not grant access"


class WrongAuthKind(Conflict):
    code, title = "connection_auth_kind", "This service connects another way"


class OwnAppNotAllowed(Conflict):
    code, title = "own_app_not_allowed", "This service does not take a user's own app"
