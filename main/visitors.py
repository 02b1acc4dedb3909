"""Anonymous visitors: a random id kept in the session, so their events form a history."""

import uuid

VISITOR_KEY = "visitor"


def visitor_key(*, request, create: bool = False) -> str:
    """The visitor's id ('' if none yet); ``create`` makes one, saved with the response's session."""
    key = request.session.get(VISITOR_KEY, "")
    if not key and create:
        key = request.session[VISITOR_KEY] = uuid.uuid4().hex
    return key
