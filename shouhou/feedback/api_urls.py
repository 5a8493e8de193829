"""API routes of the feedback app, mounted under /api/ (see shouhou/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from shouhou.feedback.api import AnswerViewSet, FollowUpViewSet, InvitationViewSet

router = SimpleRouter()
router.register("feedback/invitations", InvitationViewSet, basename="survey-invitation")
router.register("feedback/answers", AnswerViewSet, basename="survey-answer")
router.register("feedback/follow-ups", FollowUpViewSet, basename="follow-up")

urlpatterns = [*router.urls]
