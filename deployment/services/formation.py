"""Team formation: pair the mission's unteamed observers into valid teams of two, soft preferences optimised.

The hard rules live in observers.services (team_rule_errors); this module proposes pairs that satisfy them,
has team_rule_errors check every pair, and writes the accepted teams in bulk, so 2,000 observers pair in
about a second instead of a query-heavy team_create per team.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from access import Actor
from jobs.notices import notice
from missions.models import Mission
from observers.choices import ROLES_FOR_TEAM_KIND, Gender, LanguageLevel, MemberStatus, TeamKind
from observers.models import Membership, ObserverLanguage, Team, TeamMember
from observers.services import team_rule_errors

from ..choices import FormationKind
from .guard import require_planner

# How much each soft preference weighs when choosing a partner; an interpreter costs most, so language leads.
WEIGHT_LOCAL_LANGUAGE = 8
WEIGHT_MIXED_GENDER = 4
WEIGHT_FIRST_TIMER_WITH_EXPERIENCED = 3
WEIGHT_SHARED_WORKING_LANGUAGE = 2
# A partner sharing a working language is looked for among this many candidates of the best kind.
LANGUAGE_SCAN_LIMIT = 24
# The local search after the greedy pass: at most this many rounds and candidate trades in all.
IMPROVEMENT_ROUNDS = 4
IMPROVEMENT_BUDGET = 400_000
# "Basic" knowledge of the local language does not replace an interpreter.
SPEAKING_LEVELS = {LanguageLevel.NATIVE, LanguageLevel.FLUENT, LanguageLevel.WORKING}

CODE_FORMATS = {TeamKind.LTO: ("LTO-", 2), TeamKind.STO: ("STO-", 3)}

ProgressCallback = Callable[[int], None]


@dataclass
class FormationResult:
    """What a formation run did: the teams it created and each observer it left out, with the reason."""

    kind: str
    teams: list[Team] = field(default_factory=list)
    left_out: list[tuple[Membership, dict | str]] = field(default_factory=list)  # a notice, or the team rules' words
    dissolved: int = 0

    @property
    def needing_interpreter(self) -> int:
        return sum(1 for team in self.teams if team.needs_interpreter)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "teams_formed": len(self.teams),
            "teams_dissolved": self.dissolved,
            "needing_interpreter": self.needing_interpreter,
            "team_codes": [team.code for team in self.teams],
            "left_out": [
                {"membership": membership.pk, "observer": membership.observer.full_name, "reason": reason}
                for membership, reason in self.left_out
            ],
        }


@dataclass(eq=False)
class _Candidate:
    membership: Membership
    nationality: str
    gender: str
    first_timer: bool
    speaks_local: bool
    working_languages: frozenset[str]

    @property
    def bucket(self) -> tuple:
        return (self.nationality, self.gender, self.first_timer, self.speaks_local)


def next_team_number(*, mission: Mission, kind: str) -> int:
    """The number after the highest code of this kind in the mission (LTO-07 -> 8), so codes continue."""
    prefix, _width = CODE_FORMATS[TeamKind(kind)]
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    highest = 0
    for code in Team.objects.filter(mission=mission, code__startswith=prefix).values_list("code", flat=True):
        match = pattern.match(code)
        if match:
            highest = max(highest, int(match.group(1)))
    return highest + 1


def team_code(kind: str, number: int) -> str:
    prefix, width = CODE_FORMATS[TeamKind(kind)]
    return f"{prefix}{number:0{width}d}"


def _candidates(*, mission: Mission, kind: str) -> list[Membership]:
    languages = Prefetch("observer__languages", queryset=ObserverLanguage.objects.order_by("language"))
    return list(
        Membership.objects.filter(mission=mission, role__in=list(ROLES_FOR_TEAM_KIND[TeamKind(kind)]))
        .exclude(status=MemberStatus.WITHDRAWN)
        .exclude(team_seats__isnull=False)
        .select_related("observer", "mission")
        .prefetch_related(languages)
        .order_by("pk")
    )


def _describe(membership: Membership, local_languages: set[str]) -> _Candidate:
    observer = membership.observer
    spoken = [(lang.language.lower(), lang.level) for lang in observer.languages.all()]
    return _Candidate(
        membership=membership,
        nationality=observer.nationality.code,
        gender=observer.gender,
        first_timer=membership.first_mission,
        speaks_local=any(code in local_languages and level in SPEAKING_LEVELS for code, level in spoken),
        working_languages=frozenset(code for code, level in spoken if level in SPEAKING_LEVELS),
    )


def _pair_score(a: _Candidate, b_bucket: tuple, *, speakers_scarce: bool) -> int:
    """Soft-preference score of pairing `a` with anyone of kind `b_bucket` (working language aside)."""
    _nationality, gender, first_timer, speaks_local = b_bucket
    score = 0
    speakers = int(a.speaks_local) + int(speaks_local)
    if speakers == 1:
        score += WEIGHT_LOCAL_LANGUAGE
    elif speakers == 2:
        # Two speakers in one team leave another team without one when speakers are scarce.
        score += WEIGHT_LOCAL_LANGUAGE // 4 if speakers_scarce else WEIGHT_LOCAL_LANGUAGE
    if a.gender != gender and Gender.OTHER not in (a.gender, gender):
        score += WEIGHT_MIXED_GENDER
    if a.first_timer != first_timer:
        score += WEIGHT_FIRST_TIMER_WITH_EXPERIENCED
    elif not a.first_timer and not first_timer:
        score += 1  # two experienced observers beat two first-timers
    return score


def _pairs(candidates: list[_Candidate], *, rng: random.Random) -> tuple[list[tuple[_Candidate, _Candidate]], list]:
    """Greedy pairing that keeps the largest number of multinational pairs reachable at every step.

    The number of pairs a pool can still make is min(n // 2, n - largest nationality group). Each step takes
    the next observer of the largest nationality group and the best-scoring partner among the kinds whose
    removal keeps that number one lower (never lower still), so the greedy never gives away a possible pair.
    """
    order = list(candidates)
    rng.shuffle(order)
    by_nationality: dict[str, list[_Candidate]] = defaultdict(list)
    buckets: dict[tuple, list[_Candidate]] = defaultdict(list)
    for candidate in order:
        by_nationality[candidate.nationality].append(candidate)
        buckets[candidate.bucket].append(candidate)
    for members in buckets.values():
        members.reverse()  # pop() from the end takes them in shuffled order
    taken: set[int] = set()
    remaining = len(order)
    speakers_left = sum(1 for c in order if c.speaks_local)
    pairs: list[tuple[_Candidate, _Candidate]] = []

    def achievable(total: int, largest: int) -> int:
        return min(total // 2, total - largest)

    cursor: dict[str, int] = defaultdict(int)

    def first_free(nationality: str) -> _Candidate:
        queue = by_nationality[nationality]
        while queue[cursor[nationality]].membership.pk in taken:
            cursor[nationality] += 1
        return queue[cursor[nationality]]

    counts = {nationality: len(members) for nationality, members in by_nationality.items()}
    all_keys = sorted(buckets)
    while remaining >= 2:
        ranked = sorted(
            ((count, nationality) for nationality, count in counts.items() if count), key=lambda x: (-x[0], x[1])
        )
        if len(ranked) < 2:
            break
        largest_count, largest = ranked[0]
        now = achievable(remaining, largest_count)
        if now == 0:
            break
        a = first_free(largest)
        speakers_scarce = speakers_left * 2 <= remaining
        best: tuple | None = None
        for key in all_keys:
            if key[0] == largest or not buckets[key]:
                continue
            nationality = key[0]
            # Largest group after removing `a` and one of `nationality`.
            after = [counts[largest] - 1, counts[nationality] - 1]
            for count, other in ranked[:3]:
                if other not in (largest, nationality):
                    after.append(count)
                    break
            if achievable(remaining - 2, max(after)) < now - 1:
                continue
            score = _pair_score(a, key, speakers_scarce=speakers_scarce)
            if best is None or score > best[0]:
                best = (score, [key])
            elif score == best[0]:
                best[1].append(key)
        if best is None:
            break
        partner = None
        for key in best[1]:
            for candidate in reversed(buckets[key][-LANGUAGE_SCAN_LIMIT:]):
                if candidate.working_languages & a.working_languages:
                    partner = candidate
                    break
            if partner:
                break
        if partner is None:
            partner = buckets[best[1][0]][-1]
        for chosen in (a, partner):
            buckets[chosen.bucket].remove(chosen)
            taken.add(chosen.membership.pk)
            counts[chosen.nationality] -= 1
            speakers_left -= int(chosen.speaks_local)
        remaining -= 2
        pairs.append((a, partner))
    leftovers = [c for c in order if c.membership.pk not in taken]
    scarce = sum(1 for c in order if c.speaks_local) * 2 <= len(order)
    return _improve(pairs, speakers_scarce=scarce), leftovers


def _full_score(a: _Candidate, b: _Candidate, speakers_scarce: bool) -> int:
    shared = WEIGHT_SHARED_WORKING_LANGUAGE if a.working_languages & b.working_languages else 0
    return _pair_score(a, b.bucket, speakers_scarce=speakers_scarce) + shared


def _improve(pairs: list, *, speakers_scarce: bool) -> list:
    """Local search after the greedy pass: trade partners between two teams whenever that raises the pair
    scores and keeps both teams multinational. Only teams missing a preference that some other team could
    supply are tried, and the work is bounded, so large rosters stay fast."""
    pairs = list(pairs)
    scores = [_full_score(a, b, speakers_scarce) for a, b in pairs]
    budget = IMPROVEMENT_BUDGET
    for _round in range(IMPROVEMENT_ROUNDS):
        improved = False
        kinds = Counter(kind for a, b in pairs for kind in _shortfalls(a, b))
        for i in range(len(pairs)):
            if budget <= 0:
                return pairs
            a, b = pairs[i]
            # Worth trying only when some other team has what this one lacks (two speakers for none, ...).
            if not any(kinds[COMPLEMENT[kind]] for kind in _shortfalls(a, b)):
                continue
            for j in range(len(pairs)):
                if j == i:
                    continue
                budget -= 1
                c, d = pairs[j]
                before = scores[i] + scores[j]
                for first, second in (((a, c), (b, d)), ((a, d), (b, c))):
                    if first[0].nationality == first[1].nationality or second[0].nationality == second[1].nationality:
                        continue
                    first_score = _full_score(*first, speakers_scarce)
                    second_score = _full_score(*second, speakers_scarce)
                    if first_score + second_score > before:
                        pairs[i], pairs[j] = first, second
                        scores[i], scores[j] = first_score, second_score
                        improved = True
                        break
                else:
                    continue
                break
        if not improved:
            break
    return pairs


# What a team lacks, and the kind of team that could give it up in a trade of partners.
COMPLEMENT = {
    "no_speaker": "two_speakers",
    "two_speakers": "no_speaker",
    "two_women": "two_men",
    "two_men": "two_women",
    "two_first_timers": "two_experienced",
    "two_experienced": "two_first_timers",
    "no_shared_language": "no_shared_language",
}


def _shortfalls(a: _Candidate, b: _Candidate) -> list[str]:
    speakers = int(a.speaks_local) + int(b.speaks_local)
    found = []
    if speakers == 0:
        found.append("no_speaker")
    elif speakers == 2:
        found.append("two_speakers")
    if a.gender == b.gender == Gender.FEMALE:
        found.append("two_women")
    elif a.gender == b.gender == Gender.MALE:
        found.append("two_men")
    if a.first_timer and b.first_timer:
        found.append("two_first_timers")
    elif not a.first_timer and not b.first_timer:
        found.append("two_experienced")
    if not a.working_languages & b.working_languages:
        found.append("no_shared_language")
    return found


def _create_teams(mission: Mission, proposed: list[tuple[Team, list[Membership]]]) -> None:
    """Write checked teams and their seats in bulk (with history); the database constraints guard any race."""
    if not proposed:
        return
    bulk_create_with_history([team for team, _members in proposed], Team, batch_size=500)
    ids = dict(
        Team.objects.filter(mission=mission, code__in=[team.code for team, _ in proposed]).values_list("code", "id")
    )
    seats = []
    for team, memberships in proposed:
        team.pk = team.id = ids[team.code]
        seats.extend(TeamMember(team_id=team.pk, membership=membership) for membership in memberships)
    bulk_create_with_history(seats, TeamMember, batch_size=1000)


def _leftover_reason(candidate: _Candidate, leftovers: list[_Candidate]) -> dict:
    name = candidate.membership.observer.full_name
    nationalities = {c.nationality for c in leftovers}
    if len(leftovers) == 1:
        return notice("deployment.no_partner_odd", name=name)
    if len(nationalities) == 1:
        country = candidate.membership.observer.nationality.code
        return notice("deployment.no_partner_nationality", name=name, country=country)
    return notice("deployment.no_partner_multinational", name=name)


def formation_kind_check(kind: str) -> None:
    """Refuse a kind of team formation other than lto, sto or all."""
    if kind not in FormationKind.values:
        raise ValidationError(_("Unknown team kind %(kind)r: use lto, sto or all.") % {"kind": kind})


def teams_form(
    *,
    actor: Actor,
    mission: Mission,
    kind: str,
    seed: int = 2019,
    reform: bool = False,
    progress: ProgressCallback | None = None,
) -> FormationResult:
    """Form teams of two from the mission's unteamed observers of a kind (lto, sto or all), never breaking a rule.

    Soft preferences (mixed gender, a first-timer with an experienced observer, a local-language speaker, a
    shared working language) are optimised greedily; a team without a local-language speaker is flagged as
    needing an interpreter. With reform=True the kind's unlocked teams are dissolved first; locked teams are
    always kept exactly as they are. Only an actor who may plan the mission's deployment may (commands and jobs:
    ``access.system_actor``, ``access.job_actor``).
    """
    require_planner(actor, mission)
    formation_kind_check(kind)
    kind = FormationKind(kind)
    if kind == FormationKind.ALL:
        lto = teams_form(actor=actor, mission=mission, kind=TeamKind.LTO, seed=seed, reform=reform)
        if progress:
            progress(50)
        sto = teams_form(actor=actor, mission=mission, kind=TeamKind.STO, seed=seed, reform=reform)
        return FormationResult(
            kind=FormationKind.ALL,
            teams=lto.teams + sto.teams,
            left_out=lto.left_out + sto.left_out,
            dissolved=lto.dissolved + sto.dissolved,
        )
    with transaction.atomic():
        return _teams_form_one_kind(
            mission=mission, kind=TeamKind(kind.value), seed=seed, reform=reform, progress=progress
        )


def _teams_form_one_kind(
    *, mission: Mission, kind: TeamKind, seed: int, reform: bool, progress: ProgressCallback | None
) -> FormationResult:
    team_kind = kind
    result = FormationResult(kind=team_kind)
    if reform:
        _total, deleted = Team.objects.filter(mission=mission, kind=team_kind, locked=False).delete()
        result.dissolved = deleted.get("observers.Team", 0)
    local_languages = {code.lower() for code in (mission.local_languages or [])}
    pool: list[_Candidate] = []
    for membership in _candidates(mission=mission, kind=team_kind):
        if membership.observer.nationality.code == mission.host_country.code:
            result.left_out.append(
                (
                    membership,
                    notice(
                        "deployment.host_national",
                        name=membership.observer.full_name,
                        country=mission.host_country.code,
                    ),
                )
            )
            continue
        pool.append(_describe(membership, local_languages))
    rng = random.Random(f"{seed}:{mission.pk}:{team_kind}")
    pairs, leftovers = _pairs(pool, rng=rng)
    for candidate in leftovers:
        result.left_out.append((candidate.membership, _leftover_reason(candidate, leftovers)))
    number = next_team_number(mission=mission, kind=team_kind)
    proposed: list[tuple[Team, list[Membership]]] = []
    for first, second in pairs:
        # Members in a stable order (by name) so the same pairing reads the same every time.
        members = sorted((first, second), key=lambda c: (c.membership.observer.full_name, c.membership.pk))
        memberships = [c.membership for c in members]
        # The team rules are checked for every pair by the one implementation in observers.services.
        errors = team_rule_errors(mission=mission, kind=team_kind, memberships=memberships)
        if errors:
            for membership in memberships:
                result.left_out.append((membership, "; ".join(errors)))
            continue
        team = Team(
            mission=mission,
            kind=team_kind,
            code=team_code(team_kind, number),
            needs_interpreter=bool(local_languages) and not (first.speaks_local or second.speaks_local),
        )
        proposed.append((team, memberships))
        number += 1
    if progress:
        progress(60)
    _create_teams(mission, proposed)
    result.teams = [team for team, _members in proposed]
    if progress:
        progress(100)
    return result
