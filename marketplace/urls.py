from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/monitoring/", include("monitoring.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("cart/", include("cart.urls")),
    # Checkout, orders and payments keep the addresses they had under cart/ (the webhook's,
    # /cart/payments/webhook/, is configured at the payment provider).
    path("cart/", include("orders.urls")),
    path("cart/", include("payments.urls")),
    path("seller/", include("seller_accounts.urls")),
    path("reviews/", include("reviews.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("main.api_urls")),
    path("api/v1/", include("search.api_urls")),
    path("api/v1/", include("recommendations.api_urls")),
    path("api/v1/", include("reviews.api_urls")),
    path("", include("search.urls")),
    path("", include("main.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
