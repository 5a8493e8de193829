from django.urls import path

from shouhou.tickets import report_views

app_name = "ticket_reports"

urlpatterns = [
    path(
        "technician-daily/",
        report_views.TechnicianDailyReportView.as_view(),
        name="technician-daily",
    ),
    path("director-daily/", report_views.DirectorDailyReportView.as_view(), name="director-daily"),
]
