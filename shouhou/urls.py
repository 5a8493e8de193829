from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("shouhou.core.urls")),
    path("customers/", include("shouhou.customers.urls")),
    path("equipment/", include("shouhou.assets.urls")),
    path("contracts/", include("shouhou.contracts.urls")),
    path("work-orders/", include("shouhou.tickets.urls")),
    path("work-orders/documents/", include("shouhou.tickets.urls_documents")),
    path("work-orders/reports/", include("shouhou.tickets.urls_reports")),
    path("notifications/", include("shouhou.notify.urls")),
    path("service-levels/", include("shouhou.sla.urls")),
    path("dispatch/", include("shouhou.dispatch.urls")),
    path("feedback/", include("shouhou.feedback.urls")),
    path("complaints/", include("shouhou.complaints.urls")),
    path("parts/", include("shouhou.parts.urls")),
    path("billing/", include("shouhou.billing.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("shouhou.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
