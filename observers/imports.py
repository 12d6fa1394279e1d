"""Import the observer roster (CSV or XLSX, as seconding states send names): every row checked, all or nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django_countries import countries

from access import Actor, can_import_roster, can_set_membership, require
from jobs.notices import notice
from missions.models import Mission
from missions.spreadsheets import ImportReport, RowError, SpreadsheetError, pick, read_rows

from .choices import CoreFunction, Gender, LanguageLevel, MemberRole, MemberStatus
from .models import Membership, Observer, ObserverLanguage

GENDER_WORDS = {
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "woman": Gender.FEMALE,
    "w": Gender.FEMALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "man": Gender.MALE,
    "x": Gender.OTHER,
    "other": Gender.OTHER,
    "": Gender.OTHER,
}
ROLE_WORDS = {
    "sto": MemberRole.STO,
    "short-term observer": MemberRole.STO,
    "short term observer": MemberRole.STO,
    "lto": MemberRole.LTO,
    "long-term observer": MemberRole.LTO,
    "long term observer": MemberRole.LTO,
    "core": MemberRole.CORE_TEAM,
    "core team": MemberRole.CORE_TEAM,
    "core_team": MemberRole.CORE_TEAM,
    "head of mission": MemberRole.HEAD_OF_MISSION,
    "hom": MemberRole.HEAD_OF_MISSION,
    "head_of_mission": MemberRole.HEAD_OF_MISSION,
    "parliamentarian": MemberRole.PARLIAMENTARIAN,
    "mp": MemberRole.PARLIAMENTARIAN,
}
YES_WORDS = {"yes", "y", "true", "1", "x", "first", "first mission", "да"}
NO_WORDS = {"no", "n", "false", "0", "", "experienced", "нет"}
_COUNTRY_BY_NAME = {name.lower(): code for code, name in countries}


def parse_country(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code from a code or an English country name; None when unknown."""
    text = value.strip()
    if len(text) == 2 and text.upper() in dict(countries):
        return text.upper()
    return _COUNTRY_BY_NAME.get(text.lower())


def parse_date(value: str) -> datetime.date | None:
    """A date in ISO (2019-06-09) or European (09.06.2019, 09/06/2019) form; raises ValueError (with a notice)."""
    text = value.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(notice("observers.not_a_date", value=text))


def parse_languages(value: str) -> list[tuple[str, str]]:
    """'en:fluent; ru:working' -> [('en', 'fluent'), ('ru', 'working')]; raises ValueError (with a notice)."""
    result = []
    for part in value.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        code, _, level = part.partition(":")
        code, level = code.strip().lower(), (level.strip().lower() or LanguageLevel.WORKING)
        if not (2 <= len(code) <= 3 and code.isalpha()):
            raise ValueError(notice("observers.not_a_language", value=part))
        if level not in LanguageLevel.values:
            raise ValueError(notice("observers.not_a_level", value=level, values=list(LanguageLevel.values)))
        result.append((code, level))
    return result


@dataclass
class RosterRow:
    """One cleaned roster row, ready to write."""

    row: int
    observer: dict
    membership: dict
    languages: list[tuple[str, str]]


def _clean_row(number: int, row: dict[str, str], mission: Mission, errors: list[RowError]) -> RosterRow | None:
    found: list[RowError] = []

    def bad(column: str, code: str, **figures) -> None:
        found.append(RowError(number, column, notice(f"observers.{code}", **figures)))

    full_name = pick(row, "full_name", "name", "observer")
    if not full_name:
        first = pick(row, "first_name", "given_name", "first_names")
        last = pick(row, "last_name", "surname", "family_name")
        full_name = " ".join(part for part in (first, last) if part)
    if not full_name:
        bad("full_name", "name_missing")

    country_text = pick(row, "nationality", "seconding_state", "country", "citizenship")
    nationality = parse_country(country_text) if country_text else None
    if not country_text:
        bad("nationality", "nationality_missing")
    elif nationality is None:
        bad("nationality", "not_a_country", value=country_text)
    elif nationality == mission.host_country.code:
        bad("nationality", "host_national", country=mission.host_country.code)

    email = pick(row, "email", "e_mail", "email_address").lower()
    try:
        validate_email(email)
    except ValidationError:
        if email:
            bad("email", "not_an_email", value=email)
        else:
            bad("email", "email_missing")

    gender_text = pick(row, "gender", "sex").lower()
    gender = GENDER_WORDS.get(gender_text)
    if gender is None:
        bad("gender", "not_a_gender", value=gender_text)

    role_text = pick(row, "role", "function_type", "category").lower() or "sto"
    role = ROLE_WORDS.get(role_text)
    if role is None:
        bad("role", "not_a_role", value=role_text)

    core_text = pick(row, "core_function", "function").lower().replace(" ", "_")
    if core_text and core_text not in CoreFunction.values:
        bad("core_function", "not_a_core_function", value=core_text)
    elif core_text and role != MemberRole.CORE_TEAM:
        bad("core_function", "core_function_not_core")

    status_text = pick(row, "status").lower() or MemberStatus.NOMINATED
    if status_text not in MemberStatus.values:
        bad("status", "not_a_status", value=status_text, values=list(MemberStatus.values))

    dates = {}
    for column, aliases in (
        ("date_of_birth", ("date_of_birth", "dob", "birth_date")),
        ("arrival_date", ("arrival_date", "arrival")),
        ("departure_date", ("departure_date", "departure")),
    ):
        try:
            dates[column] = parse_date(pick(row, *aliases))
        except ValueError as exc:
            found.append(RowError(number, column, exc.args[0]))
    if dates.get("arrival_date") and dates.get("departure_date") and dates["departure_date"] < dates["arrival_date"]:
        bad("departure_date", "departure_before_arrival")

    first_text = pick(row, "first_mission", "first_timer").lower()
    if first_text not in YES_WORDS | NO_WORDS:
        bad("first_mission", "not_yes_or_no", value=first_text)

    try:
        languages = parse_languages(pick(row, "languages", "language"))
    except ValueError as exc:
        found.append(RowError(number, "languages", exc.args[0]))
        languages = []

    phone = pick(row, "phone", "mobile", "telephone")
    passport = pick(row, "passport_number", "passport", "passport_no")
    for column, value in (
        ("full_name", full_name),
        ("email", email),
        ("phone", phone),
        ("passport_number", passport),
    ):
        limit = Observer._meta.get_field(column).max_length
        if len(value) > limit:
            bad(column, "too_long", limit=limit)

    if found:
        errors.extend(found)
        return None
    return RosterRow(
        row=number,
        observer={
            "full_name": full_name,
            "gender": gender,
            "nationality": nationality,
            "email": email,
            "phone": phone,
            "passport_number": passport,
            "date_of_birth": dates["date_of_birth"],
        },
        membership={
            "role": role,
            "core_function": core_text,
            "status": status_text,
            "arrival_date": dates["arrival_date"],
            "departure_date": dates["departure_date"],
            "first_mission": first_text in YES_WORDS,
        },
        languages=languages,
    )


def roster_import(
    *,
    actor: Actor | None,
    mission: Mission,
    upload,
    filename: str | None = None,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
) -> ImportReport:
    """Check every row of a roster file; write nothing if any row is bad, else create or update by e-mail.

    Only the mission's coordinators (or the head of mission) import, and only into their mission. People are matched
    by e-mail (without regard to case) among this mission's own records alone: an address that another mission's
    person also has simply makes a new record here, exactly as an unused address does, and that other record is
    neither read nor changed. No row gives a role above the importer's own or changes the importer's own membership.
    The summary therefore counts this mission's roster only.
    """
    require(can_import_roster(actor, mission), _("Only the mission's coordinators import its roster."))
    report = ImportReport()
    try:
        _headers, rows = read_rows(upload, filename=filename)
        cleaned: list[RosterRow] = []
        seen_emails: dict[str, int] = {}
        for number, row in rows:
            item = _clean_row(number, row, mission, report.errors)
            if item is None:
                continue
            email = item.observer["email"]
            if email in seen_emails:
                report.errors.append(
                    RowError(number, "email", notice("observers.email_twice", email=email, other=seen_emails[email]))
                )
                continue
            seen_emails[email] = number
            cleaned.append(item)
    except SpreadsheetError as exc:
        report.errors.append(RowError(0, "", exc.notice))
        return report
    if not cleaned and not report.errors:
        report.errors.append(RowError(0, "", notice("missions.no_data_rows")))
    _check_roles(actor, mission, cleaned, report)
    if report.errors or dry_run:
        return report
    if progress is not None:
        progress(60)  # every row checked (a background job's progress)
    with transaction.atomic():
        _write_roster(mission, cleaned, report)
    return report


def _roster_here(mission: Mission, emails: list[str]) -> dict[str, Observer]:
    """This mission's own people by (lower-case) e-mail; no other mission's record is ever read."""
    here = Observer.objects.annotate(email_key=Lower("email")).filter(mission=mission, email_key__in=emails)
    return {observer.email_key: observer for observer in here}


def _check_roles(actor: Actor, mission: Mission, cleaned: list[RosterRow], report: ImportReport) -> None:
    """Rows the importer may not write: a role above their own, their own membership, one ranked above theirs."""
    here = _roster_here(mission, [item.observer["email"] for item in cleaned])
    memberships = {m.observer_id: m for m in Membership.objects.filter(mission=mission, observer__in=here.values())}
    for item in cleaned:
        observer = here.get(item.observer["email"])
        membership = memberships.get(observer.pk) if observer is not None else None
        candidate = membership or Membership(mission=mission)
        if not can_set_membership(
            actor,
            membership=candidate,
            member_role=item.membership["role"],
            core_function=item.membership.get("core_function", ""),
        ):
            report.errors.append(RowError(item.row, "role", notice("observers.role_not_yours")))


def _write_roster(mission: Mission, cleaned: list[RosterRow], report: ImportReport) -> None:
    existing = _roster_here(mission, [item.observer["email"] for item in cleaned])
    memberships = {m.observer_id: m for m in Membership.objects.filter(mission=mission, observer__in=existing.values())}
    languages: dict[int, set] = {}
    for language in ObserverLanguage.objects.filter(observer__in=existing.values()):
        languages.setdefault(language.observer_id, set()).add((language.language, language.level))
    for item in cleaned:
        observer = existing.get(item.observer["email"])
        if observer is None:
            observer = Observer.objects.create(mission=mission, **item.observer)
            Membership.objects.create(mission=mission, observer=observer, **item.membership)
            ObserverLanguage.objects.bulk_create(
                [ObserverLanguage(observer=observer, language=code, level=level) for code, level in item.languages]
            )
            report.created += 1
            continue
        changed = [
            name
            for name, value in item.observer.items()
            if name != "email" and value not in ("", None) and getattr(observer, name) != value
        ]
        for name in changed:
            setattr(observer, name, item.observer[name])
        if changed:
            observer.save(update_fields=changed)
        membership = memberships.get(observer.pk)
        if membership is None:
            Membership.objects.create(mission=mission, observer=observer, **item.membership)
            changed.append("membership")
        else:
            dirty = [name for name, value in item.membership.items() if getattr(membership, name) != value]
            for name in dirty:
                setattr(membership, name, item.membership[name])
            if dirty:
                membership.save(update_fields=dirty)
                changed.extend(dirty)
        wanted = set(item.languages)
        if wanted and wanted != languages.get(observer.pk, set()):
            ObserverLanguage.objects.filter(observer=observer).delete()
            ObserverLanguage.objects.bulk_create(
                [ObserverLanguage(observer=observer, language=code, level=level) for code, level in wanted]
            )
            changed.append("languages")
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
