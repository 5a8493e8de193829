from django.urls import path

from shouhou.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/", views.OpenView.as_view(), name="open"),
    path("read-all/", views.MarkAllReadView.as_view(), name="read-all"),
]
