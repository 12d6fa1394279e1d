import pytest
from django.utils import translation

from access import system_actor
from deployment.services import teams_form
from jobs.notices import notice_text
from observers.choices import Gender, MemberRole, MemberStatus, TeamKind
from observers.models import Team, TeamMember
from observers.services import team_check
from tests.deployment.builders import observer, roster
from tests.factories import team_with_members

pytestmark = pytest.mark.django_db


def _reasons(result):
    return [notice_text(reason) for _membership, reason in result.left_out]


def test_it_pairs_every_sto_into_multinational_teams_of_two(mission):
    roster(mission, 40)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    assert len(result.teams) == 20
    assert result.left_out == []
    for team in Team.objects.filter(mission=mission):
        assert team_check(team=team) == []
        nationalities = {seat.membership.observer.nationality.code for seat in team.members.all()}
        assert len(nationalities) == 2


def test_it_names_the_odd_one_left_over(mission):
    roster(mission, 5)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    assert len(result.teams) == 2
    assert len(result.left_out) == 1
    assert "an odd number of observers was left to pair" in _reasons(result)[0]


def test_it_leaves_out_observers_when_only_one_nationality_remains(mission):
    for _ in range(4):
        observer(mission, "DE")
    observer(mission, "FR")
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    assert len(result.teams) == 1
    assert len(result.left_out) == 3
    assert all("only nationals of Germany remain" in reason for reason in _reasons(result))
    assert "team must be multinational" in _reasons(result)[0]


def test_it_never_deploys_a_host_country_national(mission):
    host = observer(mission, "KZ", name="Aigerim Host")
    observer(mission, "DE")
    observer(mission, "FR")
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    assert len(result.teams) == 1
    assert [membership for membership, _reason in result.left_out] == [host]
    assert _reasons(result) == ["Aigerim Host is a national of the host country (Kazakhstan) and cannot observe there."]
    with translation.override("ru"):
        assert _reasons(result) == [
            "Aigerim Host — гражданин принимающей страны (Казахстан) и не может наблюдать в ней."
        ]
    assert not TeamMember.objects.filter(membership=host).exists()


def test_it_skips_withdrawn_observers_and_those_already_in_a_team(mission):
    existing = team_with_members(mission=mission, code="STO-007", nationalities=("DE", "FR"))
    observer(mission, "IT", status=MemberStatus.WITHDRAWN)
    observer(mission, "PL")
    observer(mission, "SE")
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    assert [team.code for team in result.teams] == ["STO-008"]  # codes continue the sequence
    assert existing.members.count() == 2
    assert TeamMember.objects.count() == 4


def test_it_forms_lto_teams_only_from_ltos_with_their_own_codes(mission):
    roster(mission, 4, role=MemberRole.LTO)
    roster(mission, 4)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="lto", seed=1)
    assert [team.code for team in result.teams] == ["LTO-01", "LTO-02"]
    assert all(team.kind == TeamKind.LTO for team in result.teams)
    assert Team.objects.filter(kind=TeamKind.STO).count() == 0


def test_parliamentarians_deploy_like_stos(mission):
    observer(mission, "DE", role=MemberRole.PARLIAMENTARIAN)
    observer(mission, "FR", role=MemberRole.STO)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    assert len(result.teams) == 1


def test_it_mixes_genders_and_pairs_first_timers_with_experienced_observers(mission):
    for nationality in ("DE", "FR", "IT", "PL"):
        observer(mission, nationality, gender=Gender.FEMALE, first_mission=True)
    for nationality in ("SE", "GB", "NO", "US"):
        observer(mission, nationality, gender=Gender.MALE, first_mission=False)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=3)
    assert len(result.teams) == 4
    for team in result.teams:
        seats = [seat.membership for seat in team.members.all()]
        assert {m.observer.gender for m in seats} == {Gender.FEMALE, Gender.MALE}
        assert {m.first_mission for m in seats} == {True, False}


def test_it_spreads_local_language_speakers_and_flags_teams_needing_an_interpreter(mission):
    for nationality in ("DE", "FR"):
        observer(mission, nationality, languages=("en", "ru"))
    for nationality in ("IT", "PL", "SE", "GB"):
        observer(mission, nationality, languages=("en",))
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=5)
    flags = sorted(team.needs_interpreter for team in result.teams)
    assert flags == [False, False, True]


def test_it_prefers_a_partner_with_a_shared_working_language(mission):
    observer(mission, "DE", languages=("fr",), gender=Gender.FEMALE)
    observer(mission, "IT", languages=("en",), gender=Gender.MALE)
    observer(mission, "FR", languages=("fr",), gender=Gender.MALE)
    observer(mission, "PL", languages=("en",), gender=Gender.FEMALE)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    for team in result.teams:
        languages = [
            {language.language for language in seat.membership.observer.languages.all()} for seat in team.members.all()
        ]
        assert languages[0] & languages[1]


def test_locked_teams_survive_re_formation(mission):
    roster(mission, 8)
    first = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    keep = first.teams[0]
    keep.locked = True
    keep.save()
    members = set(keep.members.values_list("membership_id", flat=True))
    again = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=99, reform=True)
    assert again.dissolved == 3
    keep.refresh_from_db()
    assert set(keep.members.values_list("membership_id", flat=True)) == members
    assert len(again.teams) == 3
    assert Team.objects.filter(mission=mission).count() == 4


def test_formation_is_deterministic_for_a_seed(mission):
    roster(mission, 30)

    def pairing():
        return sorted(
            tuple(sorted(team.members.values_list("membership_id", flat=True)))
            for team in Team.objects.filter(mission=mission)
        )

    teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=11)
    first = pairing()
    Team.objects.all().delete()
    teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=11)
    assert pairing() == first


def test_it_keeps_the_maximum_number_of_pairs_when_one_nationality_dominates(mission):
    for _ in range(6):
        observer(mission, "DE")
    for nationality in ("FR", "IT", "PL", "SE", "GB", "NO"):
        observer(mission, nationality)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=2)
    assert len(result.teams) == 6
    assert result.left_out == []


def test_it_refuses_an_unknown_kind_with_a_clear_message(mission):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown team kind 'observers': use lto, sto or all."):
        teams_form(actor=system_actor(mission), mission=mission, kind="observers")


def test_a_pair_the_team_rules_refuse_is_left_out_with_their_message_and_never_written(mission, monkeypatch):
    from deployment.services import formation

    roster(mission, 4)
    refused = {"calls": 0}

    def refuse_first(**kwargs):
        refused["calls"] += 1
        return ["Refused by the team rules."] if refused["calls"] == 1 else []

    monkeypatch.setattr(formation, "team_rule_errors", refuse_first)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)
    assert len(result.teams) == 1 and Team.objects.count() == 1
    assert _reasons(result) == ["Refused by the team rules.", "Refused by the team rules."]


def test_formation_queries_grow_by_one_rule_check_per_team(mission, django_assert_max_num_queries):
    roster(mission, 60)
    with django_assert_max_num_queries(30 + 30):
        teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=1)


def test_soft_preferences_reach_the_best_the_roster_allows(mission):
    # 40 observers: 20 women and 20 men, 10 first-timers, 14 Russian speakers (tests.deployment.builders.roster).
    roster(mission, 40)
    result = teams_form(actor=system_actor(mission), mission=mission, kind="sto", seed=2019)
    teams = Team.objects.filter(mission=mission).prefetch_related("members__membership__observer")
    mixed = first_with_experienced = 0
    for team in teams:
        seats = [seat.membership for seat in team.members.all()]
        mixed += len({m.observer.gender for m in seats}) == 2
        first_with_experienced += sum(m.first_mission for m in seats) == 1
    assert mixed == 20
    assert first_with_experienced == 10
    assert result.needing_interpreter == 20 - 14
