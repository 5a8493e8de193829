"""Every write of the complaints app (a package: cases, responsibility and penalties, revisits,
chase notices). Other apps call these, never the models directly."""

from shouhou.complaints.services.cases import (
    approve_remedy,
    assign_handler,
    classify_complaint,
    inform_customer,
    open_case_from_feedback,
    propose_remedy,
    record_customer_acceptance,
    record_customer_rejection,
    record_findings,
    register_complaint,
    return_for_investigation,
    start_investigation,
    update_staff_involved,
    withdraw_complaint,
)
from shouhou.complaints.services.chasing import issue_chase_notices
from shouhou.complaints.services.responsibility import (
    ShareLine,
    impose_sanction,
    record_decision,
    sanction_amount,
)
from shouhou.complaints.services.revisits import (
    flag_customer_for_attention,
    record_revisit,
    schedule_revisit,
)

__all__ = [
    "ShareLine",
    "approve_remedy",
    "assign_handler",
    "classify_complaint",
    "flag_customer_for_attention",
    "impose_sanction",
    "inform_customer",
    "issue_chase_notices",
    "open_case_from_feedback",
    "propose_remedy",
    "record_customer_acceptance",
    "record_customer_rejection",
    "record_decision",
    "record_findings",
    "record_revisit",
    "register_complaint",
    "return_for_investigation",
    "sanction_amount",
    "schedule_revisit",
    "start_investigation",
    "update_staff_involved",
    "withdraw_complaint",
]
