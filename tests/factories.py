"""factory_boy factories for the whole project; tests build exactly the rows they need."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from missions.choices import AreaType, ElectionType
from missions.models import Mission, PollingStation, Region, Tec
from observers.choices import Gender, MemberRole, MemberStatus, TeamKind
from observers.models import Follower, Membership, Observer, Team, TeamMember


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def finish(self, create, extracted, **kwargs):
        self.save()

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test mission {n}")
    slug = factory.Sequence(lambda n: f"test-mission-{n}")
    host_country = "KZ"
    election_type = ElectionType.EARLY_PRESIDENTIAL
    election_day = datetime.date(2019, 6, 9)
    opening_date = datetime.date(2019, 5, 2)
    closing_date = datetime.date(2019, 6, 30)
    time_zone = "Asia/Almaty"
    local_languages = ["ru", "kk"]
    candidates = ["Candidate A", "Candidate B", "Candidate C"]


def kazakhstan_2019() -> Mission:
    """The mission most tests run in (the `mission` fixture)."""
    return MissionFactory(slug="kz-2019", name="Kazakhstan 2019")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class TecFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tec

    region = factory.SubFactory(RegionFactory)
    mission = factory.SelfAttribute("region.mission")
    code = factory.Sequence(lambda n: f"TEC{n:03d}")
    name = factory.Sequence(lambda n: f"District {n}")


class PollingStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PollingStation

    tec = factory.SubFactory(TecFactory)
    region = factory.SelfAttribute("tec.region")
    mission = factory.SelfAttribute("tec.mission")
    number = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.LazyAttribute(lambda o: f"School {o.number}")
    address = factory.LazyAttribute(lambda o: f"{o.number} Main Street")
    area_type = AreaType.URBAN
    registered_voters = 1200


class ObserverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observer

    mission = factory.SubFactory(MissionFactory)
    full_name = factory.Sequence(lambda n: f"Observer {n}")
    gender = Gender.FEMALE
    nationality = "DE"
    email = factory.Sequence(lambda n: f"observer{n}@example.org")
    phone = "+49 30 1234567"
    passport_number = factory.Sequence(lambda n: f"P{n:07d}")
    date_of_birth = datetime.date(1980, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    mission = factory.SubFactory(MissionFactory)
    # A person's record belongs to the mission of their membership.
    observer = factory.SubFactory(ObserverFactory, mission=factory.SelfAttribute("..mission"))
    role = MemberRole.STO
    status = MemberStatus.ACCREDITED


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    mission = factory.SubFactory(MissionFactory)
    kind = TeamKind.STO
    code = factory.Sequence(lambda n: f"STO-{n + 1:03d}")


def team_with_members(
    *, mission, kind=TeamKind.STO, code=None, nationalities=("DE", "FR"), users=(None, None), **extra
):
    """A valid team of two in a mission, with observers of the given nationalities (and optional user accounts)."""
    role = MemberRole.LTO if kind == TeamKind.LTO else MemberRole.STO
    team = TeamFactory(mission=mission, kind=kind, **({"code": code} if code else {}), **extra)
    genders = (Gender.FEMALE, Gender.MALE)
    for index, nationality in enumerate(nationalities):
        observer = ObserverFactory(
            mission=mission, nationality=nationality, gender=genders[index % 2], user=users[index]
        )
        membership = MembershipFactory(mission=mission, observer=observer, role=role)
        TeamMember.objects.create(team=team, membership=membership)
    return team


def core_team_user(mission, username, core_function="", *, role=MemberRole.CORE_TEAM, nationality="SE"):
    """A user holding a core team role in one mission: the function decides coordinator, analyst or other core."""
    user = UserFactory(username=username)
    MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user, nationality=nationality),
        role=role,
        core_function=core_function if role == MemberRole.CORE_TEAM else "",
    )
    return user


def odihr_staff(username, *missions):
    """An ODIHR staff account following the given missions (read-only, published report runs only)."""
    user = UserFactory(username=username)
    for mission in missions:
        Follower.objects.get_or_create(mission=mission, user=user)
    return user
