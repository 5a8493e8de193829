from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework import serializers

from shouhou.assets import selectors, services
from shouhou.assets.filters import EquipmentFilter
from shouhou.assets.models import Equipment, ProductModel
from shouhou.core.api import (
    ScopedRelatedField,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    VersionField,
    scoped_organisation_field,
)
from shouhou.core.auth import acting_user
from shouhou.customers.selectors import customers_visible_to, sites_visible_to


class ProductModelSerializer(serializers.ModelSerializer):
    product_type: serializers.Field = serializers.StringRelatedField()
    brand: serializers.Field = serializers.StringRelatedField()

    class Meta:
        model = ProductModel
        fields = ["id", "product_type", "brand", "name", "warranty_months", "warranty_starts_from"]


class EquipmentSerializer(serializers.ModelSerializer):
    product_model = ProductModelSerializer(read_only=True)
    coverage = serializers.SerializerMethodField()

    class Meta:
        model = Equipment
        fields = [
            "id",
            "serial",
            "product_model",
            "customer",
            "site",
            "organisation",
            "region",
            "serving_provider",
            "purchased_on",
            "installed_on",
            "has_purchase_proof",
            "warranty_months",
            "warranty_ends_on",
            "coverage",
            "status",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_coverage(self, equipment: Equipment) -> str | None:
        """Only on a single unit: the list stays one query per page."""
        if self.context.get("view") is not None and self.context["view"].action == "retrieve":
            return str(selectors.equipment_coverage(equipment=equipment).status)
        return None


class EquipmentInputSerializer(serializers.ModelSerializer):
    product_model = serializers.PrimaryKeyRelatedField(
        queryset=ProductModel.objects.filter(is_active=True)
    )
    customer = ScopedRelatedField(selector=customers_visible_to)
    site = ScopedRelatedField(selector=sites_visible_to, required=False, allow_null=True)
    serving_provider = scoped_organisation_field(required=False, allow_null=True)
    version = VersionField(required=False)

    class Meta:
        model = Equipment
        fields = [
            "serial",
            "product_model",
            "customer",
            "site",
            "serving_provider",
            "purchased_on",
            "installed_on",
            "has_purchase_proof",
            "warranty_months",
            "status",
            "notes",
            "version",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": ["This field is required when updating."]}
            )
        return attrs


class EquipmentViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    """Installed equipment the caller may see (owned in their subtree or served by them)."""

    selector = staticmethod(selectors.equipment_visible_to)
    serializer_class = EquipmentSerializer
    input_serializer_class = EquipmentInputSerializer
    filterset_class = EquipmentFilter

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.register_equipment(by=acting_user(self.request), **data)

    def update_object(self, instance: Any, data: dict[str, Any], version: int) -> Model:
        return services.update_equipment(
            equipment=instance, by=acting_user(self.request), expected_version=version, **data
        )
