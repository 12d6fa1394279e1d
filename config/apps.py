from django.contrib.admin.apps import AdminConfig


class MissionAdminConfig(AdminConfig):
    default_site = "config.admin.MissionAdminSite"
