"""A mission shaped like a CEC's results: regions whose station numbers restart, and a results file with Cyrillic
headers, built from figures the test keeps so that every expected count comes from the test's own data."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field

from openpyxl import Workbook

from checklists.selectors import template_published
from checklists.services import checklists_load_standard
from missions.models import PollingStation
from observers.choices import MemberRole
from submissions.services import submission_record
from tests.checklists.factories import answers_for
from tests.factories import (
    MembershipFactory,
    ObserverFactory,
    PollingStationFactory,
    RegionFactory,
    TecFactory,
    UserFactory,
)

CANDIDATES = ["Токаев Касым-Жомарт", "Косанов Амиржан", "Таспаева Дания"]
REGIONS = [("AKM", "Акмолинская область"), ("AKT", "Актюбинская область"), ("ALA", "город Алматы")]
HEADERS = {
    "region": "Область",
    "tec": "ТИК",
    "number": "№ УИК",
    "registered_voters": "Число избирателей, включенных в список",
    "ballots_received": "Получено бюллетеней",
    "ballots_issued": "Выдано бюллетеней",
    "ballots_cancelled": "Погашено бюллетеней",
    "ballots_valid": "Действительных бюллетеней",
    "ballots_invalid": "Недействительных бюллетеней",
}
# What a coordinator types into the import page: the file's own headers.
MAPPING = {**HEADERS, **{f"candidate_{i}": name for i, name in enumerate(CANDIDATES, start=1)}}


def numbers_restart_per_region() -> bool:
    """Whether the station list lets PEC No. 1 exist in every region (the product's station identity allows it)."""
    return not any(
        getattr(constraint, "fields", ()) == ("mission", "number") for constraint in PollingStation._meta.constraints
    )


def official_figures(index: int, position: int) -> dict:
    """Figures that add up, with turnout 55-65 % spread evenly inside each TEC (no outliers by construction)."""
    registered = 1000 + 10 * index
    issued = registered * (55 + 2 * position) // 100
    cancelled = 50 + index % 7
    invalid = 5 + index % 4
    valid = issued - invalid - index % 3  # a few ballots taken away: found <= issued
    first, second = valid * 6 // 10, valid * 3 // 10
    return {
        "registered_voters": registered,
        "ballots_received": issued + cancelled,
        "ballots_issued": issued,
        "ballots_cancelled": cancelled,
        "ballots_valid": valid,
        "ballots_invalid": invalid,
        "votes": [first, second, valid - first - second],
    }


@dataclass
class CecWorld:
    """The mission, its stations by (region code, number), the official figures the test means, and people."""

    mission: object
    regions: dict  # code -> Region
    stations: dict  # (region code, number) -> PollingStation
    official: dict  # (region code, number) -> figures
    coordinator: object
    analyst: object
    outsider: object
    extra_rows: list = field(default_factory=list)  # rows for stations the list does not know

    def template(self, kind="counting"):
        return template_published(mission=self.mission, kind=kind)


def build_cec_world(mission, *, tecs_per_region: int = 2, stations_per_tec: int = 6) -> CecWorld:
    mission.candidates = CANDIDATES
    mission.save(update_fields=["candidates"])
    checklists_load_standard(mission=mission)
    restart = numbers_restart_per_region()
    regions, stations, official = {}, {}, {}
    index = 0
    for region_index, (code, name) in enumerate(REGIONS):
        region = RegionFactory(mission=mission, code=code, name=name)
        regions[code] = region
        number = 0
        for tec_index in range(tecs_per_region):
            tec = TecFactory(mission=mission, region=region, code=f"{code}-{tec_index + 1}", name=f"ТИК {tec_index}")
            for position in range(stations_per_tec):
                number += 1
                index += 1
                label = str(number) if restart else str(100 * (region_index + 1) + number)
                stations[(code, label)] = PollingStationFactory(mission=mission, region=region, tec=tec, number=label)
                official[(code, label)] = official_figures(index, position)
    return CecWorld(
        mission=mission,
        regions=regions,
        stations=stations,
        official=official,
        coordinator=_core_user(mission, "coordinator", "lto_coordinator"),
        analyst=_core_user(mission, "analyst", "statistical_analyst"),
        outsider=UserFactory(username="outsider"),
    )


def _core_user(mission, username, core_function):
    user = UserFactory(username=username)
    MembershipFactory(
        mission=mission,
        observer=ObserverFactory(mission=mission, user=user),
        role=MemberRole.CORE_TEAM,
        core_function=core_function,
    )
    return user


def file_rows(world: CecWorld, *, leave_out=(), figures=None) -> list[list]:
    """The CEC file's rows (header first), stations in list order, a few left out, any extra rows at the end."""
    figures = figures if figures is not None else world.official
    rows = [[HEADERS[name] for name in HEADERS] + CANDIDATES]
    for (code, number), station in world.stations.items():
        if (code, number) in leave_out:
            continue
        rows.append(_row(world.regions[code].name, station.tec.code, number, figures[(code, number)]))
    for region_name, number, extra in world.extra_rows:
        rows.append(_row(region_name, "", number, extra))
    return rows


def _row(region_name, tec_code, number, figures) -> list:
    return [
        region_name,
        tec_code,
        number,
        *(figures[name] for name in HEADERS if name not in ("region", "tec", "number")),
        *figures["votes"],
    ]


def as_csv(rows: list[list]) -> bytes:
    """Semicolon-separated with a byte-order mark, as CEC sites and Excel in Russian locales write CSV."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def observed_answers(figures: dict) -> dict:
    """A counting form's protocol answers that say the same as official figures, in the form's more detailed lines."""
    return {
        "protocol_figures_obtained": "yes",
        "voters_main_list": figures["registered_voters"] - 12,
        "voters_supplementary": 12,
        "ballots_received": figures["ballots_received"],
        "ballots_issued": figures["ballots_issued"] - 20,
        "ballots_issued_mobile": 20,
        "ballots_unused": figures["ballots_cancelled"] - 3,
        "ballots_spoiled": 3,
        "ballots_found_stationary": figures["ballots_valid"] + figures["ballots_invalid"] - 15,
        "ballots_found_mobile": 15,
        "ballots_valid": figures["ballots_valid"],
        "ballots_invalid": figures["ballots_invalid"],
        **{f"candidate_{i}": votes for i, votes in enumerate(figures["votes"], start=1)},
    }


def record_count(world: CecWorld, station, answers: dict):
    """A counting form filed at a station (by the coordinator, who may file for any team)."""
    template = world.template("counting")
    payload = {"polling_station": station.pk, "answers": answers_for(template, **answers)}
    submission, created = submission_record(
        user=world.coordinator, mission=world.mission, uuid=uuid.uuid4(), template=template, payload=payload
    )
    assert created
    return submission
