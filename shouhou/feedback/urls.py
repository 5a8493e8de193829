from django.urls import path

from shouhou.feedback import views

app_name = "feedback"

urlpatterns = [
    # Public: the survey reached from the link in the SMS or email (no login).
    path("s/<str:token>/", views.SurveyView.as_view(), name="survey"),
    path("s/<str:token>/thanks/", views.SurveyThanksView.as_view(), name="survey-thanks"),
    # Staff pages.
    path("", views.InvitationListView.as_view(), name="invitation-list"),
    path("invitations/<int:pk>/", views.InvitationDetailView.as_view(), name="invitation-detail"),
    path("invitations/<int:pk>/answer/", views.AnswerEntryView.as_view(), name="answer-entry"),
    path("flagged/", views.FlaggedAnswerListView.as_view(), name="flagged"),
    path("answers/<int:pk>/handle-flag/", views.FlagHandleView.as_view(), name="flag-handle"),
    path("follow-ups/", views.FollowUpQueueView.as_view(), name="follow-up-queue"),
    path("follow-ups/<int:pk>/", views.FollowUpDetailView.as_view(), name="follow-up-detail"),
    path("follow-ups/<int:pk>/calls/", views.CallRecordView.as_view(), name="follow-up-call"),
    path("follow-ups/<int:pk>/take/", views.TakeView.as_view(), name="follow-up-take"),
    path("follow-ups/<int:pk>/assign/", views.AssignView.as_view(), name="follow-up-assign"),
    path("follow-ups/<int:pk>/cancel/", views.CancelView.as_view(), name="follow-up-cancel"),
    path("reports/", views.ReportsView.as_view(), name="reports"),
    path("reports/technicians/", views.TechnicianScoresView.as_view(), name="technician-scores"),
    path("reports/satisfaction/", views.SatisfactionView.as_view(), name="satisfaction"),
    path("reports/follow-ups/", views.FollowUpReportView.as_view(), name="follow-up-report"),
    path(
        "reports/follow-ups/submit/",
        views.FollowUpReportSubmitView.as_view(),
        name="follow-up-report-submit",
    ),
]
