"""Whatever arrives, validation answers with ValidationError messages or cleaned answers, never anything else."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklists.choices import FormKind
from checklists.selectors import template_published
from checklists.services import checklists_load_standard
from submissions.services import PAYLOAD_KEYS, submission_validate
from tests.checklists.factories import answers_for

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@pytest.fixture
def counting(mission):
    checklists_load_standard(mission=mission)
    return template_published(mission=mission, kind=FormKind.COUNTING)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.dictionaries(st.sampled_from([*PAYLOAD_KEYS, "extra"]), json_values, max_size=6),
    replacements=st.dictionaries(
        st.sampled_from(["ballots_received", "overall_assessment", "figures_reconciled", "unauthorised_who", "x"]),
        json_values,
        max_size=4,
    ),
)
def test_any_payload_gets_messages_or_clean_answers(counting, header, replacements):
    payload = {"polling_station": 1, **header}
    if not isinstance(payload.get("answers"), dict):
        payload["answers"] = {**answers_for(counting), **replacements}
    try:
        cleaned = submission_validate(template=counting, payload=payload)
    except ValidationError as error:
        assert error.message_dict
        assert all(isinstance(m, str) and m for messages in error.message_dict.values() for m in messages)
    else:
        assert set(cleaned) <= {q.code for q in counting.questions.all()}
