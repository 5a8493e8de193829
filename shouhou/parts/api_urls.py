"""API routes of the parts app, mounted under /api/ (see shouhou/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from shouhou.parts import api

router = SimpleRouter()
router.register("parts", api.PartViewSet, basename="part")
router.register("warehouses", api.WarehouseViewSet, basename="warehouse")
router.register("stock-levels", api.StockLevelViewSet, basename="stock-level")
router.register("stock-movements", api.StockMovementViewSet, basename="stock-movement")
router.register("parts-requests", api.PartsRequestViewSet, basename="parts-request")

urlpatterns = [*router.urls]
