from django.urls import path

from shouhou.dispatch import phone_views, views

app_name = "dispatch"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("assign/", views.AssignView.as_view(), name="assign"),
    path("suggest/<int:pk>/", views.SuggestView.as_view(), name="suggest"),
    path("plans/new/", views.PlanRequestView.as_view(), name="plan-request"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path(
        "plans/<int:pk>/accept/",
        views.PlanDecisionView.as_view(decision="accept"),
        name="plan-accept",
    ),
    path(
        "plans/<int:pk>/discard/",
        views.PlanDecisionView.as_view(decision="discard"),
        name="plan-discard",
    ),
    path("technicians/", views.TechnicianListView.as_view(), name="technician-list"),
    path("technicians/new/", views.TechnicianCreateView.as_view(), name="technician-create"),
    path("technicians/<int:pk>/", views.TechnicianDetailView.as_view(), name="technician-detail"),
    path(
        "technicians/<int:pk>/edit/", views.TechnicianUpdateView.as_view(), name="technician-update"
    ),
    path(
        "technicians/<int:pk>/skills/",
        views.TechnicianPostView.as_view(action="add-skill"),
        name="technician-add-skill",
    ),
    path(
        "technicians/<int:pk>/skills/<int:item>/remove/",
        views.TechnicianPostView.as_view(action="remove-skill"),
        name="technician-remove-skill",
    ),
    path(
        "technicians/<int:pk>/regions/",
        views.TechnicianPostView.as_view(action="add-region"),
        name="technician-add-region",
    ),
    path(
        "technicians/<int:pk>/regions/remove/",
        views.TechnicianPostView.as_view(action="remove-region"),
        name="technician-remove-region",
    ),
    path(
        "technicians/<int:pk>/shifts/",
        views.TechnicianPostView.as_view(action="add-shift"),
        name="technician-add-shift",
    ),
    path(
        "technicians/<int:pk>/shifts/<int:item>/remove/",
        views.TechnicianPostView.as_view(action="remove-shift"),
        name="technician-remove-shift",
    ),
    path("report/", views.FieldReportView.as_view(), name="report"),
    path("my-day/", phone_views.MyDayView.as_view(), name="my-day"),
    path("my-day/<int:pk>/", phone_views.JobView.as_view(), name="job"),
    path(
        "my-day/<int:pk>/labour/",
        phone_views.JobRecordView.as_view(kind="labour"),
        name="job-labour",
    ),
    path("my-day/<int:pk>/parts/", phone_views.JobRecordView.as_view(kind="part"), name="job-part"),
    path(
        "my-day/<int:pk>/photos/", phone_views.JobRecordView.as_view(kind="photo"), name="job-photo"
    ),
    path("my-day/<int:pk>/<slug:action>/", phone_views.JobStepView.as_view(), name="job-step"),
]
