from django.urls import path

from shouhou.sla import views

app_name = "sla"

urlpatterns = [path("compliance/", views.ComplianceView.as_view(), name="compliance")]
