"""API permission classes (a module of its own: DRF imports it while defining its views)."""

from __future__ import annotations

from rest_framework.permissions import DjangoModelPermissions


class RoleModelPermissions(DjangoModelPermissions):
    """The role's model permissions, reading included: a role without view_<model> gets 403."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }
