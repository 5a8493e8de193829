"""Background jobs of the complaints app."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from shouhou.complaints.services import issue_chase_notices


@task()
def chase_overdue_complaints() -> int:
    """Issue the chase notices (催办单) of overdue steps and closure deadlines; idempotent, each
    overdue step is chased once however often this runs."""
    with translation.override(settings.LANGUAGE_CODE):
        return issue_chase_notices()
