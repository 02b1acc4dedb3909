from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def seller_required(view):
    """Logged-in sellers only; everyone else gets a 404 (no hint the page exists)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_seller:
            raise Http404("Seller area")
        return view(request, *args, **kwargs)

    return wrapper
