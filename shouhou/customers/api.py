from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework import serializers

from shouhou.core.api import (
    ScopedRelatedField,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
    VersionField,
    scoped_organisation_field,
)
from shouhou.core.auth import acting_user
from shouhou.core.models import Region
from shouhou.customers import selectors, services
from shouhou.customers.filters import CustomerFilter, SiteFilter
from shouhou.customers.models import Contact, Customer, Site


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "title", "phone", "email", "is_primary"]


class CustomerSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "grade",
            "is_target",
            "source",
            "phone",
            "email",
            "address",
            "region",
            "organisation",
            "notes",
            "contacts",
            "version",
            "created_at",
            "updated_at",
        ]


class CustomerInputSerializer(serializers.ModelSerializer):
    organisation = scoped_organisation_field()
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )
    version = VersionField(required=False)

    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "kind",
            "grade",
            "is_target",
            "source",
            "phone",
            "email",
            "address",
            "region",
            "organisation",
            "notes",
            "version",
        ]
        extra_kwargs = {"code": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": ["This field is required when updating."]}
            )
        return attrs


class CustomerViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    """Customers the caller may see; writes go through the customer services."""

    selector = staticmethod(selectors.customers_visible_to)
    serializer_class = CustomerSerializer
    input_serializer_class = CustomerInputSerializer
    filterset_class = CustomerFilter

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("contacts")

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.create_customer(by=acting_user(self.request), **data)

    def update_object(self, instance: Any, data: dict[str, Any], version: int) -> Model:
        return services.update_customer(
            customer=instance, by=acting_user(self.request), expected_version=version, **data
        )


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = [
            "id",
            "customer",
            "name",
            "address",
            "region",
            "zone",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
            "version",
        ]


class SiteInputSerializer(serializers.ModelSerializer):
    customer = ScopedRelatedField(selector=selectors.customers_visible_to)
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )
    version = VersionField(required=False)

    class Meta:
        model = Site
        fields = [
            "customer",
            "name",
            "address",
            "region",
            "zone",
            "latitude",
            "longitude",
            "contact_name",
            "contact_phone",
            "version",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            if "version" not in attrs:
                raise serializers.ValidationError(
                    {"version": ["This field is required when updating."]}
                )
            if "customer" in attrs and attrs["customer"] != self.instance.customer:
                raise serializers.ValidationError(
                    {"customer": ["A site cannot move to another customer."]}
                )
            attrs.pop("customer", None)
        return attrs


class SiteViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    selector = staticmethod(selectors.sites_visible_to)
    serializer_class = SiteSerializer
    input_serializer_class = SiteInputSerializer
    filterset_class = SiteFilter

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.create_site(by=acting_user(self.request), **data)

    def update_object(self, instance: Any, data: dict[str, Any], version: int) -> Model:
        return services.update_site(
            site=instance, by=acting_user(self.request), expected_version=version, **data
        )
