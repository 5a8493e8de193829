from __future__ import annotations

from django.contrib import admin

from shouhou.contracts.models import MaintenanceContract, ServiceLevel


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(MaintenanceContract)
class MaintenanceContractAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "starts_on", "ends_on", "service_level", "status"]
    list_filter = ["status", "kind", "service_level"]
    search_fields = ["number", "customer__name"]
    autocomplete_fields = ["customer", "organisation", "provider", "equipment"]
    readonly_fields = ["version"]
    list_select_related = ["customer", "service_level"]
    show_full_result_count = False
