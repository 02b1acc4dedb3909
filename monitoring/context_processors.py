"""The admin's banner: thresholds crossed now, for staff on admin pages only.

Lazy: a shop page never reads ``monitoring_alerts``, so it never counts anything."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .selectors import current_alerts


def monitoring_alerts(request) -> dict:
    def alerts() -> list:
        user = getattr(request, "user", None)
        if user is None or not user.is_staff or not request.path.startswith(reverse("admin:index")):
            return []
        return current_alerts()

    return {"monitoring_alerts": SimpleLazyObject(alerts)}
