from django.urls import path

from shouhou.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.WorkOrderListView.as_view(), name="list"),
    path("new/", views.IntakeView.as_view(), name="intake"),
    path("new/caller/", views.CallerLookupView.as_view(), name="caller-lookup"),
    path("goods/", views.GoodsRegisterView.as_view(), name="goods-register"),
    path("<int:pk>/", views.WorkOrderDetailView.as_view(), name="detail"),
    path("<int:pk>/actions/<slug:action>/", views.WorkOrderActionView.as_view(), name="action"),
    path("<int:pk>/edit/", views.WorkOrderUpdateView.as_view(), name="update"),
    path("<int:pk>/category/", views.CategoryChangeView.as_view(), name="category"),
    path("<int:pk>/mode/", views.ModeChangeView.as_view(), name="mode"),
    path("<int:pk>/escalate/", views.EscalateView.as_view(), name="escalate"),
    path("<int:pk>/labour/", views.LabourAddView.as_view(), name="labour-add"),
    path("<int:pk>/parts/", views.PartAddView.as_view(), name="part-add"),
    path("<int:pk>/attachments/", views.AttachmentAddView.as_view(), name="attachment-add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
]
