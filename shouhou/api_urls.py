"""The REST API (token authentication; schema at /api/schema/, docs at /api/docs/)."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from shouhou.assets.api import EquipmentViewSet
from shouhou.contracts.api import ContractViewSet
from shouhou.core.api import OrganisationViewSet
from shouhou.customers.api import CustomerViewSet, SiteViewSet
from shouhou.tickets.api import WorkOrderViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("customers", CustomerViewSet, basename="customer")
router.register("sites", SiteViewSet, basename="site")
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("contracts", ContractViewSet, basename="contract")
router.register("work-orders", WorkOrderViewSet, basename="work-order")

# Each newer app keeps its routes in its own api_urls.py (a SimpleRouter: one API root, here).
APP_ROUTES = ["dispatch", "feedback", "complaints", "parts", "billing"]

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    *router.urls,
    *[path("", include(f"shouhou.{app}.api_urls")) for app in APP_ROUTES],
]
