from django.urls import path

from shouhou.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.InvoiceListView.as_view(), name="invoice-list"),
    path("invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/payments/", views.InvoicePaymentView.as_view(), name="invoice-payment"),
    path("invoices/<int:pk>/void/", views.InvoiceVoidView.as_view(), name="invoice-void"),
    path("work-orders/<int:pk>/", views.WorkOrderMoneyView.as_view(), name="work-order-money"),
    path("work-orders/<int:pk>/basis/", views.ChargeBasisView.as_view(), name="basis"),
    path("work-orders/<int:pk>/quotes/", views.QuotePrepareView.as_view(), name="quote-create"),
    path(
        "work-orders/<int:pk>/discounts/",
        views.AdjustmentRequestView.as_view(),
        name="adjustment-create",
    ),
    path(
        "work-orders/<int:pk>/payments/", views.PaymentCreateView.as_view(), name="payment-create"
    ),
    path("work-orders/<int:pk>/invoice/", views.InvoiceIssueView.as_view(), name="invoice-issue"),
    path("quotes/<int:pk>/", views.QuoteDetailView.as_view(), name="quote-detail"),
    path("quotes/<int:pk>/parts/", views.QuotePartView.as_view(), name="quote-part"),
    path("quotes/<int:pk>/edit/", views.QuoteUpdateView.as_view(), name="quote-update"),
    path("quotes/<int:pk>/send/", views.QuoteSendView.as_view(), name="quote-send"),
    path("quotes/<int:pk>/withdraw/", views.QuoteWithdrawView.as_view(), name="quote-withdraw"),
    path("quotes/<int:pk>/decision/", views.QuoteDecisionView.as_view(), name="quote-decision"),
    path("q/<str:token>/", views.CustomerQuoteView.as_view(), name="customer-quote"),
    path("discounts/", views.AdjustmentListView.as_view(), name="adjustment-list"),
    path(
        "discounts/<int:pk>/decide/", views.AdjustmentDecideView.as_view(), name="adjustment-decide"
    ),
    path(
        "discounts/<int:pk>/cancel/", views.AdjustmentCancelView.as_view(), name="adjustment-cancel"
    ),
    path("payments/", views.PaymentListView.as_view(), name="payment-list"),
    path("cash/", views.CashOnHandView.as_view(), name="cash"),
    path("cash/<int:technician_id>/", views.HandoverView.as_view(), name="handover"),
    path("schedules/", views.FeeScheduleListView.as_view(), name="schedule-list"),
    path("schedules/new/", views.FeeScheduleCreateView.as_view(), name="schedule-create"),
    path("schedules/<int:pk>/", views.FeeScheduleDetailView.as_view(), name="schedule-detail"),
    path("schedules/<int:pk>/edit/", views.FeeScheduleUpdateView.as_view(), name="schedule-update"),
    path("reports/ageing/", views.AgeingReportView.as_view(), name="ageing-report"),
    path("reports/revenue/", views.RevenueReportView.as_view(), name="revenue-report"),
    path("reports/costs/", views.CostReportView.as_view(), name="cost-report"),
]
