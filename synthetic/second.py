"""A second, small demo mission, so that isolation between missions is visible and testable by anyone.

Kyrgyzstan's early parliamentary elections of 2021 in miniature (fictional people and stations): three regions,
a TEC in each, four polling stations per region numbered from 1 in each region, one LTO team and two STO teams,
its own head of mission, coordinator, analyst, LTO and STO. One person serves on both demo missions with different
roles: the Kazakhstan mission's LTO coordinator (login ``coordinator``) is a long-term observer here, and a
coordinator of one mission has no coordinator's rights in the other. Running it again changes nothing.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from access import Role, system_actor
from missions.choices import AreaType, ElectionType, MissionStatus, RegionKind
from missions.models import Mission, PollingStation, Region, Tec
from observers.choices import CoreFunction, Gender, MemberRole, MemberStatus, TeamKind
from observers.models import Membership, Observer, Team, TeamMember

SECOND_SLUG = "kg-2021"
SECOND_PASSWORD = "observe-kz-2019"  # noqa: S105 -- demo database only, the same as the first demo mission's

SECOND_REGIONS = [
    # code, name, kind, TEC code, TEC name, voters per station
    ("BIS", "Bishkek", RegionKind.CITY, "BIS-01", "Bishkek city TEC", 1900),
    ("CHU", "Chuy", RegionKind.REGION, "CHU-01", "Chuy oblast TEC", 1400),
    ("OSH", "Osh", RegionKind.REGION, "OSH-01", "Osh oblast TEC", 1200),
]
STATIONS_PER_REGION = 4

# username (None: a roster entry without a login), full name, gender, nationality, role, core function, team
SECOND_PEOPLE = [
    ("hom2", "Ingrid Halvorsen", Gender.FEMALE, "NO", MemberRole.HEAD_OF_MISSION, "", None),
    ("coordinator2", "Tomasz Wieczorek", Gender.MALE, "PL", MemberRole.CORE_TEAM, CoreFunction.LTO_COORDINATOR, None),
    ("analyst2", "Chiara Bellandi", Gender.FEMALE, "IT", MemberRole.CORE_TEAM, CoreFunction.STATISTICAL_ANALYST, None),
    ("lto2", "Pieter de Wit", Gender.MALE, "NL", MemberRole.LTO, "", "KG-LTO-01"),
    ("sto2", "Aoife Byrne", Gender.FEMALE, "IE", MemberRole.STO, "", "KG-STO-01"),
    (None, "Lukas Gruber", Gender.MALE, "AT", MemberRole.STO, "", "KG-STO-01"),
    (None, "Marta Svensson", Gender.FEMALE, "SE", MemberRole.STO, "", "KG-STO-02"),
    (None, "Jean Moreau", Gender.MALE, "FR", MemberRole.STO, "", "KG-STO-02"),
]
# The person serving on both demo missions: the first mission's LTO coordinator is an LTO here, in KG-LTO-01.
SHARED_USERNAME = "coordinator"
SHARED_TEAM = "KG-LTO-01"

SECOND_USERS = [
    # username, role in the second mission, description
    ("hom2", Role.HEAD_OF_MISSION, "Head of mission of Kyrgyzstan 2021"),
    ("coordinator2", Role.COORDINATOR, "LTO coordinator of Kyrgyzstan 2021"),
    ("analyst2", Role.ANALYST, "Statistical analyst of Kyrgyzstan 2021"),
    ("lto2", Role.LTO, "Long-term observer in KG-LTO-01 (Kyrgyzstan 2021)"),
    ("sto2", Role.STO, "Short-term observer in KG-STO-01 (Kyrgyzstan 2021)"),
    (SHARED_USERNAME, Role.LTO, "also a long-term observer in KG-LTO-01 of Kyrgyzstan 2021 (serves on both missions)"),
]


def _email(full_name: str) -> str:
    return full_name.lower().replace(" ", ".") + ".kg2021@observers.example"


def _mission() -> Mission:
    mission, _ = Mission.objects.get_or_create(
        slug=SECOND_SLUG,
        defaults={
            "name": "Kyrgyzstan, early parliamentary elections 2021",
            "host_country": "KG",
            "election_type": ElectionType.PARLIAMENTARY,
            "election_day": datetime.date(2021, 11, 28),
            "opening_date": datetime.date(2021, 10, 20),
            "lto_deployment_date": datetime.date(2021, 10, 27),
            "sto_arrival_date": datetime.date(2021, 11, 25),
            "closing_date": datetime.date(2021, 12, 10),
            "status": MissionStatus.DEPLOYED,
            "time_zone": "Asia/Bishkek",
            "local_languages": ["ru", "ky"],
            "candidates": ["Party Ata-Jurt", "Party Ishenim", "Party Yntymak"],
            "ltos_requested": 4,
            "stos_requested": 4,
        },
    )
    return mission


def _geography(mission: Mission) -> dict[str, Region]:
    regions = {}
    for code, name, kind, tec_code, tec_name, voters in SECOND_REGIONS:
        region, _ = Region.objects.get_or_create(mission=mission, code=code, defaults={"name": name, "kind": kind})
        tec, _ = Tec.objects.get_or_create(
            mission=mission, code=tec_code, defaults={"region": region, "name": tec_name}
        )
        for number in range(1, STATIONS_PER_REGION + 1):
            PollingStation.objects.get_or_create(
                mission=mission,
                region=region,
                number=str(number),
                defaults={
                    "tec": tec,
                    "name": f"School No. {number}, {name}",
                    "address": f"{number} Chui Avenue, {name}",
                    "area_type": AreaType.URBAN if kind == RegionKind.CITY or number <= 2 else AreaType.RURAL,
                    "registered_voters": voters + 25 * number,
                },
            )
        regions[code] = region
    return regions


def _people(mission: Mission) -> None:
    user_model = get_user_model()
    teams: dict[str, list[Membership]] = {}
    for username, full_name, gender, nationality, role, function, team_code in SECOND_PEOPLE:
        observer, _ = Observer.objects.get_or_create(
            mission=mission,
            email=_email(full_name),
            defaults={"full_name": full_name, "gender": gender, "nationality": nationality, "phone": "+996 555 0100"},
        )
        membership, _ = Membership.objects.get_or_create(
            mission=mission,
            observer=observer,
            defaults={"role": role, "core_function": function, "status": MemberStatus.DEPLOYED},
        )
        if username is not None:
            user, created = user_model.objects.get_or_create(username=username)
            if created:
                user.set_password(SECOND_PASSWORD)
                user.save()
            if observer.user_id is None and not Observer.objects.filter(user=user, mission=mission).exists():
                observer.user = user
                observer.save(update_fields=["user"])
        if team_code:
            teams.setdefault(team_code, []).append(membership)
    membership = _shared_person(mission)
    if membership is not None:
        teams.setdefault(SHARED_TEAM, []).append(membership)
    _teams(mission, teams)


def _shared_person(mission: Mission) -> Membership | None:
    """The first mission's LTO coordinator as this mission records them: this mission's own record of the person,
    linked to the same login (as a superuser links it), so one sign-in opens both missions with a role in each."""
    user = get_user_model().objects.filter(username=SHARED_USERNAME).first()
    if user is None:
        return None
    elsewhere = Observer.objects.filter(user=user).exclude(mission=mission).order_by("pk").first()
    if elsewhere is None or elsewhere.nationality == mission.host_country:
        return None
    observer, _ = Observer.objects.get_or_create(
        mission=mission,
        user=user,
        defaults={
            "full_name": elsewhere.full_name,
            "gender": elsewhere.gender,
            "nationality": elsewhere.nationality,
            "email": elsewhere.email,
            "phone": elsewhere.phone,
        },
    )
    membership, _ = Membership.objects.get_or_create(
        mission=mission, observer=observer, defaults={"role": MemberRole.LTO, "status": MemberStatus.DEPLOYED}
    )
    return membership


def _teams(mission: Mission, teams: dict[str, list[Membership]]) -> None:
    regions = {region.code: region for region in Region.objects.filter(mission=mission)}
    lto_team = None
    for code in sorted(teams):
        kind = TeamKind.LTO if "LTO" in code else TeamKind.STO
        team, created = Team.objects.get_or_create(
            mission=mission,
            code=code,
            defaults={"kind": kind, "base_city": "Bishkek" if kind == TeamKind.LTO else "", "lto_team": lto_team},
        )
        if created:
            TeamMember.objects.bulk_create([TeamMember(team=team, membership=m) for m in teams[code][:2]])
        if kind == TeamKind.LTO:
            lto_team = team
            if created:
                team.area_regions.set(regions.values())
    if lto_team is not None:
        Team.objects.filter(mission=mission, kind=TeamKind.STO, lto_team__isnull=True).update(lto_team=lto_team)


@transaction.atomic
def second_mission_seed() -> Mission:
    """Create (or complete) the second demo mission; running it again changes nothing."""
    from checklists.services import checklists_load_standard
    from deployment.services import deployment_plan

    mission = _mission()
    _geography(mission)
    _people(mission)
    checklists_load_standard(mission=mission)
    if not mission.assignments.exists():
        deployment_plan(actor=system_actor(mission), mission=mission, seed=2021, route_length=3)
    return mission
