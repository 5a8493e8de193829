"""API routes of the complaints app, mounted under /api/ (see shouhou/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from shouhou.complaints.api import ComplaintViewSet

router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = [*router.urls]
