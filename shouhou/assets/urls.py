from django.urls import path

from shouhou.assets import views

app_name = "assets"

urlpatterns = [
    path("", views.EquipmentListView.as_view(), name="list"),
    path("distribution/", views.EquipmentDistributionView.as_view(), name="distribution"),
    path("new/", views.EquipmentCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EquipmentDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EquipmentUpdateView.as_view(), name="update"),
]
