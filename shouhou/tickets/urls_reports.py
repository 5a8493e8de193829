from django.urls import path  # noqa: F401

app_name = "ticket_reports"

urlpatterns: list = []
