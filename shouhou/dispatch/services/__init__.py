"""Every write of the dispatch app: technicians (profiles, skills, shifts), the field work done
on the phone (accept, depart, arrive, complete, with positions), and day plans (request, solve,
accept, discard). One transaction each, an audit entry each."""

from shouhou.dispatch.services.field import (
    Position,
    accept_job,
    arrive_at_job,
    complete_job,
    depart_for_job,
    record_position,
)
from shouhou.dispatch.services.plans import (
    accept_plan,
    discard_plan,
    request_plan,
    solve_plan,
)
from shouhou.dispatch.services.technicians import (
    add_skill,
    clear_shift,
    create_technician_profile,
    recompute_duration_estimates,
    remove_skill,
    set_shift,
    update_technician_profile,
)

__all__ = [
    "Position",
    "accept_job",
    "accept_plan",
    "add_skill",
    "arrive_at_job",
    "clear_shift",
    "complete_job",
    "create_technician_profile",
    "depart_for_job",
    "discard_plan",
    "recompute_duration_estimates",
    "record_position",
    "remove_skill",
    "request_plan",
    "set_shift",
    "solve_plan",
    "update_technician_profile",
]
