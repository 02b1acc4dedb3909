"""Anonymous visitors: a random id in a signed cookie, so that their events form a history.

A cookie of its own rather than a session value: a visitor who only browses then never
touches the session table (no session query on every page), and the id survives the
session being cycled at login, when its history is claimed by the account.
"""

import uuid

from django.conf import settings

VISITOR_COOKIE = "visitor"
VISITOR_COOKIE_AGE = 365 * 24 * 3600
_SALT = "main.visitors"  # as when this module was main's: visitors' cookies stay valid


def visitor_key(*, request, create: bool = False) -> str:
    """The visitor's id ('' if none yet); ``create`` makes one, sent with the response."""
    if not hasattr(request, "_visitor_key"):
        request._visitor_key = request.get_signed_cookie(VISITOR_COOKIE, default="", salt=_SALT)
    if not request._visitor_key and create:
        request._visitor_key = request._visitor_key_created = uuid.uuid4().hex
    return request._visitor_key


class VisitorCookieMiddleware:
    """Sets the cookie of a visitor id made during the request (see :func:`visitor_key`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if key := getattr(request, "_visitor_key_created", ""):
            response.set_signed_cookie(
                VISITOR_COOKIE,
                key,
                salt=_SALT,
                max_age=VISITOR_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
