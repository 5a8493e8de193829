from django.urls import path

from shouhou.core import import_views, views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation-create"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationUpdateView.as_view(),
        name="organisation-update",
    ),
    path("autocomplete/<slug:source>/", views.AutocompleteView.as_view(), name="autocomplete"),
    path("operations/", views.OperationsView.as_view(), name="operations"),
    path("healthz", views.health, name="health"),
    path("imports/new/", import_views.ImportCreateView.as_view(), name="import-create"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import-detail"),
    path(
        "imports/templates/<slug:kind>.xlsx",
        import_views.ImportTemplateView.as_view(),
        name="import-template",
    ),
]
