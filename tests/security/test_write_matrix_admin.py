"""Every admin form and inline, for every role of both missions: the admin's add and change forms of each model as
the table in test_write_matrix.py allows them (ADMIN_WRITES), forged ids of the other mission in every id field of a
form, and every inline's first row posted with its id fields pointing at the other mission. The database is compared
before and after each request, as in test_write_matrix.py, whose walk and fixtures these tests share.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from tests.security.test_write_matrix import (
    ADMIN_WRITES,
    COORDINATING,
    UNKNOWN_ID,
    Attempt,
    _client,
    _refused,
    _tried,
)
from tests.security.two_missions import ROLES, Side, home, role_name

# No module-wide database mark: the tests that use the database have it through `two` (built once for the module);
# the inline table's check reads only the admin's registry.


# ------------------------------------------------------------------------------------------------ the admin


def _admin_form_data(model_admin, obj, *, side: Side) -> dict:
    """The POST body of an admin add or change form as a superuser would send it, inline management forms included."""
    from django.contrib.auth import get_user_model

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.filter(is_superuser=True).first()
    form_class = model_admin.get_form(request, obj, change=obj is not None)
    values = model_to_dict(obj) if obj is not None else {}
    data: dict = {}
    for name, field in form_class.base_fields.items():
        value = values.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, dict | list):
            data[name] = json.dumps(value)
        else:
            data[name] = getattr(value, "pk", value)
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)
        prefix = formset.get_default_prefix()
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0"})
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return data


def _admin_ids(side: Side) -> dict:
    return {
        "mission": side.mission.pk,
        "region": side.region.pk,
        "tec": side.tec.pk,
        "team": side.sto_team.pk,
        "lto_team": side.lto_team.pk,
        "observer": side.spares[0].observer_id,
        "membership": side.spares[0].pk,
        "polling_station": side.station.pk,
        "tabulation_tec": side.tec.pk,
        "area_regions": [side.region.pk],
        "tecs": [side.tec.pk],
        "head_of_mission": side.memberships["hom"].observer_id,
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_uses_the_admin_forms_only_where_the_table_allows(two, role):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", "root@example.org", "correct horse battery")
    problems, checked = [], 0
    client = _client(two, role)
    own, other = two.side(home(role)), two.other(home(role))
    for label, rule in ADMIN_WRITES.items():
        model = next(m for m in admin.site._registry if m._meta.label_lower == label)
        model_admin = admin.site._registry[model]
        opts = model._meta
        views = [("add", None, rule.adding)]
        if rule.row is not None:
            views.append(("change", rule.row(own), rule.changing))
        for view, obj, allowed_roles in views:
            allowed = role_name(role) in allowed_roles
            args = [obj.pk] if obj is not None else []
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
            data = _admin_form_data(model_admin, obj, side=own)
            response, body, changed = _tried(client, Attempt("post", url, data))
            checked += 1
            where = f"{role:>13} admin {label} {view}"
            if response.status_code >= 500:
                problems.append(f"{where}: server error")
            elif allowed and (_refused(response) or response.status_code == 302 and "/login/" in response.url):
                problems.append(f"{where}: refused with {response.status_code} but should get in")
            elif not allowed and response.status_code == 200 and "errornote" not in body:
                problems.append(f"{where}: got the form but should be refused")
            elif not allowed and response.status_code == 302 and "/login/" not in response.url:
                problems.append(f"{where}: saved ({response.url}) but should be refused")
            if other.mission.pk in changed:
                problems.append(f"{where}: changed the other mission")
            if not allowed and changed:
                problems.append(f"{where}: refused, yet changed the database")
            # Forged ids of the other mission in every id field the form has.
            mine, theirs = _admin_ids(own), _admin_ids(other)
            for field_name in [name for name in data if name in mine]:
                forged = {**data, field_name: theirs[field_name]}
                unknown = {**data, field_name: [UNKNOWN_ID] if isinstance(mine[field_name], list) else UNKNOWN_ID}
                forged_response, forged_body, forged_changed = _tried(client, Attempt("post", url, forged))
                unknown_response, unknown_body, _ = _tried(client, Attempt("post", url, unknown))
                checked += 1
                where = f"{role:>13} admin {label} {view} (forged {field_name})"
                if forged_changed:
                    problems.append(f"{where}: changed the database")
                if role != "odihr" and forged_response.status_code != unknown_response.status_code:
                    problems.append(
                        f"{where}: {forged_response.status_code}, an unknown id {unknown_response.status_code}"
                    )
    assert checked > 300 / len(ROLES)
    assert not problems, f"{len(problems)} of {checked} admin writes are wrong:\n" + "\n".join(problems)


# ------------------------------------------------------------------------------------------------ admin inlines
# Every model admin with inlines, and the row of the acting role's mission whose change form holds them (with rows in
# each inline that has a foreign key to forge). Checklists: a draft, since a published version's rows are read-only.
INLINE_PARENTS: dict[str, Callable[[Side], object]] = {
    "observers.observer": lambda s: s.spares[0].observer,  # memberships (mission), languages
    "observers.team": lambda s: s.sto_team,  # seats (membership)
    "deployment.teamassignment": lambda s: s.sto_team.assignment,  # visits (polling station)
    "checklists.formtemplate": lambda s: _draft(s),  # sections, questions (section), data rules
    "submissions.submission": lambda s: s.submission,  # revisions: read-only for everyone
}
INLINE_ROLES = ("a_coordinator", "b_hom", "a_analyst", "b_odihr")


def _draft(side: Side):
    from checklists.models import FormTemplate
    from checklists.services import template_new_version

    draft = FormTemplate.objects.filter(mission=side.mission, status="draft").first()
    return draft or template_new_version(template=side.template)


def _superuser_request():
    from django.contrib.auth import get_user_model

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.filter(is_superuser=True).first()
    return request


def _form_value(field, value):
    value = field.prepare_value(value)
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [getattr(item, "pk", item) for item in value]
    return getattr(value, "pk", value)


def _inline_rows(model_admin, obj) -> tuple[dict, list[tuple[str, object]]]:
    """The inline part of a change form as a superuser posts it, every existing row included; and the id fields of
    those rows that name another kind of object: (form field name, related model)."""
    from django.forms.models import InlineForeignKeyField, ModelChoiceField

    request = _superuser_request()
    data: dict = {}
    forgeable: list[tuple[str, object]] = []
    for inline in model_admin.get_inline_instances(request, obj):
        formset_class = inline.get_formset(request, obj)
        prefix = formset_class.get_default_prefix()
        formset = formset_class(instance=obj, prefix=prefix, queryset=inline.get_queryset(request))
        rows = formset.initial_forms
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": str(len(rows)),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        pk_name = formset.model._meta.pk.name
        for index, form in enumerate(rows):
            for name, field in form.fields.items():
                if name == "DELETE":
                    continue
                value = _form_value(field, form[name].value())
                if value is not None:
                    data[form.add_prefix(name)] = value
                relation = isinstance(field, ModelChoiceField) and not isinstance(field, InlineForeignKeyField)
                if relation and name != pk_name and index == 0:  # the first row stands for the others
                    forgeable.append((form.add_prefix(name), field.queryset.model))
    return data, forgeable


def _id_in(model, side: Side):
    """Any row of `model` in the given side's mission."""
    from access.rules import KINDS

    lookup = KINDS[model._meta.label_lower].mission
    return model._default_manager.filter(**{lookup: side.mission.pk}).values_list("pk", flat=True).first()


def test_every_admin_inline_with_rows_has_a_parent_here():
    registry = admin.site._registry
    with_inlines = {model._meta.label_lower for model, model_admin in registry.items() if model_admin.inlines}
    assert with_inlines == set(INLINE_PARENTS)


def test_no_admin_inline_row_takes_an_id_of_the_other_mission(two):
    """The first existing row of each inline, posted with one id field pointing at the other mission's row: refused as
    an id never issued is, and nothing changes. The same form posted unforged saves, for those who may change it."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", "root@example.org", "correct horse battery")
    problems, checked, forged_fields = [], 0, set()
    for role in INLINE_ROLES:
        client = _client(two, role)
        own, other = two.side(home(role)), two.other(home(role))
        for label, parent in INLINE_PARENTS.items():
            model = next(m for m in admin.site._registry if m._meta.label_lower == label)
            model_admin = admin.site._registry[model]
            obj = parent(own)
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
            rows, forgeable = _inline_rows(model_admin, obj)
            data = {**_admin_form_data(model_admin, obj, side=own), **rows}
            may_change = role_name(role) in COORDINATING and label != "submissions.submission"
            response, body, changed = _tried(client, Attempt("post", url, data))
            if may_change and response.status_code != 302:
                problems.append(f"{role} {label}: the unforged form does not save ({response.status_code})")
            if other.mission.pk in changed:
                problems.append(f"{role} {label}: the unforged form changed the other mission")
            for field_name, related in forgeable:
                theirs = _id_in(related, other)
                if theirs is None:
                    continue
                forged, forged_body, forged_changed = _tried(client, Attempt("post", url, {**data, field_name: theirs}))
                unknown, _body, _changed = _tried(client, Attempt("post", url, {**data, field_name: UNKNOWN_ID}))
                checked += 1
                forged_fields.add(f"{label} {field_name.split('-')[0]}-{field_name.split('-')[-1]}")
                where = f"{role} {label} {field_name} = the other mission's {related._meta.model_name}"
                if forged_changed:
                    problems.append(f"{where}: changed the database ({forged.status_code})")
                if forged.status_code != unknown.status_code:
                    problems.append(f"{where}: {forged.status_code}, an unknown id {unknown.status_code}")
                if may_change and forged.status_code == 302:
                    problems.append(f"{where}: saved")
            if label == "observers.observer":
                # A membership's mission is the record's own and no form field: a posted one is ignored.
                smuggled = {**data, "memberships-0-mission": other.mission.pk}
                _response, _body, smuggled_changed = _tried(client, Attempt("post", url, smuggled))
                checked += 1
                if other.mission.pk in smuggled_changed:
                    problems.append(f"{role} {label}: a posted membership mission changed the other mission")
    # Every inline id field was forged: the seats' membership, the visits' station and the questions' section (a
    # change to this list means an inline gained or lost an id field: look at it). A person's memberships have no
    # mission field since a record belongs to its mission; posting one anyway is tried above.
    assert {name.split(" ")[1] for name in forged_fields} >= {
        "members-membership",
        "visits-polling_station",
        "questions-section",
    }, sorted(forged_fields)
    assert checked >= 16
    assert not problems, f"{len(problems)} of {checked} forged inline rows are wrong:\n" + "\n".join(problems)
