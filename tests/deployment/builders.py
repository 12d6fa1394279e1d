"""Builders for deployment tests: a geography of regions, TECs and stations, and rosters of observers."""

from __future__ import annotations

import itertools

from missions.choices import AreaType, RegionKind
from missions.models import PollingStation, Region, Tec
from observers.choices import Gender, LanguageLevel, MemberRole
from observers.models import Membership, Observer, ObserverLanguage

_emails = itertools.count(1)


def geography(mission, layout, *, neighbours=()):
    """Regions from {name: [(stations, urban share), ...per TEC]}; returns {name: Region}."""
    regions = {}
    number = itertools.count(1)
    stations = []
    for index, (name, tec_layout) in enumerate(layout.items(), start=1):
        region = Region.objects.create(
            mission=mission,
            code=f"R{index:02d}",
            name=name,
            kind=RegionKind.CITY if name.endswith("City") else RegionKind.REGION,
        )
        regions[name] = region
        for tec_index, (count, urban_share) in enumerate(tec_layout, start=1):
            tec = Tec.objects.create(
                mission=mission, region=region, code=f"{index:02d}{tec_index:02d}", name=f"{name} district {tec_index}"
            )
            urban = round(count * urban_share)
            for position in range(count):
                n = next(number)
                stations.append(
                    PollingStation(
                        mission=mission,
                        region=region,
                        tec=tec,
                        number=f"{n:05d}",
                        name=f"School {n}",
                        address=f"{n} {name} Street",
                        area_type=AreaType.URBAN if position < urban else AreaType.RURAL,
                        registered_voters=1000 + (n % 7) * 100,
                    )
                )
    PollingStation.objects.bulk_create(stations)
    for first, second in neighbours:
        regions[first].neighbours.add(regions[second])
    return regions


def observer(
    mission,
    nationality="DE",
    *,
    role=MemberRole.STO,
    gender=Gender.FEMALE,
    first_mission=False,
    languages=("en",),
    name=None,
    **membership,
):
    """One observer with a membership in the mission and the languages given (ISO codes, working level)."""
    n = next(_emails)
    person = Observer.objects.create(
        mission=mission,
        full_name=name or f"Observer {nationality} {n:04d}",
        gender=gender,
        nationality=nationality,
        email=f"deployment-observer-{n}@example.org",
        phone=f"+49 30 {n:07d}",
    )
    ObserverLanguage.objects.bulk_create(
        [ObserverLanguage(observer=person, language=code, level=LanguageLevel.WORKING) for code in languages]
    )
    return Membership.objects.create(
        mission=mission, observer=person, role=role, first_mission=first_mission, **membership
    )


def roster(mission, count, *, role=MemberRole.STO, nationalities=("DE", "FR", "IT", "PL", "SE", "GB", "NO", "US")):
    """`count` observers cycling through nationalities, genders, experience and Russian speakers."""
    members = []
    for index in range(count):
        languages = ("en", "ru") if index % 3 == 0 else ("en",)
        members.append(
            observer(
                mission,
                nationalities[index % len(nationalities)],
                role=role,
                gender=Gender.FEMALE if index % 2 else Gender.MALE,
                first_mission=index % 4 == 1,
                languages=languages,
            )
        )
    return members
