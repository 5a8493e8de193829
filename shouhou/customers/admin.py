from __future__ import annotations

from django.contrib import admin

from shouhou.customers.models import Contact, Customer, Site


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "grade", "is_target", "phone", "organisation"]
    list_filter = ["grade", "kind", "is_target", "source"]
    search_fields = ["name", "code", "phone"]
    autocomplete_fields = ["organisation", "region"]
    readonly_fields = ["version"]
    inlines = [ContactInline]
    show_full_result_count = False
    list_select_related = ["organisation"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "phone", "is_primary"]
    search_fields = ["name", "phone"]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]
    show_full_result_count = False


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "address", "region", "zone"]
    list_filter = ["zone"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["customer", "region"]
    list_select_related = ["customer", "region"]
    show_full_result_count = False
