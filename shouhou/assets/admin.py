from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shouhou.assets import services
from shouhou.assets.models import Brand, Equipment, ProductModel, ProductType
from shouhou.core.auth import acting_user


@admin.register(ProductType)
class ProductTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "brand",
        "product_type",
        "warranty_months",
        "warranty_starts_from",
        "is_active",
    ]
    list_filter = ["product_type", "brand", "is_active"]
    search_fields = ["name", "brand__name"]
    autocomplete_fields = ["brand", "product_type"]

    def save_model(self, request: HttpRequest, obj: ProductModel, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and {"warranty_months", "warranty_starts_from"} & set(form.changed_data):
            services.recompute_warranty_for_model(product_model=obj, by=acting_user(request))


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["serial", "product_model", "customer", "region", "warranty_ends_on", "status"]
    list_filter = ["status"]
    search_fields = ["serial"]
    autocomplete_fields = [
        "product_model",
        "customer",
        "site",
        "organisation",
        "region",
        "serving_provider",
    ]
    readonly_fields = ["organisation", "region", "warranty_ends_on", "version"]
    list_select_related = ["product_model__brand", "customer", "region"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Edits go through the equipment pages so that derived fields and the audit log stay right.
        if obj is not None:
            return [field.name for field in Equipment._meta.fields]
        return super().get_readonly_fields(request, obj)
