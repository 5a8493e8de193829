from __future__ import annotations

from rest_framework import serializers

from shouhou.contracts import selectors
from shouhou.contracts.filters import ContractFilter
from shouhou.contracts.models import MaintenanceContract
from shouhou.core.api import ServiceViewSet


class ContractSerializer(serializers.ModelSerializer):
    service_level: serializers.Field = serializers.StringRelatedField()

    class Meta:
        model = MaintenanceContract
        fields = [
            "id",
            "number",
            "kind",
            "customer",
            "provider",
            "starts_on",
            "ends_on",
            "service_level",
            "fee_amount",
            "status",
            "version",
        ]


class ContractViewSet(ServiceViewSet):
    """Maintenance contracts the caller may see (read-only for now)."""

    selector = staticmethod(selectors.contracts_visible_to)
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
