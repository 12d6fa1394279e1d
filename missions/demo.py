"""The demo mission, shaped like ODIHR's 2019 mission to Kazakhstan: fictional people, plausible geography.

Everything is derived from a fixed seed, so every run produces the same data, and rows are keyed
(region code, TEC code, station number, observer email, team code), so a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from access import Role
from observers.choices import CoreFunction, Gender, LanguageLevel, MemberRole, MemberStatus, TeamKind
from observers.models import Follower, Membership, Observer, ObserverLanguage, Team, TeamMember

from .choices import AreaType, ElectionType, MissionStatus, RegionKind, SpecialStationType
from .models import Mission, PollingStation, Region, Tec

DEMO_SLUG = "kz-2019"
DEMO_PASSWORD = "observe-kz-2019"  # noqa: S105 -- demo database only; printed by `manage.py demo_logins`
SEED = 2019

# code, name, kind, time zone, polling stations, registered voters, centre, urban share of stations
REGIONS = [
    ("AKM", "Akmola", RegionKind.REGION, "Asia/Almaty", 660, 540_000, "Kokshetau", 0.30),
    ("AKT", "Aktobe", RegionKind.REGION, "Asia/Aqtobe", 470, 550_000, "Aktobe", 0.40),
    ("ALM", "Almaty", RegionKind.REGION, "Asia/Almaty", 1108, 1_330_000, "Taldykorgan", 0.25),
    ("ATY", "Atyrau", RegionKind.REGION, "Asia/Atyrau", 300, 360_000, "Atyrau", 0.40),
    ("VOS", "East Kazakhstan", RegionKind.REGION, "Asia/Almaty", 1010, 990_000, "Ust-Kamenogorsk", 0.35),
    ("ZHA", "Zhambyl", RegionKind.REGION, "Asia/Almaty", 560, 680_000, "Taraz", 0.30),
    ("ZAP", "West Kazakhstan", RegionKind.REGION, "Asia/Oral", 460, 440_000, "Uralsk", 0.30),
    ("KAR", "Karaganda", RegionKind.REGION, "Asia/Almaty", 880, 950_000, "Karaganda", 0.55),
    ("KUS", "Kostanay", RegionKind.REGION, "Asia/Qostanay", 700, 610_000, "Kostanay", 0.35),
    ("KZY", "Kyzylorda", RegionKind.REGION, "Asia/Qyzylorda", 300, 480_000, "Kyzylorda", 0.35),
    ("MAN", "Mangystau", RegionKind.REGION, "Asia/Aqtau", 250, 420_000, "Aktau", 0.50),
    ("PAV", "Pavlodar", RegionKind.REGION, "Asia/Almaty", 520, 550_000, "Pavlodar", 0.40),
    ("SEV", "North Kazakhstan", RegionKind.REGION, "Asia/Almaty", 560, 410_000, "Petropavlovsk", 0.25),
    ("YUZ", "Turkistan", RegionKind.REGION, "Asia/Almaty", 1050, 1_220_000, "Turkistan", 0.20),
    ("AST", "Nur-Sultan", RegionKind.CITY, "Asia/Almaty", 330, 680_000, "Nur-Sultan", 1.0),
    ("ALA", "Almaty City", RegionKind.CITY, "Asia/Almaty", 540, 1_170_000, "Almaty", 1.0),
    ("SHY", "Shymkent", RegionKind.CITY, "Asia/Almaty", 270, 570_000, "Shymkent", 1.0),
]
# Approximate latitude and longitude of each region's centre, for the demo's station coordinates.
CENTRES = {
    "AKM": (53.28, 69.39), "AKT": (50.28, 57.17), "ALM": (45.02, 78.37), "ATY": (47.10, 51.92),
    "VOS": (49.95, 82.61), "ZHA": (42.90, 71.37), "ZAP": (51.23, 51.37), "KAR": (49.80, 73.10),
    "KUS": (53.21, 63.62), "KZY": (44.85, 65.51), "MAN": (43.65, 51.16), "PAV": (52.29, 76.97),
    "SEV": (54.87, 69.15), "YUZ": (43.30, 68.25), "AST": (51.17, 71.43), "ALA": (43.24, 76.89),
    "SHY": (42.32, 69.59),
}  # fmt: skip
NEIGHBOURS = {
    "AKM": ["AST", "SEV", "KUS", "KAR", "PAV"],
    "AKT": ["KUS", "ZAP", "ATY", "MAN", "KZY", "KAR"],
    "ALM": ["ALA", "ZHA", "KAR", "VOS"],
    "ATY": ["ZAP", "MAN"],
    "VOS": ["PAV", "KAR"],
    "ZHA": ["YUZ", "KAR"],
    "KAR": ["PAV", "YUZ", "KZY", "KUS"],
    "KUS": ["SEV"],
    "KZY": ["YUZ"],
    "YUZ": ["SHY"],
}
# LTO team areas of responsibility (code, base city, regions): together they cover all 17 units once.
LTO_AREAS = [
    ("LTO-01", "Nur-Sultan", ["AST", "AKM"]),
    ("LTO-02", "Almaty", ["ALA"]),
    ("LTO-03", "Taldykorgan", ["ALM"]),
    ("LTO-04", "Shymkent", ["SHY", "YUZ"]),
    ("LTO-05", "Taraz", ["ZHA"]),
    ("LTO-06", "Kyzylorda", ["KZY"]),
    ("LTO-07", "Aktobe", ["AKT", "ZAP"]),
    ("LTO-08", "Atyrau", ["ATY", "MAN"]),
    ("LTO-09", "Karaganda", ["KAR"]),
    ("LTO-10", "Ust-Kamenogorsk", ["VOS", "PAV"]),
    ("LTO-11", "Kostanay", ["KUS", "SEV"]),
]
# Seconding states (ISO alpha-2) and relative weight; none is the host country, and the weights keep
# every state under 15 % of 300 STOs.
SECONDING_STATES = [
    ("DE", 9),
    ("GB", 8),
    ("US", 8),
    ("FR", 7),
    ("PL", 6),
    ("IT", 5),
    ("SE", 5),
    ("NO", 4),
    ("FI", 4),
    ("DK", 4),
    ("NL", 4),
    ("CH", 4),
    ("AT", 4),
    ("CZ", 4),
    ("CA", 4),
    ("ES", 3),
    ("IE", 3),
    ("BE", 3),
    ("EE", 3),
    ("LT", 3),
    ("LV", 3),
    ("SK", 2),
    ("SI", 2),
    ("HU", 2),
    ("RO", 2),
    ("BG", 2),
    ("HR", 2),
    ("PT", 2),
    ("GR", 2),
    ("IS", 1),
    ("LU", 1),
    ("MT", 1),
    ("GE", 2),
    ("MD", 2),
    ("UA", 2),
    ("AM", 1),
    ("RS", 1),
    ("ME", 1),
    ("MK", 1),
    ("AL", 1),
]
FIRST_NAMES = {
    Gender.FEMALE: [
        "Anna",
        "Maria",
        "Elena",
        "Sofia",
        "Ingrid",
        "Claire",
        "Katarzyna",
        "Laura",
        "Eva",
        "Hanna",
        "Julia",
        "Marta",
        "Nora",
        "Ines",
        "Lena",
        "Petra",
        "Sara",
        "Ilse",
        "Agnes",
        "Olga",
        "Greta",
        "Teresa",
        "Vera",
        "Alice",
        "Irene",
        "Jana",
        "Mila",
        "Rosa",
        "Ida",
        "Lucia",
    ],
    Gender.MALE: [
        "Jan",
        "Peter",
        "Marco",
        "Lars",
        "Thomas",
        "Pierre",
        "Piotr",
        "David",
        "Erik",
        "Jonas",
        "Paul",
        "Andrej",
        "Luca",
        "Mikael",
        "Felix",
        "Tomas",
        "Martin",
        "Hugo",
        "Oskar",
        "Viktor",
        "Daniel",
        "Simon",
        "Karl",
        "Louis",
        "Anton",
        "Niels",
        "Pavel",
        "Rui",
        "Stefan",
        "Aleks",
    ],
}
SURNAMES = [
    "Berg",
    "Novak",
    "Rossi",
    "Larsen",
    "Dubois",
    "Kowalski",
    "Schmidt",
    "Smith",
    "Jensen",
    "Horvat",
    "Virtanen",
    "Moreau",
    "Bianchi",
    "Nilsson",
    "Kovacs",
    "Silva",
    "Popescu",
    "Ivanova",
    "Walsh",
    "Vos",
    "Keller",
    "Lindqvist",
    "Brennan",
    "Marin",
    "Petrov",
    "Hansen",
    "Fischer",
    "Costa",
    "Nowak",
    "Meyer",
    "Olsen",
    "Richter",
    "Laine",
    "Bauer",
    "Kral",
    "Duarte",
    "Moller",
    "Ozols",
    "Tamm",
    "Weber",
]
CORE_FUNCTIONS = [
    CoreFunction.DEPUTY_HEAD,
    CoreFunction.ELECTION_ANALYST,
    CoreFunction.POLITICAL_ANALYST,
    CoreFunction.LEGAL_ANALYST,
    CoreFunction.MEDIA_ANALYST,
    CoreFunction.STATISTICAL_ANALYST,
    CoreFunction.LTO_COORDINATOR,
    CoreFunction.SECURITY_EXPERT,
    CoreFunction.OPERATIONS,
    CoreFunction.OPERATIONS,
    CoreFunction.OTHER,
]
STREETS = [
    "Abay",
    "Dostyk",
    "Tole Bi",
    "Kabanbay Batyr",
    "Satpayev",
    "Zheltoksan",
    "Baitursynov",
    "Auezov",
    "Gogol",
    "Pushkin",
    "Tauelsizdik",
    "Respublika",
    "Seifullin",
    "Kunayev",
    "Momyshuly",
]
CANDIDATES = [
    "Candidate Amanov",
    "Candidate Bekova",
    "Candidate Dauletov",
    "Candidate Yesimova",
    "Candidate Kairatov",
    "Candidate Nurlanova",
    "Candidate Serikov",
]

DEMO_USERS = [
    # username, role in the mission, who, description
    ("hom", Role.HEAD_OF_MISSION, "head_of_mission", "Head of mission: the whole mission, signs off statistics"),
    ("coordinator", Role.COORDINATOR, "lto_coordinator", "LTO coordinator: the coordinators' admin"),
    ("analyst", Role.ANALYST, "statistical_analyst", "Statistical analyst: every form, compilations"),
    ("lto", Role.LTO, "LTO-01", "Long-term observer in LTO-01 (Nur-Sultan and Akmola)"),
    ("sto", Role.STO, "STO-001", "Short-term observer in STO-001"),
    ("odihr", Role.ODIHR_STAFF, None, "ODIHR staff: published statistics of the missions they follow"),
]


@dataclass
class DemoSummary:
    """What the demo mission holds after seeding."""

    mission: Mission
    regions: int
    stations: int
    ltos: int
    stos: int
    lto_teams: int
    sto_teams: int
    forms: int


def _mission() -> Mission:
    mission, _ = Mission.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Kazakhstan, early presidential election 2019",
            "host_country": "KZ",
            "election_type": ElectionType.EARLY_PRESIDENTIAL,
            "election_day": datetime.date(2019, 6, 9),
            "opening_date": datetime.date(2019, 5, 2),
            "lto_deployment_date": datetime.date(2019, 5, 8),
            "sto_arrival_date": datetime.date(2019, 6, 6),
            "closing_date": datetime.date(2019, 6, 20),
            "status": MissionStatus.ELECTION_DAY,
            "time_zone": "Asia/Almaty",
            "other_time_zones": ["Asia/Aqtobe", "Asia/Atyrau", "Asia/Oral", "Asia/Aqtau", "Asia/Qyzylorda"],
            "local_languages": ["ru", "kk"],
            "candidates": CANDIDATES,
            "ltos_requested": 24,
            "stos_requested": 300,
        },
    )
    return mission


def _geography(mission: Mission, rng: random.Random) -> None:
    Region.objects.bulk_create(
        [
            Region(mission=mission, code=code, name=name, kind=kind, time_zone=tz)
            for code, name, kind, tz, *_ in REGIONS
        ],
        ignore_conflicts=True,
    )
    regions = {r.code: r for r in Region.objects.filter(mission=mission)}
    through = Region.neighbours.through
    through.objects.bulk_create(
        [
            through(from_region_id=regions[a].pk, to_region_id=regions[b].pk)
            for a, others in NEIGHBOURS.items()
            for b in others
        ]
        + [
            through(from_region_id=regions[b].pk, to_region_id=regions[a].pk)
            for a, others in NEIGHBOURS.items()
            for b in others
        ],
        ignore_conflicts=True,
    )
    tecs, stations = [], []
    # Coordinates come from a generator of their own, so the rest of the demo stays the same with or without them.
    places = random.Random(SEED + 1)
    for region_index, (code, name, kind, _tz, count, voters, centre, urban_share) in enumerate(REGIONS):
        tec_count = max(3, round(count / 55))
        urban_count = round(count * urban_share)
        # Urban stations are larger: split the region's voters 2.5 : 1 per station.
        weight = urban_count * 2.5 + (count - urban_count)
        per_rural = voters / weight
        region_tecs = []
        for t in range(tec_count):
            tec_code = f"{region_index + 1:02d}-{t + 1:02d}"
            tec_name = f"{centre} city" if t == 0 else f"{name} district {t:02d}"
            region_tecs.append(tec_code)
            tecs.append(Tec(mission=mission, region=regions[code], code=tec_code, name=tec_name))
        for s in range(count):
            urban = s < urban_count
            # Urban stations sit in the centre's TEC and the district towns; rural ones spread over the districts.
            if kind == RegionKind.CITY:
                tec_code = region_tecs[s % tec_count]
            elif urban:
                tec_code = region_tecs[s % min(3, tec_count)]
            else:
                tec_code = region_tecs[1 + s % (tec_count - 1)]
            base = per_rural * (2.5 if urban else 1.0)
            special = ""
            roll = rng.random()
            if roll < 0.004:
                special = SpecialStationType.HOSPITAL
            elif roll < 0.006:
                special = SpecialStationType.PRISON
            elif roll < 0.007:
                special = SpecialStationType.MILITARY
            latitude, longitude = CENTRES[code]
            spread = 0.06 if kind == RegionKind.CITY else 0.12 if urban else 1.1
            stations.append(
                {
                    "region": code,
                    "tec": tec_code,
                    "latitude": round(max(40.6, min(55.4, places.gauss(latitude, spread))), 5),
                    "longitude": round(max(46.5, min(87.3, places.gauss(longitude, spread * 1.6))), 5),
                    # Like the CEC's list, each region numbers its stations from 1: PEC No. 1 exists in all of them.
                    "number": str(s + 1),
                    "name": f"School No. {rng.randint(1, 120)}" if urban else f"Village club {rng.randint(1, 40)}",
                    "address": f"{rng.choice(STREETS)} St {rng.randint(1, 200)}, {centre if urban else name}",
                    "area_type": AreaType.URBAN if urban else AreaType.RURAL,
                    "voters": max(20, round(base * rng.uniform(0.7, 1.3))),
                    "special": special,
                }
            )
    Tec.objects.bulk_create(tecs, ignore_conflicts=True)
    tec_ids = dict(Tec.objects.filter(mission=mission).values_list("code", "id"))
    PollingStation.objects.bulk_create(
        [
            PollingStation(
                mission=mission,
                region=regions[s["region"]],
                tec_id=tec_ids[s["tec"]],
                number=s["number"],
                name=s["name"],
                address=s["address"],
                area_type=s["area_type"],
                registered_voters=s["voters"],
                special_type=s["special"],
                latitude=s["latitude"],
                longitude=s["longitude"],
            )
            for s in stations
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


def _person(rng: random.Random, index: int, nationality: str, role: str) -> dict:
    gender = Gender.FEMALE if rng.random() < 0.47 else Gender.MALE
    first = rng.choice(FIRST_NAMES[gender])
    last = rng.choice(SURNAMES)
    return {
        "full_name": f"{first} {last}",
        "gender": gender,
        "nationality": nationality,
        "email": f"{first}.{last}.{role}{index:03d}@observers.example".lower(),
        "phone": f"+{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        "date_of_birth": datetime.date(rng.randint(1955, 1995), rng.randint(1, 12), rng.randint(1, 28)),
        "passport_number": f"{nationality}{rng.randint(1000000, 9999999)}",
    }


def _nationalities(rng: random.Random, count: int, cap: int) -> list[str]:
    pool = [code for code, weight in SECONDING_STATES for _ in range(weight)]
    chosen, used = [], {}
    while len(chosen) < count:
        code = rng.choice(pool)
        if used.get(code, 0) < cap:
            used[code] = used.get(code, 0) + 1
            chosen.append(code)
    return chosen


def _roster(mission: Mission, rng: random.Random) -> None:
    people = []  # (person dict, membership dict, languages)
    hom = _person(rng, 0, "PL", "hom")
    people.append((hom, {"role": MemberRole.HEAD_OF_MISSION}, [("en", "fluent"), ("ru", "fluent")]))
    core_states = ["DE", "GB", "FR", "SE", "IT", "US", "CZ", "FI", "AT", "NL", "LT"]
    for index, function in enumerate(CORE_FUNCTIONS):
        person = _person(rng, index, core_states[index], "core")
        people.append(
            (
                person,
                {"role": MemberRole.CORE_TEAM, "core_function": function},
                [("en", "fluent"), ("ru", "working" if index % 2 else "fluent")],
            )
        )
    for index, nationality in enumerate(_nationalities(rng, 22, 3)):
        languages = [("en", "fluent")] + ([("ru", "fluent")] if rng.random() < 0.75 else [])
        people.append(
            (
                _person(rng, index, nationality, "lto"),
                {"role": MemberRole.LTO, "first_mission": rng.random() < 0.1},
                languages,
            )
        )
    for index, nationality in enumerate(_nationalities(rng, 300, 45)):
        languages = [("en", rng.choice(["fluent", "working"]))]
        if rng.random() < 0.3:
            languages.append(("ru", rng.choice(["fluent", "working", "basic"])))
        if rng.random() < 0.02:
            languages.append(("kk", "basic"))
        people.append(
            (
                _person(rng, index, nationality, "sto"),
                {"role": MemberRole.STO, "first_mission": rng.random() < 0.3},
                languages,
            )
        )

    Observer.objects.bulk_create([Observer(mission=mission, **p) for p, _m, _l in people], ignore_conflicts=True)
    emails = [p["email"] for p, _m, _l in people]
    observers = {o.email: o for o in Observer.objects.filter(mission=mission, email__in=emails)}
    arrival = {MemberRole.STO: mission.sto_arrival_date, MemberRole.LTO: mission.lto_deployment_date}
    Membership.objects.bulk_create(
        [
            Membership(
                mission=mission,
                observer=observers[p["email"]],
                status=MemberStatus.DEPLOYED,
                arrival_date=arrival.get(m["role"], mission.opening_date),
                departure_date=mission.closing_date,
                **m,
            )
            for p, m, _l in people
        ],
        ignore_conflicts=True,
    )
    ObserverLanguage.objects.bulk_create(
        [
            ObserverLanguage(observer=observers[p["email"]], language=code, level=LanguageLevel(level))
            for p, _m, languages in people
            for code, level in languages
        ],
        ignore_conflicts=True,
    )
    if mission.head_of_mission_id is None:
        mission.head_of_mission = observers[hom["email"]]
        mission.save(update_fields=["head_of_mission"])


def _teams(mission: Mission, seed: int) -> None:
    """Teams of two through the product's own team formation; LTO areas as the 2019 mission drew them."""
    from deployment.services import teams_form

    if Team.objects.filter(mission=mission).exists():
        return
    regions = {r.code: r for r in Region.objects.filter(mission=mission)}
    lto_teams = sorted(teams_form(mission=mission, kind=TeamKind.LTO, seed=seed).teams, key=lambda t: t.code)
    for team, (_code, base_city, area) in zip(lto_teams, LTO_AREAS, strict=True):
        team.base_city = base_city
        team.save(update_fields=["base_city"])
        team.area_regions.set([regions[c] for c in area])
    teams_form(mission=mission, kind=TeamKind.STO, seed=seed)


def _users(mission: Mission) -> None:
    user_model = get_user_model()
    core = {m.core_function: m for m in Membership.objects.filter(mission=mission, role=MemberRole.CORE_TEAM)}
    hom = Membership.objects.get(mission=mission, role=MemberRole.HEAD_OF_MISSION)
    for username, role, who, _description in DEMO_USERS:
        user, created = user_model.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role == Role.ODIHR_STAFF:
            Follower.objects.get_or_create(mission=mission, user=user)
        membership = None
        if who == "head_of_mission":
            membership = hom
        elif who in core:
            membership = core[who]
        elif who:
            seat = (
                TeamMember.objects.filter(team__mission=mission, team__code=who)
                .select_related("membership__observer")
                .order_by("membership__observer__email")
                .first()
            )
            membership = seat.membership if seat else None
        if membership is not None and membership.observer.user_id != user.pk:
            # One record per login in a mission; the login's records in other missions stay linked.
            Observer.objects.filter(user=user, mission=mission).exclude(pk=membership.observer_id).update(user=None)
            membership.observer.user = user
            membership.observer.save(update_fields=["user"])


@transaction.atomic
def demo_mission_seed() -> DemoSummary:
    """Create (or complete) the demo mission; running it again changes nothing."""
    mission = _mission()
    _geography(mission, random.Random(SEED))
    _roster(mission, random.Random(SEED + 1))
    _teams(mission, SEED)
    _users(mission)
    forms = _plan_and_forms(mission)
    return demo_summary(mission, forms=forms)


def _plan_and_forms(mission: Mission) -> int:
    """Checklists, the deployment plan and a plausible election day, from the apps that own them."""
    from checklists.services import checklists_load_standard
    from deployment.services import deployment_plan
    from submissions.demo import election_day_generate

    checklists_load_standard(mission=mission)
    if not mission.assignments.exists():
        deployment_plan(mission=mission, seed=SEED)
    return election_day_generate(mission=mission, seed=SEED)


def demo_summary(mission: Mission, *, forms: int = 0) -> DemoSummary:
    memberships = Membership.objects.filter(mission=mission)
    teams = Team.objects.filter(mission=mission)
    return DemoSummary(
        mission=mission,
        regions=mission.regions.count(),
        stations=mission.polling_stations.count(),
        ltos=memberships.filter(role=MemberRole.LTO).count(),
        stos=memberships.filter(role=MemberRole.STO).count(),
        lto_teams=teams.filter(kind=TeamKind.LTO).count(),
        sto_teams=teams.filter(kind=TeamKind.STO).count(),
        forms=mission.submissions.count(),
    )
