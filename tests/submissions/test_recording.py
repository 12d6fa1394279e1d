"""Recording forms exactly once: validation, derived flags, replays, conflicts, answers as rows."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.choices import FormKind
from checklists.selectors import template_published
from checklists.services import checklists_load_standard, template_new_version, template_publish
from submissions.models import Answer, Submission, SubmissionRevision
from submissions.services import SubmissionConflict, content_hash, submission_record, submission_validate
from tests.checklists.factories import answers_for, consistent_protocol
from tests.factories import MissionFactory

pytestmark = pytest.mark.django_db


def test_a_new_form_is_stored_with_its_answers_and_first_revision(world):
    submission, created = world.record("voting", unauthorised_present="yes", unauthorised_who=["police", "other"])

    assert created
    assert submission.kind == FormKind.VOTING
    assert submission.team == world.team
    assert (submission.region, submission.tec, submission.area_type) == (world.region, world.tec, "urban")
    assert submission.overall_assessment == "good"
    assert submission.revision == 1 and submission.revisions.get().revision == 1
    who = Answer.objects.filter(submission=submission, question_code="unauthorised_who")
    assert sorted(who.values_list("value", flat=True)) == ["other", "police"]
    voted = Answer.objects.get(submission=submission, question_code="voters_voted")
    assert voted.value == "5" and voted.number == 5


def test_a_hidden_question_has_no_answer_row_and_a_blank_one_is_null(world):
    submission, _ = world.record("voting", complaints_filed="no")
    incident, _ = world.record("incident", incident_time=None)

    codes = set(submission.answers.values_list("question_code", flat=True))
    assert "unauthorised_who" not in codes  # hidden: unauthorised_present is "no"
    assert "complaints_details" not in codes
    assert incident.answers.get(question_code="incident_time").value is None


def test_not_applicable_is_stored_as_na(world):
    submission, _ = world.record("voting", ballots_stamped="na")
    assert submission.answers.get(question_code="ballots_stamped").value == "na"


def test_a_replay_returns_the_existing_form_and_writes_nothing(world, django_assert_max_num_queries):
    form_uuid = uuid.uuid4()
    payload = world.payload("voting")
    first, created = world.record("voting", payload=payload, form_uuid=form_uuid)
    rows = (Submission.objects.count(), Answer.objects.count(), SubmissionRevision.objects.count())

    replay_payload = {**payload, "answers": dict(reversed(list(payload["answers"].items())))}
    again, created_again = world.record("voting", payload=replay_payload, form_uuid=form_uuid)

    assert created and not created_again
    assert again.pk == first.pk
    assert (Submission.objects.count(), Answer.objects.count(), SubmissionRevision.objects.count()) == rows


def test_reusing_a_uuid_for_different_content_is_a_conflict_and_changes_nothing(world):
    form_uuid = uuid.uuid4()
    first, _ = world.record("voting", form_uuid=form_uuid)
    stored = (first.content_hash, Answer.objects.count())

    with pytest.raises(SubmissionConflict):
        world.record("voting", form_uuid=form_uuid, group_voting="yes")

    first.refresh_from_db()
    assert (first.content_hash, Answer.objects.count()) == stored
    assert Submission.objects.count() == 1


def test_the_content_hash_ignores_key_order():
    assert content_hash({"a": 1, "b": {"x": 1, "y": 2}}) == content_hash({"b": {"y": 2, "x": 1}, "a": 1})


def test_a_critical_answer_raises_the_alert_flag(world):
    calm, _ = world.record("voting")
    stuffing, _ = world.record("voting", ballot_box_stuffing_seen="yes")

    assert not calm.has_critical
    assert stuffing.has_critical


def test_header_fields_are_stored(world):
    payload = world.payload("voting")
    payload.update(arrival_time="2019-06-09T09:15", departure_time="09:50", urgent=True, notes=" Crowd outside. ")
    submission, _ = world.record("voting", payload=payload)

    assert submission.urgent and submission.notes == "Crowd outside."
    # Naive times are local to the station's region (the mission's zone, UTC+6): 09:15 local is 03:15 UTC.
    assert submission.arrival_time.isoformat() == "2019-06-09T03:15:00+00:00"
    assert submission.departure_time.isoformat() == "2019-06-09T03:50:00+00:00"


def test_a_count_that_runs_past_midnight_departs_the_next_day(world):
    payload = world.payload("counting", **consistent_protocol())
    payload.update(arrival_time="19:30", departure_time="01:10")
    submission, _ = world.record("counting", payload=payload)
    assert submission.departure_time.isoformat() == "2019-06-09T19:10:00+00:00"


class TestValidation:
    def test_every_problem_is_reported_by_code_at_once(self, world):
        template = world.template("voting")
        answers = answers_for(template)
        answers.update(
            voters_voted=20000,
            voters_on_list="many",
            ids_checked="sometimes",
            unauthorised_who=["police"],  # hidden: dropped, not an error
            no_such_question="yes",
            group_voting=True,
        )
        answers.pop("secrecy_ensured")
        with pytest.raises(ValidationError) as error:
            submission_validate(template=template, payload={"polling_station": 1, "answers": answers, "colour": "x"})

        messages = error.value.message_dict
        assert messages["voters_voted"] == ["Enter a number of at most 10000."]
        assert messages["voters_on_list"] == ["Enter a whole number."]
        assert messages["ids_checked"] == ["Not a choice of this question: sometimes."]
        assert messages["no_such_question"] == ["Unknown question for this form version."]
        assert messages["group_voting"] == ["Answer yes or no."]
        assert messages["secrecy_ensured"] == ["This answer is required."]
        assert "Unknown field" in messages["colour"][0]
        assert "unauthorised_who" not in messages

    def test_a_hidden_required_question_is_not_required(self, world):
        template = world.template("voting")
        answers = answers_for(template, unauthorised_present="no")
        assert "unauthorised_who" not in answers

        cleaned = submission_validate(template=template, payload={"polling_station": 1, "answers": answers})

        assert "unauthorised_who" not in cleaned

    def test_a_shown_required_question_left_blank_is_refused(self, world):
        template = world.template("voting")
        answers = answers_for(template, unauthorised_present="yes")
        answers.pop("unauthorised_who")

        with pytest.raises(ValidationError) as error:
            submission_validate(template=template, payload={"polling_station": 1, "answers": answers})

        assert error.value.message_dict == {"unauthorised_who": ["This answer is required."]}

    def test_an_answer_to_a_hidden_question_is_dropped(self, world):
        template = world.template("voting")
        answers = answers_for(template, unauthorised_present="no")
        answers["unauthorised_who"] = ["police"]

        cleaned = submission_validate(template=template, payload={"polling_station": 1, "answers": answers})

        assert "unauthorised_who" not in cleaned

    def test_a_condition_on_a_hidden_question_hides_its_dependants_too(self, world):
        template = world.template("counting")
        answers = answers_for(template, protocol_figures_obtained="no")
        cleaned = submission_validate(template=template, payload={"polling_station": 1, "answers": answers})
        assert "ballots_received" not in cleaned and "candidate_1" not in cleaned

    def test_choices_must_come_from_the_list(self, world):
        template = world.template("voting")
        answers = answers_for(template, unauthorised_present="yes", unauthorised_who=["police", "aliens"])
        with pytest.raises(ValidationError) as error:
            submission_validate(template=template, payload={"polling_station": 1, "answers": answers})
        assert error.value.message_dict == {"unauthorised_who": ["Not a choice of this question: aliens."]}

    def test_na_is_only_for_questions_that_allow_it(self, world):
        template = world.template("voting")
        answers = answers_for(template, group_voting="na")
        with pytest.raises(ValidationError) as error:
            submission_validate(template=template, payload={"polling_station": 1, "answers": answers})
        assert error.value.message_dict == {"group_voting": ["Answer yes or no."]}

    def test_texts_and_notes_are_capped(self, world):
        template = world.template("incident")
        answers = answers_for(template, description="x" * 5001)
        with pytest.raises(ValidationError) as error:
            submission_validate(template=template, payload={"answers": answers, "notes": "n" * 5001})
        messages = error.value.message_dict
        assert messages["description"] == ["Keep this to 5000 characters (it has 5001)."]
        assert messages["notes"] == ["Keep the notes to 5000 characters (they have 5001)."]

    def test_a_long_text_is_kept_whole(self, world):
        payload = world.payload("incident", description="Долгий рассказ. " * 300)
        submission, _ = world.record("incident", payload=payload)
        answer = submission.answers.get(question_code="description")
        assert answer.text == ("Долгий рассказ. " * 300).strip()
        assert len(answer.value) == 255

    def test_observation_forms_need_a_place(self, world):
        with pytest.raises(ValidationError) as voting:
            submission_validate(template=world.template("voting"), payload={"answers": {}})
        with pytest.raises(ValidationError) as tabulation:
            submission_validate(template=world.template("tabulation"), payload={"answers": {}})
        assert "polling_station" in voting.value.message_dict
        assert "tec" in tabulation.value.message_dict

    def test_only_meeting_records_are_confidential(self, world):
        with pytest.raises(ValidationError) as error:
            world.record("incident", payload={**world.payload("incident"), "confidential": True})
        assert error.value.message_dict == {"confidential": ["Only meeting records can be confidential."]}

    def test_times_must_be_times(self, world):
        payload = {**world.payload("voting"), "arrival_time": "half past nine"}
        with pytest.raises(ValidationError) as error:
            world.record("voting", payload=payload)
        assert "arrival_time" in error.value.message_dict
        assert Submission.objects.count() == 0

    def test_a_station_of_another_mission_is_unknown(self, world):
        from tests.factories import PollingStationFactory

        foreign = PollingStationFactory()
        with pytest.raises(ValidationError) as error:
            world.record("voting", payload=world.payload("voting", station=foreign))
        assert error.value.message_dict == {
            "polling_station": [f"No polling station with id {foreign.pk} in this mission."]
        }

    def test_a_refusal_of_the_place_or_of_a_reused_uuid_speaks_the_observers_language(self, world):
        from django.utils import translation

        from tests.factories import PollingStationFactory

        foreign = PollingStationFactory()
        with translation.override("ru"), pytest.raises(ValidationError) as error:
            world.record("voting", payload=world.payload("voting", station=foreign))
        assert error.value.message_dict == {
            "polling_station": [f"В этой миссии нет избирательного участка с идентификатором {foreign.pk}."]
        }
        submission, _created = world.record("voting")
        with translation.override("ru"), pytest.raises(SubmissionConflict) as conflict:
            world.record("voting", payload=world.payload("voting", long_queues="yes"), form_uuid=submission.uuid)
        assert str(conflict.value).startswith(f"Форма {submission.uuid} уже получена с другим содержанием")


class TestRaces:
    """A reused UUID is found by the insert itself: no look-up first, so no window between a look-up and an insert."""

    @pytest.fixture
    def lookups(self, monkeypatch):
        """Count the reads of a stored form by UUID."""
        from submissions.services import recording as services

        real = services._stored
        calls = []

        def stored(form_uuid):
            calls.append(form_uuid)
            return real(form_uuid)

        monkeypatch.setattr(services, "_stored", stored)
        return calls

    def test_a_new_form_is_inserted_without_looking_its_uuid_up_first(self, world, lookups):
        world.record("voting")
        assert lookups == []

    def test_a_resend_with_the_same_content_is_read_back_after_the_insert_finds_the_uuid_taken(self, world, lookups):
        form_uuid = uuid.uuid4()
        payload = world.payload("voting")
        first, _ = world.record("voting", payload=payload, form_uuid=form_uuid)

        again, created = world.record("voting", payload=payload, form_uuid=form_uuid)

        assert (again.pk, created) == (first.pk, False)
        assert lookups == [form_uuid]
        assert Submission.objects.count() == 1 and SubmissionRevision.objects.count() == 1

    def test_a_resend_with_other_content_is_a_conflict(self, world, lookups):
        form_uuid = uuid.uuid4()
        world.record("voting", form_uuid=form_uuid)

        with pytest.raises(SubmissionConflict):
            world.record("voting", form_uuid=form_uuid, group_voting="yes")
        assert lookups == [form_uuid]
        assert Submission.objects.count() == 1
        assert not Answer.objects.filter(question_code="group_voting", value="yes").exists()


class TestVersions:
    def test_a_form_opened_on_a_version_since_retired_is_still_accepted(self, world):
        old = world.template("voting")
        payload = world.payload("voting")
        template_publish(template=template_new_version(template=old))
        old.refresh_from_db()

        submission, created = submission_record(
            user=world.owner, mission=world.mission, uuid=uuid.uuid4(), template=old, payload=payload
        )
        assert created and submission.template == old and old.status == "retired"

    def test_a_draft_or_another_missions_checklist_is_refused(self, world):
        draft = template_new_version(template=world.template("voting"))
        other_mission = MissionFactory()
        checklists_load_standard(mission=other_mission)
        foreign = template_published(mission=other_mission, kind="voting")
        for template in (draft, foreign):
            with pytest.raises(ValidationError) as error:
                submission_record(
                    user=world.owner,
                    mission=world.mission,
                    uuid=uuid.uuid4(),
                    template=template,
                    payload=world.payload("voting"),
                )
            assert "template" in error.value.message_dict
        assert Submission.objects.count() == 0


def test_messages_follow_the_observers_language(world):
    from django.utils import translation

    template = world.template("voting")
    answers = answers_for(template, voters_voted="many")
    answers.pop("secrecy_ensured")
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        submission_validate(template=template, payload={"answers": answers})
    messages = error.value.message_dict
    assert messages["voters_voted"] == ["Введите целое число."]
    assert messages["secrecy_ensured"] == ["Этот ответ обязателен."]
    assert messages["polling_station"] == ["Выберите избирательный участок."]


def test_nul_characters_are_dropped_from_texts(world):
    payload = {**world.payload("incident", description="Broken\x00 seal"), "notes": "a\x00b"}
    submission, _ = world.record("incident", payload=payload)
    assert submission.answers.get(question_code="description").text == "Broken seal"
    assert submission.notes == "ab"


def test_a_number_beyond_any_figure_is_refused(world):
    voting = world.template("voting")
    answers = answers_for(voting, voters_voted=10**15)
    with pytest.raises(ValidationError) as error:
        submission_validate(template=voting, payload={"polling_station": 1, "answers": answers})
    assert error.value.message_dict == {"voters_voted": ["Enter a number of at most 1000000000000."]}


def test_recording_a_form_takes_a_constant_number_of_queries(world, django_assert_max_num_queries):
    counting = world.payload("counting", **consistent_protocol())
    voting = world.payload("voting")
    world.record("voting", payload=voting)
    world.record("counting", payload=counting)
    # A published checklist is read once per process. Then 1 query works out the actor (the membership with its
    # team and the team's planned region) and 1 loads the place. The writes (the form, its answers, its first
    # revision and that revision's answers, the form's status asking for a phase lock, the tally event) take one
    # statement on PostgreSQL, and elsewhere five plus the tally event; inside a transaction (here a savepoint and
    # its release; on SQLite one more around the form's insert): whatever the form and however many forms are
    # stored already.
    writes = 3 if connection.vendor == "postgresql" else 10
    templates = {kind: world.template(kind) for kind in ("counting", "voting")}
    for kind, payload in [("counting", counting), ("voting", voting)] * 2:
        with django_assert_max_num_queries(2 + writes) as captured:
            submission_record(
                user=world.owner, mission=world.mission, uuid=uuid.uuid4(), template=templates[kind], payload=payload
            )
        assert len(captured) == 2 + writes


def test_a_published_checklist_is_read_once_and_a_draft_every_time(world, django_assert_num_queries):
    from checklists.selectors import template_content, template_questions, template_with_structure

    published = world.template("voting")
    template_content(published)
    with django_assert_num_queries(0):
        again = template_content(published)
    assert [question.code for question in again.questions][:2] == [
        question.code for question in template_content(published).questions
    ][:2]
    # What the cache holds is what the database holds: every question in form order and every rule.
    fresh = template_with_structure(template_id=published.pk)
    assert [question.pk for question in again.questions] == [question.pk for question in template_questions(fresh)]
    assert [rule.pk for rule in again.rules] == [rule.pk for rule in fresh.rules.all()]
    draft = template_new_version(template=published)
    template_content(draft)
    with CaptureQueriesContext(connection) as captured:
        template_content(draft)
    assert len(captured) > 0


def test_a_time_far_outside_any_election_gets_a_message_not_a_crash():
    mission = MissionFactory(slug="calendar-ends")
    template = next(t for t in checklists_load_standard(mission=mission) if t.kind == FormKind.VOTING)
    with pytest.raises(ValidationError) as caught:
        submission_validate(template=template, payload={"arrival_time": "0001-01-01T00:10+23:00", "answers": {}})
    assert caught.value.message_dict["arrival_time"] == [
        "0001-01-01T00:10+23:00 is not a plausible time of observation."
    ]


def test_a_new_form_writes_its_tally_event_with_it(world):
    from tallies.cells import hour_of
    from tallies.models import TallyEvent

    submission, _ = world.record("voting")
    revision = submission.revisions.get()
    event = TallyEvent.objects.get(revision=revision)
    assert (event.mission_id, event.sign, event.at, event.hour, event.rolled_up) == (
        world.mission.pk,
        1,
        revision.valid_from,
        hour_of(revision.valid_from),
        False,
    )


def test_a_listener_the_insert_cannot_write_for_is_sent_the_signal_inside_the_transaction(world):
    from submissions.signals import revision_current
    from tallies.models import TallyEvent

    heard = []

    def listener(sender, *, mission_id, revision_id, at, **kwargs):
        heard.append((mission_id, revision_id, at, connection.in_atomic_block))

    revision_current.connect(listener, dispatch_uid="tests.listener")
    try:
        submission, _ = world.record("voting")
    finally:
        revision_current.disconnect(dispatch_uid="tests.listener")
    revision = submission.revisions.get()
    assert heard == [(world.mission.pk, revision.pk, revision.valid_from, True)]
    assert TallyEvent.objects.filter(revision=revision).count() == 1  # the tallies' listener was sent it too
