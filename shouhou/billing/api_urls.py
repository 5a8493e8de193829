"""API routes of the billing app, mounted under /api/ (see shouhou/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from shouhou.billing import api

router = SimpleRouter()
router.register("fee-schedules", api.FeeScheduleViewSet, basename="fee-schedule")
router.register("work-order-charges", api.WorkOrderChargesViewSet, basename="work-order-charges")
router.register("quotes", api.QuoteViewSet, basename="quote")
router.register("discounts", api.AdjustmentViewSet, basename="discount")
router.register("payments", api.PaymentViewSet, basename="payment")
router.register("cash-handovers", api.CashHandoverViewSet, basename="cash-handover")
router.register("invoices", api.InvoiceViewSet, basename="invoice")

urlpatterns = [*router.urls]
