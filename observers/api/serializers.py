"""Serializers for observers, memberships and teams; personal fields only in the coordinators' serializer."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from access.api import CleanModelSerializer, ScopedMissionField, ScopedRelatedField
from missions.models import Region
from observers.choices import CoreFunction, MemberRole, TeamKind
from observers.models import PERSONAL_FIELDS, Membership, Observer, ObserverLanguage, Team


class ObserverLanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ObserverLanguage
        fields = ["language", "level"]


class ObserverSerializer(CleanModelSerializer):
    """An observer as every member of the mission sees them: no personal data."""

    nationality = serializers.CharField(max_length=2, help_text="Seconding state, ISO 3166-1 alpha-2.")
    languages = ObserverLanguageSerializer(many=True, read_only=True)

    class Meta:
        model = Observer
        fields = ["id", "full_name", "gender", "nationality", "languages"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["nationality"] = instance.nationality.code
        return data

    def validate_nationality(self, value):
        from django_countries import countries

        code = value.upper()
        if code not in dict(countries):
            raise serializers.ValidationError(
                _("'%(value)s' is not an ISO 3166-1 alpha-2 country code.") % {"value": value}
            )
        return code


class ObserverPersonalSerializer(ObserverSerializer):
    """An observer with personal data, for the coordinators of their mission.

    A new person is always added to a mission (``mission`` and ``role``): nobody is created outside every mission,
    where no coordinator could see them and any could claim them.
    """

    mission = ScopedMissionField(write_only=True, required=False, help_text="New people: the mission they join.")
    role = serializers.ChoiceField(
        choices=MemberRole.choices, write_only=True, required=False, help_text="New people: their role there."
    )
    core_function = serializers.ChoiceField(choices=CoreFunction.choices, write_only=True, required=False)

    class Meta(ObserverSerializer.Meta):
        fields = [*ObserverSerializer.Meta.fields, *PERSONAL_FIELDS, "mission", "role", "core_function"]

    def validate(self, attrs):
        joining = {name: attrs.pop(name) for name in ("role", "core_function") if name in attrs}
        mission = attrs.pop("mission", None)  # a record never moves: ignored on a change
        if self.instance is None:
            if mission is None:
                raise serializers.ValidationError({"mission": [_("A new person joins a mission: give its slug.")]})
            attrs["mission"] = mission  # the record is the mission's own; its address is checked in that roster
        attrs = super().validate(attrs)
        if self.instance is None:
            joining["mission"] = attrs.pop("mission")
            attrs["joining"] = joining
        return attrs


class ObserverReadSerializer(ObserverSerializer):
    """Documentation of a read: personal fields are present for coordinators only."""

    email = serializers.EmailField(required=False, help_text="Coordinators only.")
    phone = serializers.CharField(required=False, help_text="Coordinators only.")
    date_of_birth = serializers.DateField(required=False, allow_null=True, help_text="Coordinators only.")
    passport_number = serializers.CharField(required=False, help_text="Coordinators only.")

    class Meta(ObserverSerializer.Meta):
        fields = [*ObserverSerializer.Meta.fields, *PERSONAL_FIELDS]


class MembershipSerializer(CleanModelSerializer):
    mission = ScopedMissionField()
    observer_name = serializers.CharField(source="observer.full_name", read_only=True)
    team = serializers.SerializerMethodField(help_text="Id of the team the member sits in, if any.")

    class Meta:
        model = Membership
        fields = [
            "id",
            "mission",
            "observer",
            "observer_name",
            "role",
            "core_function",
            "status",
            "arrival_date",
            "departure_date",
            "first_mission",
            "team",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and hasattr(self.instance, "pk"):
            # A membership stays in its mission and with its person; only its role, status and dates change.
            for name in ("mission", "observer"):
                self.fields[name].read_only = True

    def get_team(self, membership) -> int | None:
        seats = list(membership.team_seats.all())
        return seats[0].team_id if seats else None


class TeamMemberSerializer(serializers.Serializer):
    membership = serializers.IntegerField(source="membership_id")
    observer = serializers.IntegerField(source="membership.observer_id")
    full_name = serializers.CharField(source="membership.observer.full_name")


class TeamSerializer(serializers.ModelSerializer):
    """A team of two; creating and changing members goes through the team rules (observers.services)."""

    mission = ScopedMissionField()
    members = TeamMemberSerializer(many=True, read_only=True)
    member_ids = ScopedRelatedField(
        many=True,
        write_only=True,
        queryset=Membership.objects.all(),
        source="new_members",
        help_text="The two membership ids of the team's members.",
    )
    area_regions = ScopedRelatedField(
        many=True, queryset=Region.objects.all(), required=False, help_text="LTO teams: region ids of the area."
    )
    lto_team = ScopedRelatedField(queryset=Team.objects.filter(kind=TeamKind.LTO), required=False, allow_null=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "mission",
            "kind",
            "code",
            "base_city",
            "area_regions",
            "lto_team",
            "locked",
            "needs_interpreter",
            "notes",
            "members",
            "member_ids",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            # Mission, kind and code identify a team: fixed once it exists.
            for name in ("mission", "kind", "code"):
                self.fields[name].read_only = True
            self.fields["member_ids"].required = False

    def validate(self, attrs):
        mission = attrs.get("mission") or getattr(self.instance, "mission", None)
        errors = {}
        for membership in attrs.get("new_members", []):
            if membership.mission_id != mission.pk:
                errors.setdefault("member_ids", []).append(f"Membership {membership.pk} is not in this mission.")
        for region in attrs.get("area_regions", []):
            if region.mission_id != mission.pk:
                errors.setdefault("area_regions", []).append(f"Region {region.pk} is not in this mission.")
        lto_team = attrs.get("lto_team")
        if lto_team is not None and lto_team.mission_id != mission.pk:
            errors["lto_team"] = [f"Team {lto_team.pk} is not in this mission."]
        kind = attrs.get("kind") or getattr(self.instance, "kind", None)
        if lto_team is not None and kind != TeamKind.STO:
            errors["lto_team"] = ["Only an STO team belongs to an LTO team's area."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
