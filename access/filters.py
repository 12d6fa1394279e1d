"""The API's list filters, scoped: a filter naming a row (a mission slug, a region, team or person id) accepts only
rows the user may see, so another mission's slug or id gets the same answer as one that does not exist.

Every FilterSet of the product derives from ``ScopedFilterSet``; a new filter on a relation is scoped by itself.
"""

from __future__ import annotations

import django_filters

from .actors import actors_for
from .rules import visible_to


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose relation filters offer only the rows the requesting user may see."""

    # The mission list and report runs are also read by ODIHR staff following a mission.
    followers_may_filter = False

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        actors = actors_for(user, followers=self.followers_may_filter) if user is not None else []
        for declared in self.filters.values():
            if isinstance(declared, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                base = declared.queryset
                if callable(base):
                    base = base(request)
                declared.queryset = visible_to(actors, base)

    def actors(self):
        user = getattr(self.request, "user", None)
        return actors_for(user, followers=self.followers_may_filter) if user is not None else []
