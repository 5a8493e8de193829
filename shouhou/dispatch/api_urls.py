"""API routes of the dispatch app, mounted under /api/ (see shouhou/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from shouhou.dispatch.api import PlanViewSet, PositionViewSet, TechnicianViewSet

router = SimpleRouter()
router.register("dispatch/technicians", TechnicianViewSet, basename="dispatch-technician")
router.register("dispatch/plans", PlanViewSet, basename="dispatch-plan")
router.register("dispatch/positions", PositionViewSet, basename="dispatch-position")

urlpatterns = [*router.urls]
