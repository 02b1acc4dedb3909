"""Whole pages drawn once for every shopper, with each shopper's own parts filled in.

Most page views are shoppers opening the same product and catalog pages: drawing them is
most of a page's CPU (template, tiles, carousels), and the drawing is the same for all of
them but for a few parts of the shopper's own: the cart badge, the account links of the
header (their name, the log-out form), the CSRF token of the forms, and, for a few, their
wishlist's hearts, a message or an experiment's variant. So a
page is stored in the shared cache with a marker where each shopper's part goes
(``{% shopper_part "name" %}`` in a template, and every form's CSRF token), and the markers
are filled for the request that reads it, fresh from its own session, every time (on a miss
too: one path, so that a test of either is a test of both).

The caller names what the page shows besides its address (``key``: the catalog's version,
the product's price and stock, the models' versions), so that a change of any of them is a
new key: nothing is ever invalidated, an old page is simply never asked for again. Shoppers
who cannot share (sellers and staff; with a wishlist, a message or anything an app's
:func:`serve_only_if` refuses) get the page drawn for them alone, without markers.

Apps above this one register with it at start (this module imports no app): the parts they
fill (:func:`register_part`), when a shopper may share (:func:`serve_only_if`), what a page
varies by besides its key (:func:`vary_by`: an experiment's variant) and what a page drawn
from the cache must still do (:func:`on_hit`, with what :func:`note` recorded while it was
drawn: an experiment's exposure).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from .pages import FACETS_SECONDS

# How long a drawn page is kept. Its key changes with everything it shows that a shopper acts
# on (price, stock, catalog, models), so this only bounds what changes without saying so: a
# queryset update of a listing column, which the catalog table itself trusts for as long.
PAGE_SECONDS = FACETS_SECONDS

MARKER = "<!--shopper:{}-->"
_MARKERS = re.compile(r"<!--shopper:([a-z0-9-]+)-->")
# Every form's token as Django's {% csrf_token %} and the wishlist hearts draw it.
_CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PART = "csrf"
_FILLING = "_page_cache_filling"
_NOTES = "_page_cache_notes"
_TOKEN = "_page_cache_token"

ACCOUNT_NAV = "includes/account_nav.html"


def _token(request: HttpRequest) -> str:
    """The request's CSRF token, masked once for all its forms: each masking draws 32 random
    characters (~0.1 ms), and a page filled from the cache asks for it in two parts."""
    token = getattr(request, _TOKEN, None)
    if token is None:
        token = get_token(request)
        setattr(request, _TOKEN, token)
    return token


def _account_nav(request: HttpRequest) -> str:
    """The header's links of the shopper's account (or log in / sign up): their name, and a
    log-out form with their own token."""
    from django.template.loader import get_template

    token = _token(request) if request.user.is_authenticated else ""  # only the log-out form has one
    context = {"user": request.user, "request": request, "csrf_token": token}
    return get_template(ACCOUNT_NAV).render(context)


_parts: dict[str, Callable[[HttpRequest], str]] = {
    CSRF_PART: _token,
    "account-nav": _account_nav,
}
# Each with the pages it applies to (``None``: every page).
_conditions: list[tuple[Callable[[HttpRequest], bool], frozenset[str] | None]] = []
_varies: list[tuple[Callable[[HttpRequest], str], frozenset[str] | None]] = []
_replays: dict[str, Callable[[HttpRequest, str], None]] = {}


def register_part(name: str, fill: Callable[[HttpRequest], str]) -> None:
    """``{% shopper_part name %}`` is ``fill(request)`` (already escaped HTML) for every shopper."""
    _parts[name] = fill


def _pages(pages: tuple[str, ...] | None) -> frozenset[str] | None:
    return frozenset(pages) if pages is not None else None


def serve_only_if(condition: Callable[[HttpRequest], bool], *, pages: tuple[str, ...] | None = None) -> None:
    """A shopper shares cached pages (or only those named ``pages``, as :func:`shared_page`
    names them) only while ``condition(request)`` holds."""
    entry = (condition, _pages(pages))
    if entry not in _conditions:
        _conditions.append(entry)


def vary_by(vary: Callable[[HttpRequest], str], *, pages: tuple[str, ...] | None = None) -> None:
    """Shoppers for whom ``vary(request)`` differs get pages (or only those named ``pages``)
    drawn and cached apart."""
    entry = (vary, _pages(pages))
    if entry not in _varies:
        _varies.append(entry)


def _applies(pages: frozenset[str] | None, page: str) -> bool:
    return pages is None or page in pages


def on_hit(kind: str, replay: Callable[[HttpRequest, str], None]) -> None:
    """On a page read from the cache, call ``replay(request, value)`` for each ``note(request,
    kind, value)`` made while it was drawn (what drawing it did besides drawing)."""
    _replays[kind] = replay


def note(request: HttpRequest, kind: str, value: str) -> None:
    """Record, while a shared page is drawn, what each later reader must do again (``on_hit``)."""
    notes = getattr(request, _NOTES, None)
    if notes is not None and (kind, value) not in notes:
        notes.append((kind, value))


def shopper_part(request: HttpRequest | None, name: str) -> str:
    """The part itself, or its marker while a page for every shopper is drawn."""
    if request is not None and getattr(request, _FILLING, False):
        return MARKER.format(name)
    return _parts[name](request) if request is not None else ""


def shareable(request: HttpRequest, *, page: str) -> bool:
    """Whether this shopper's ``page`` is the one every shopper gets: anonymous or a buyer (whose
    name and links are a part of their own); never a seller (their unlisted previews, the
    verification banner) or staff."""
    if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    user = request.user
    if user.is_authenticated and (user.is_staff or getattr(user, "is_seller", True)):
        return False
    from django.contrib.messages import get_messages

    if len(get_messages(request)):  # counted, not read: the message still shows once
        return False
    return all(condition(request) for condition, pages in _conditions if _applies(pages, page))


def shared_page(
    request: HttpRequest, *, page: str, key: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page at this address for every shopper who may share it, drawn by ``render`` once per
    ``key`` (plus the address and what :func:`vary_by` says), with this shopper's parts.
    ``page`` names the kind of page ("product", "catalog") for the apps that register a
    condition or a variation of one kind only."""
    if not shareable(request, page=page):
        return render()
    varies = "|".join(vary(request) for vary, pages in _varies if _applies(pages, page))
    digest = hashlib.sha1(f"{request.get_full_path()}\n{key}\n{varies}".encode()).hexdigest()
    cache_key = f"page:{digest}"
    stored = cache.get(cache_key)
    if stored is not None:
        html, content_type, notes = stored
        for kind, value in notes:
            replay = _replays.get(kind)
            if replay is not None:
                replay(request, value)
        response = HttpResponse(fill(request, html=html), content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    setattr(request, _FILLING, True)
    setattr(request, _NOTES, [])
    try:
        response = render()
    finally:
        setattr(request, _FILLING, False)
    if response.streaming:
        return response
    html = _CSRF_FIELD.sub(rf"\g<1>{MARKER.format(CSRF_PART)}\g<2>", response.content.decode())
    if response.status_code == 200:
        cache.set(cache_key, (html, response["Content-Type"], getattr(request, _NOTES)), PAGE_SECONDS)
        response["X-Page-Cache"] = "miss"
    response.content = fill(request, html=html)
    return response


def fill(request: HttpRequest, *, html: str) -> str:
    """``html`` with each marker replaced by this shopper's part (each part drawn once)."""
    drawn: dict[str, str] = {}

    def part(match: re.Match) -> str:
        name = match.group(1)
        if name not in drawn:
            drawn[name] = _parts[name](request)
        return drawn[name]

    return _MARKERS.sub(part, html)
