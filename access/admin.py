"""The coordinators' admin, scoped by the access layer: every list, form, choice, filter and action.

A model admin hooks in by subclassing ``ScopedAdmin`` (inlines: ``ScopedInline``). Its rows, what the user may do
with them, and every foreign-key and many-to-many choice come from ``access.rules`` for the user's role in each
row's mission; Django's global permissions and groups carry no mission rights here.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from .actors import actors_for
from .rules import (
    admin_visible_to,
    can_add,
    can_change,
    can_delete,
    deletable_by,
    kind_of,
    may_read_kind,
    writable_by,
)


def admin_actors(request):
    """The user's Actors in every mission where they hold a role, once per request."""
    return actors_for(request.user)


def may_use_admin(request) -> bool:
    """Superusers, and anyone who holds a core team role (or head of mission) in some mission."""
    user = request.user
    if not user.is_active or not user.is_authenticated:
        return False
    return user.is_superuser or any(actor.sees_whole_mission for actor in admin_actors(request))


class ScopedRelatedFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """A relation filter offering the related rows the user may open: a read of the related table (a few rows),
    where RelatedOnlyFieldListFilter scans every listed row for the values it holds (100,000 forms on election night).
    """

    def field_choices(self, field, request, model_admin):
        if kind_of(field.related_model) is None:
            return super().field_choices(field, request, model_admin)
        rows = admin_visible_to(admin_actors(request), field.related_model)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows]


class ScopedChoicesMixin:
    """Every foreign-key and many-to-many choice list offers only rows the user may write."""

    def _scoped_choices(self, request, db_field):
        related = db_field.related_model
        if kind_of(related) is None:
            if request.user.is_superuser:
                return None
            return related._default_manager.none()  # users, tokens, ...: superusers only
        return writable_by(admin_actors(request), related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = self._scoped_choices(request, db_field)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = self._scoped_choices(request, db_field)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Rows of missions where the user holds no role with rights to this kind are invisible; superusers see all."""

    def get_queryset(self, request):
        return admin_visible_to(admin_actors(request), super().get_queryset(request))

    # -- what the user may do: their role in the row's mission decides, never a global permission
    def has_module_permission(self, request):
        return may_read_kind(admin_actors(request), self.model, "view")

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return may_read_kind(admin_actors(request), self.model, "view")
        return admin_visible_to(admin_actors(request), self.model).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return can_add(admin_actors(request), self.model)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return may_read_kind(admin_actors(request), self.model, "change")
        return can_change(admin_actors(request), obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return may_read_kind(admin_actors(request), self.model, "delete")
        return can_delete(admin_actors(request), obj)

    def get_list_filter(self, request):
        """Relation filters offer only values found in the user's (scoped) rows, never other missions'."""
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry and self.model._meta.get_field(entry).is_relation:
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def get_search_results(self, request, queryset, search_term):
        """Autocomplete asks the admin of the related model: it answers only with rows the user may write."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/") and not request.user.is_superuser:
            queryset = queryset & writable_by(admin_actors(request), self.model)
        return queryset, may_have_duplicates

    def delete_queryset(self, request, queryset):
        """Bulk deletion touches only rows the user may delete, whatever ids the form sent."""
        super().delete_queryset(request, deletable_by(admin_actors(request), queryset))

    def _require_in_scope(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404("No such row in your missions.")

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class ScopedInline(ScopedChoicesMixin):
    """An inline showing only the rows the user may see, editable where they may change them."""

    def get_queryset(self, request):
        return admin_visible_to(admin_actors(request), super().get_queryset(request))

    def get_formset(self, request, obj=None, **kwargs):
        """Each row deleted or changed is asked about on its own: the parent's permission is not the row's (a
        coordinator may edit the head of mission's person, never delete their membership)."""
        formset = super().get_formset(request, obj, **kwargs)
        actors = admin_actors(request)

        class RowScopedFormSet(formset):
            def clean(self):
                super().clean()
                for form in self.initial_forms:
                    row = form.instance
                    if row.pk is None:
                        continue
                    if self.can_delete and self._should_delete_form(form):
                        if not can_delete(actors, row):
                            raise ValidationError(_("You may not delete %(row)s.") % {"row": row})
                    elif form.has_changed() and not can_change(actors, row):
                        raise ValidationError(_("You may not change %(row)s.") % {"row": row})

        RowScopedFormSet.__name__ = formset.__name__
        return RowScopedFormSet

    def has_view_permission(self, request, obj=None):
        return may_read_kind(admin_actors(request), self.model, "view")

    def has_add_permission(self, request, obj=None):
        if obj is not None and not can_change(admin_actors(request), obj):
            return False
        return can_add(admin_actors(request), self.model)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not can_change(admin_actors(request), obj):
            return False
        return may_read_kind(admin_actors(request), self.model, "change")

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not can_change(admin_actors(request), obj):
            return False
        return may_read_kind(admin_actors(request), self.model, "delete")


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    """A tabular inline under the access layer."""


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    """A stacked inline under the access layer."""
