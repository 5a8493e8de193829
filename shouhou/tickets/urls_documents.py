from django.urls import path  # noqa: F401

app_name = "ticket_documents"

urlpatterns: list = []
