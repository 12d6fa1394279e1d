"""The permission groups and what each may do in the coordinators' admin."""

from django.contrib.auth.models import Group, Permission

from .choices import RoleGroup

# app_label -> actions, per group. Observers (LTO, STO) get no admin permissions at all.
GROUP_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    RoleGroup.COORDINATOR: {
        "missions": ("add", "change", "delete", "view"),
        "observers": ("add", "change", "delete", "view"),
        "deployment": ("add", "change", "delete", "view"),
        "checklists": ("add", "change", "delete", "view"),
        "submissions": ("change", "view"),
        "reports": ("add", "view"),
        "results": ("add", "view"),
        # API tokens are issued by superusers only: a token admin lists every user's key.
    },
    RoleGroup.ANALYST: {
        "missions": ("view",),
        "checklists": ("view",),
        "submissions": ("view",),
        "reports": ("add", "change", "view"),
        "results": ("view",),
    },
    RoleGroup.LTO: {},
    RoleGroup.STO: {},
    # ODIHR staff read published runs through the report pages; the admin would show embargoed rows.
    RoleGroup.ODIHR_STAFF: {},
}

# Groups whose members may never enter the coordinators' admin, whatever flags their account carries.
OBSERVER_GROUPS = frozenset({RoleGroup.LTO, RoleGroup.STO})


def roles_setup() -> dict[str, Group]:
    """Create the groups and (re)assign their permissions; safe to run any number of times."""
    groups = {}
    for name, apps in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Permission.objects.none()
        for app_label, actions in apps.items():
            codename_prefixes = [f"{action}_" for action in actions]
            for_app = Permission.objects.filter(content_type__app_label=app_label)
            for prefix in codename_prefixes:
                wanted = wanted | for_app.filter(codename__startswith=prefix)
        group.permissions.set(wanted.distinct())
        groups[name] = group
    return groups
