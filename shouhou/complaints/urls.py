from django.urls import path

from shouhou.complaints import report_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="list"),
    path("new/", views.ComplaintRegisterView.as_view(), name="register"),
    path("reports/", report_views.ComplaintReportView.as_view(), name="reports"),
    path("ledger/", report_views.PenaltyLedgerView.as_view(), name="ledger"),
    path(
        "from-feedback/<int:pk>/",
        views.FromFeedbackView.as_view(source="answer"),
        name="from-feedback",
    ),
    path(
        "from-follow-up/<int:pk>/",
        views.FromFeedbackView.as_view(source="attempt"),
        name="from-follow-up",
    ),
    path("<int:pk>/", views.ComplaintDetailView.as_view(), name="detail"),
    path("<int:pk>/actions/<slug:action>/", views.CaseActionView.as_view(), name="action"),
    path("<int:pk>/staff/", views.StaffChangeView.as_view(), name="staff"),
    path("<int:pk>/decision/", views.DecisionView.as_view(), name="decision"),
    path("<int:pk>/sanctions/", views.SanctionView.as_view(), name="sanction"),
    path("<int:pk>/revisit/", views.RevisitView.as_view(), name="revisit"),
]
