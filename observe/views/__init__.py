"""The observers' site: thin views that find the Actor, call selectors and services, and render.

Every mission page asks the access layer (``access.actor_for``) who the user is in that mission: STOs see their own
team, LTOs their area, the core team everything; anyone else gets 404 (what a user may not see answers exactly as what
does not exist).
"""

from observe.views.area import incidents, incidents_feed, lto_area, team_detail
from observe.views.forms import form_new, station_search, submission_edit
from observe.views.home import home, offline, service_worker
from observe.views.submissions import submission_collection, submission_detail

__all__ = [
    "form_new",
    "home",
    "incidents",
    "incidents_feed",
    "lto_area",
    "offline",
    "service_worker",
    "station_search",
    "submission_collection",
    "submission_detail",
    "submission_edit",
    "team_detail",
]
