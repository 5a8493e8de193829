from django.urls import path

from shouhou.parts import views

app_name = "parts"

urlpatterns = [
    path("", views.StockLevelListView.as_view(), name="stock"),
    path("stock/receive/", views.ReceiveView.as_view(), name="receive"),
    path("stock/transfer/", views.TransferView.as_view(), name="transfer"),
    path("stock/write-off/", views.WriteOffView.as_view(), name="write-off"),
    path("stock/<int:pk>/reorder-point/", views.ReorderPointView.as_view(), name="reorder-point"),
    path("ledger/", views.MovementListView.as_view(), name="movement-list"),
    path("catalogue/", views.PartListView.as_view(), name="part-list"),
    path("catalogue/new/", views.PartCreateView.as_view(), name="part-create"),
    path("catalogue/<int:pk>/", views.PartDetailView.as_view(), name="part-detail"),
    path("catalogue/<int:pk>/edit/", views.PartUpdateView.as_view(), name="part-update"),
    path("warehouses/", views.WarehouseListView.as_view(), name="warehouse-list"),
    path("warehouses/new/", views.WarehouseCreateView.as_view(), name="warehouse-create"),
    path("warehouses/<int:pk>/", views.WarehouseDetailView.as_view(), name="warehouse-detail"),
    path("warehouses/<int:pk>/edit/", views.WarehouseUpdateView.as_view(), name="warehouse-update"),
    path("requests/", views.PartsRequestListView.as_view(), name="request-list"),
    path("requests/new/", views.PartsRequestCreateView.as_view(), name="request-create"),
    path("requests/<int:pk>/", views.PartsRequestDetailView.as_view(), name="request-detail"),
    path(
        "requests/<int:pk>/<slug:action>/",
        views.PartsRequestActionView.as_view(),
        name="request-action",
    ),
    path("old-parts/", views.OldPartListView.as_view(), name="old-part-list"),
    path("old-parts/<int:pk>/", views.OldPartDetailView.as_view(), name="old-part-detail"),
    path(
        "old-parts/<int:pk>/<slug:action>/",
        views.OldPartActionView.as_view(),
        name="old-part-action",
    ),
    path("work-orders/<int:pk>/issue/", views.IssuePartView.as_view(), name="issue"),
    path("work-orders/<int:pk>/reserve/", views.ReservePartView.as_view(), name="reserve"),
    path("work-orders/<int:pk>/return/", views.ReturnPartView.as_view(), name="return"),
    path("reservations/<int:pk>/release/", views.ReleaseReservationView.as_view(), name="release"),
    path("reports/usage/", views.PartsUsageReportView.as_view(), name="usage-report"),
    path(
        "reports/shipping-accuracy/",
        views.ShippingAccuracyReportView.as_view(),
        name="accuracy-report",
    ),
]
