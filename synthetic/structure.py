"""A mission shaped like Kazakhstan 2019 at any size: the mission row, geography, roster, teams, plan and logins.

Every step is deterministic for its seed and keyed on natural keys (region code, TEC code, station number, observer
e-mail, team code), so a second run adds nothing. Teams and deployment plans are made by the product's own services
(`teams_form`, `deployment_plan`), so synthetic missions follow the same rules a coordinator's would.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from access import system_actor
from deployment.services import teams_form
from missions.choices import AreaType, ElectionType, MissionStatus, RegionKind, SpecialStationType
from missions.models import Mission, PollingStation, Region, Tec
from observers.choices import Gender, LanguageLevel, MemberRole, MemberStatus, TeamKind
from observers.models import Membership, Observer, ObserverLanguage, Team, TeamMember

from .kazakhstan import (
    CANDIDATES,
    CENTRES,
    CORE_FUNCTIONS,
    FIRST_NAMES,
    LTO_AREAS,
    NEIGHBOURS,
    REGIONS,
    SECONDING_STATES,
    STREETS,
    SURNAMES,
)

# The 2019 total: at this many stations a synthetic mission has exactly the 2019 counts per region.
STATIONS_2019 = sum(row[4] for row in REGIONS)
LTOS_2019 = 22
STOS_2019 = 300
ELECTION_DAY = datetime.date(2019, 6, 9)


def mission_create(*, slug: str, name: str = "Kazakhstan, early presidential election 2019") -> Mission:
    """The mission row with the 2019 calendar, time zones, languages and candidates (kept when it exists)."""
    mission, _ = Mission.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "host_country": "KZ",
            "election_type": ElectionType.EARLY_PRESIDENTIAL,
            "election_day": ELECTION_DAY,
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


def station_counts(stations: int) -> list[int]:
    """Polling stations per region (in REGIONS order) in the 2019 proportions, summing exactly to `stations`."""
    counts = [max(3, round(row[4] * stations / STATIONS_2019)) for row in REGIONS]
    counts[counts.index(max(counts))] += stations - sum(counts)
    return counts


def geography_generate(mission: Mission, *, stations: int = STATIONS_2019, seed: int = 2019) -> None:
    """The 17 units of 2019 with neighbours, TECs and polling stations (urban, rural, special, with coordinates)."""
    rng = random.Random(seed)
    # Coordinates come from a generator of their own, so the rest stays the same with or without them.
    places = random.Random(seed + 1)
    Region.objects.bulk_create(
        [
            Region(mission=mission, code=code, name=name, kind=kind, time_zone=tz)
            for code, name, kind, tz, *_ in REGIONS
        ],
        ignore_conflicts=True,
    )
    regions = {r.code: r for r in Region.objects.filter(mission=mission)}
    through = Region.neighbours.through
    pairs = [(a, b) for a, others in NEIGHBOURS.items() for b in others]
    through.objects.bulk_create(
        [through(from_region_id=regions[a].pk, to_region_id=regions[b].pk) for a, b in pairs]
        + [through(from_region_id=regions[b].pk, to_region_id=regions[a].pk) for a, b in pairs],
        ignore_conflicts=True,
    )
    tecs, planned = [], []
    for region_index, (row, count) in enumerate(zip(REGIONS, station_counts(stations), strict=True)):
        code, name, kind, _tz, count_2019, voters, centre, urban_share = row
        tec_count = max(3, round(count / 55))
        urban_count = round(count * urban_share)
        # Urban stations are larger: split the region's voters 2.5 : 1 per station, at the 2019 station sizes.
        urban_2019 = round(count_2019 * urban_share)
        per_rural = voters / (urban_2019 * 2.5 + (count_2019 - urban_2019))
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
            planned.append(
                PollingStation(
                    mission=mission,
                    region=regions[code],
                    tec_id=tec_code,  # replaced by the TEC's id below
                    latitude=round(max(40.6, min(55.4, places.gauss(latitude, spread))), 5),
                    longitude=round(max(46.5, min(87.3, places.gauss(longitude, spread * 1.6))), 5),
                    # Like the CEC's list, each region numbers its stations from 1: PEC No. 1 exists in all of them.
                    number=str(s + 1),
                    name=f"School No. {rng.randint(1, 120)}" if urban else f"Village club {rng.randint(1, 40)}",
                    address=f"{rng.choice(STREETS)} St {rng.randint(1, 200)}, {centre if urban else name}",
                    area_type=AreaType.URBAN if urban else AreaType.RURAL,
                    registered_voters=max(20, round(per_rural * (2.5 if urban else 1.0) * rng.uniform(0.7, 1.3))),
                    special_type=special,
                )
            )
    Tec.objects.bulk_create(tecs, ignore_conflicts=True)
    tec_ids = dict(Tec.objects.filter(mission=mission).values_list("code", "id"))
    for station in planned:
        station.tec_id = tec_ids[station.tec_id]
    PollingStation.objects.bulk_create(planned, batch_size=2000, ignore_conflicts=True)


def _person(rng: random.Random, index: int, nationality: str, role: str, domain: str) -> dict:
    gender = Gender.FEMALE if rng.random() < 0.47 else Gender.MALE
    first = rng.choice(FIRST_NAMES[gender])
    last = rng.choice(SURNAMES)
    return {
        "full_name": f"{first} {last}",
        "gender": gender,
        "nationality": nationality,
        "email": f"{first}.{last}.{role}{index:03d}@{domain}".lower(),
        "phone": f"+{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        "date_of_birth": datetime.date(rng.randint(1955, 1995), rng.randint(1, 12), rng.randint(1, 28)),
        "passport_number": f"{nationality}{rng.randint(1000000, 9999999)}",
    }


def _nationalities(rng: random.Random, count: int, cap: int) -> list[str]:
    """Seconding states by weight, none for more than `cap` people (the 15 % rule)."""
    pool = [code for code, weight in SECONDING_STATES for _ in range(weight)]
    chosen, used = [], {}
    while len(chosen) < count:
        code = rng.choice(pool)
        if used.get(code, 0) < cap:
            used[code] = used.get(code, 0) + 1
            chosen.append(code)
    return chosen


def roster_generate(
    mission: Mission,
    *,
    ltos: int = LTOS_2019,
    stos: int = STOS_2019,
    seed: int = 2020,
    email_domain: str | None = None,
) -> None:
    """Head of mission, core team, LTOs and STOs with languages, deployed for the mission's dates.

    E-mails are unique per mission (`email_domain`, by default the mission's slug), so several synthetic missions
    share a database without sharing observers.
    """
    rng = random.Random(seed)
    domain = email_domain or f"{mission.slug}.observers.example"
    people = []  # (person dict, membership dict, languages)
    hom = _person(rng, 0, "PL", "hom", domain)
    people.append((hom, {"role": MemberRole.HEAD_OF_MISSION}, [("en", "fluent"), ("ru", "fluent")]))
    core_states = ["DE", "GB", "FR", "SE", "IT", "US", "CZ", "FI", "AT", "NL", "LT"]
    for index, function in enumerate(CORE_FUNCTIONS):
        person = _person(rng, index, core_states[index], "core", domain)
        languages = [("en", "fluent"), ("ru", "working" if index % 2 else "fluent")]
        people.append((person, {"role": MemberRole.CORE_TEAM, "core_function": function}, languages))
    for index, nationality in enumerate(_nationalities(rng, ltos, max(3, ltos * 3 // LTOS_2019))):
        languages = [("en", "fluent")] + ([("ru", "fluent")] if rng.random() < 0.75 else [])
        person = _person(rng, index, nationality, "lto", domain)
        people.append((person, {"role": MemberRole.LTO, "first_mission": rng.random() < 0.1}, languages))
    for index, nationality in enumerate(_nationalities(rng, stos, max(3, stos * 15 // 100))):
        languages = [("en", rng.choice(["fluent", "working"]))]
        if rng.random() < 0.3:
            languages.append(("ru", rng.choice(["fluent", "working", "basic"])))
        if rng.random() < 0.02:
            languages.append(("kk", "basic"))
        person = _person(rng, index, nationality, "sto", domain)
        people.append((person, {"role": MemberRole.STO, "first_mission": rng.random() < 0.3}, languages))

    Observer.objects.bulk_create(
        [Observer(mission=mission, **p) for p, _m, _l in people], batch_size=5000, ignore_conflicts=True
    )
    observers = {o.email: o for o in Observer.objects.filter(mission=mission)}
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
        batch_size=5000,
        ignore_conflicts=True,
    )
    ObserverLanguage.objects.bulk_create(
        [
            ObserverLanguage(observer=observers[p["email"]], language=code, level=LanguageLevel(level))
            for p, _m, languages in people
            for code, level in languages
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    if mission.head_of_mission_id is None:
        mission.head_of_mission = observers[hom["email"]]
        mission.save(update_fields=["head_of_mission"])


def teams_generate(mission: Mission, *, seed: int = 2019) -> None:
    """Teams of two through the product's own team formation; LTO areas as the 2019 mission drew them."""
    if Team.objects.filter(mission=mission).exists():
        return
    regions = {r.code: r for r in Region.objects.filter(mission=mission)}
    lto_teams = sorted(
        teams_form(actor=system_actor(mission), mission=mission, kind=TeamKind.LTO, seed=seed).teams,
        key=lambda t: t.code,
    )
    for team, (_code, base_city, area) in zip(lto_teams, LTO_AREAS, strict=False):
        team.base_city = base_city
        team.save(update_fields=["base_city"])
        team.area_regions.set([regions[c] for c in area])
    teams_form(actor=system_actor(mission), mission=mission, kind=TeamKind.STO, seed=seed)


def team_logins_generate(mission: Mission, *, teams: int, password: str) -> None:
    """A login `<slug>-<team code>` for one member of each of the first `teams` STO teams, and `<slug>-coordinator`
    for the head of mission (who coordinates this mission only); one password hash for all of them."""
    user_model = get_user_model()
    if user_model.objects.filter(username=f"{mission.slug}-coordinator").exists():
        return
    hashed = make_password(password)
    seats = (
        TeamMember.objects.filter(team__mission=mission, team__kind=TeamKind.STO)
        .select_related("team", "membership__observer")
        .order_by("team__code", "membership__observer__email")
    )
    first_seat: dict[str, TeamMember] = {}
    for seat in seats:
        first_seat.setdefault(seat.team.code, seat)
    chosen = [first_seat[code] for code in sorted(first_seat)[:teams]]
    names = [f"{mission.slug}-{seat.team.code.lower()}" for seat in chosen]
    user_model.objects.bulk_create([user_model(username=name, password=hashed) for name in names])
    users = user_model.objects.in_bulk(names, field_name="username")
    observers = []
    for seat, name in zip(chosen, names, strict=True):
        seat.membership.observer.user = users[name]
        observers.append(seat.membership.observer)
    Observer.objects.bulk_update(observers, ["user"])
    coordinator = user_model.objects.create(username=f"{mission.slug}-coordinator", password=hashed)
    Observer.objects.filter(pk=mission.head_of_mission_id).update(user=coordinator)
