"""The compiled report as typed values, stored as versioned JSON in a run and read back by pages, exports and charts.

A result holds figures and keys only: question codes with the checklist version their wording comes from, answer
values, region and area codes, flag codes. Words (question texts, answer labels, region names aside, which are
the mission's own) are given at read time in the reader's language (reports.result.labels).

Schema versions: 3 is written today: the lists of flagged forms (incidents, protocol mismatches) are not in it, a
run keeps them in a table of its own (reports.flagged) and the result says how many each holds (`listed`). 2 held
the lists; a migration moved those of stored runs into the table, and a result that still holds them reads them.
1 (runs compiled before results were typed) had no "schema" key and stored English texts (question text and section,
answer labels, turnout convention, conflict rule, protocol sentences); it still loads. Only the texts a page falls
back to are read (a question's text and section, an answer's label, a form's protocol sentences); the others are left
out when it loads, like any key a schema does not know.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any

SCHEMA = 3
READABLE_SCHEMAS = (1, 2, 3)
MAX_PROBLEMS = 5
UNKNOWN_REGION = ""


def optional():
    """A field a result leaves out of its JSON when it has no value (a question's sum when it is not an integer)."""
    return field(default=None, metadata={"omit_none": True})


def legacy():
    """A field only runs of schema 1 have (English words stored at compile time): read when present, never written."""
    return optional()


def apart():
    """A list kept out of the stored JSON (a run keeps it in a table of its own, reports.flagged binds it when the
    result is read); read from the JSON only where a result of schema 1 or 2 still holds it."""
    return field(default_factory=list, compare=False, repr=False, metadata={"apart": True})


class UnreadableResult(ValueError):
    """A stored result of a schema this code cannot read: compile the run again."""


@dataclass
class Share:
    """A count out of n, its percentage and 95 % Wilson interval in per cent (None without observations)."""

    count: int
    n: int
    pct: float | None
    ci: list[float] | None


@dataclass
class StationShare(Share):
    """A share of observations with the distinct stations they were made at."""

    stations: int = 0


@dataclass
class ValueShare(Share):
    """One answer value of a closed question; `label` only in schema-1 runs."""

    value: str = ""
    label: str | None = legacy()


@dataclass
class QuestionCell:
    """One question's figures in one group (all forms, a region or an area).

    Closed questions have `values` (and `critical` when some answers are critical); integer questions `sum`, `mean`,
    `min` and `max`; time and text questions only n, not applicable and blank.
    """

    n: int
    na: int
    blank: int
    values: list[ValueShare] | None = optional()
    critical: StationShare | None = optional()
    sum: int | None = None
    mean: float | None = None
    min: int | None = None
    max: int | None = None

    def value(self, value: str) -> ValueShare | None:
        """The share of one answer value in this group (None when nobody gave it)."""
        return next((share for share in self.values or [] if share.value == value), None)


@dataclass
class QuestionResult(QuestionCell):
    """One question of a kind: its key, overall figures (integers: with the median) and figures by region and area."""

    code: str = ""
    type: str = ""
    version: int | None = None
    critical_values: list[str] = field(default_factory=list)
    median: float | None = None
    by_region: dict[str, QuestionCell] = field(default_factory=dict)
    by_area: dict[str, QuestionCell] = field(default_factory=dict)
    # Schema 1 only: the wording stored at compile time.
    text: str | None = legacy()
    section: str | None = legacy()

    @property
    def integer(self) -> bool:
        return self.type == "integer"


@dataclass
class AssessmentCell:
    """The overall assessment in one group: forms per value, their shares, and the negative share."""

    n: int
    counts: dict[str, int]
    pct: dict[str, float | None]
    negative: StationShare


@dataclass
class AssessmentResult(AssessmentCell):
    by_region: dict[str, AssessmentCell] = field(default_factory=dict)
    by_area: dict[str, AssessmentCell] = field(default_factory=dict)


@dataclass
class KindCover:
    observations: int
    stations: int
    tecs: int | None = optional()  # by region only: a TEC spans urban and rural stations


@dataclass
class KindResult:
    """Everything compiled about one form kind."""

    observations: int
    stations: int | None
    tecs: int
    by_region: dict[str, KindCover]
    by_area: dict[str, KindCover]
    assessment: AssessmentResult
    questions: list[QuestionResult]

    def question(self, code: str) -> QuestionResult | None:
        return next((question for question in self.questions if question.code == code), None)


@dataclass
class StationCover:
    observed: int
    stations: int
    pct: float | None


@dataclass
class Teams:
    total: int
    reported: int
    not_reported: list[str]


@dataclass
class Coverage:
    observations: dict[str, int]
    observations_total: int
    stations: StationCover
    by_region: dict[str, StationCover]
    by_area: dict[str, StationCover]
    teams: Teams


@dataclass
class TurnoutCell:
    forms: int
    voters_voted: int
    voters_on_list: int
    pct: float | None
    # Counted since turnout stated its convention; runs compiled before read as none.
    on_list_zero: int = 0
    incomplete: int = 0


@dataclass
class Turnout(TurnoutCell):
    by_region: dict[str, TurnoutCell] = field(default_factory=dict)
    by_area: dict[str, TurnoutCell] = field(default_factory=dict)


@dataclass
class FlaggedForm:
    """A form in a list of the report: where and when it was received, by which team."""

    submission: int
    kind: str
    team: str
    station: str
    tec: str
    region: str
    received_at: str


@dataclass
class ProtocolForm(FlaggedForm):
    """A form flagged by a data-quality rule: its flags as stored (rule codes and values) and its checklist."""

    flags: list[Any] = field(default_factory=list)
    template: int | None = None
    issues: list[str] | None = legacy()  # the flags as English sentences


@dataclass
class Protocol:
    counting_forms: int
    mismatches: int
    by_region: dict[str, int]
    list: list[ProtocolForm] = apart()
    by_rule: dict[str, int] = field(default_factory=dict)
    listed: int | None = optional()  # forms in the list (schema 3)


@dataclass
class CriticalAnswer:
    code: str
    value: str


@dataclass
class IncidentForm(FlaggedForm):
    urgent: bool = False
    critical: bool = False
    critical_answers: list[CriticalAnswer] = field(default_factory=list)
    notes: str = ""


@dataclass
class Incidents:
    urgent: int
    critical: int
    list: list[IncidentForm] = apart()
    listed: int | None = optional()  # forms in the list, urgent, critical or both (schema 3)


@dataclass
class ConflictForm:
    submission: int
    team: str
    received_at: str


@dataclass
class ConflictLine:
    """A protocol line or critical question on which the forms differ, with each form's answer by submission id."""

    code: str
    values: dict[str, str]


@dataclass
class Conflict:
    kind: str
    station_id: int
    station: str
    region: str
    forms: list[ConflictForm]
    lines: list[ConflictLine]
    decision: dict[str, Any] | None


@dataclass
class Conflicts:
    count: int = 0
    decided: int = 0
    one_is_right: int = 0
    both_stand: int = 0
    forms_not_counted: int = 0
    list: list[Conflict] = field(default_factory=list)


@dataclass
class Hour:
    hour: str
    counts: dict[str, int]
    total: int


@dataclass
class MissionRef:
    slug: str
    name: str
    time_zone: str


@dataclass
class Filters:
    kinds: list[str]
    region: str | None
    cutoff: str


@dataclass
class Snapshot:
    """The moment the forms are counted as of, in UTC (ISO) and in the mission's local time."""

    at: str
    local: str
    time_zone: str

    @property
    def date(self) -> str:
        return self.local[:10]

    @property
    def time(self) -> str:
        return self.local[11:]


@dataclass
class RegionRef:
    code: str
    name: str


@dataclass
class ReportResult:
    """A compiled report: what was compiled, and every figure of it."""

    mission: MissionRef
    filters: Filters
    regions: list[RegionRef]
    coverage: Coverage
    kinds: dict[str, KindResult]
    turnout: Turnout
    protocol: Protocol
    incidents: Incidents
    timeline: list[Hour]
    snapshot: Snapshot | None = None
    conflicts: Conflicts = field(default_factory=Conflicts)
    # The official results section and its cross-check, as the results app gives it (results.reporting).
    official_results: dict[str, Any] | None = None
    schema: int = SCHEMA

    # -- stored form ------------------------------------------------------------------------------------------------

    def to_json(self) -> dict:
        """The stored form: plain JSON types, keys in declaration order, the schema version first."""
        data = _dump(self)
        return {"schema": data.pop("schema"), **data}

    @classmethod
    def from_json(cls, data: dict) -> ReportResult:
        """Read a stored result of any readable schema; UnreadableResult for any other (compile the run again)."""
        if not isinstance(data, dict):
            raise UnreadableResult("A stored result must be a JSON object.")
        schema = data.get("schema", 1)
        if schema not in READABLE_SCHEMAS:
            raise UnreadableResult(f"Result schema {schema} cannot be read here; compile the run again.")
        try:
            return _load(cls, {**data, "schema": schema})
        except (KeyError, TypeError, AttributeError) as exc:
            raise UnreadableResult(f"The stored result is incomplete ({exc}); compile the run again.") from exc

    # -- helpers the pages, exports and charts share ----------------------------------------------------------------

    def region_names(self, unknown: str = "Unknown region") -> dict[str, str]:
        """Region code -> name, with the blank code (forms without a known region) named `unknown`."""
        names = {region.code: region.name for region in self.regions}
        names[UNKNOWN_REGION] = str(unknown)
        return names

    def region_order(self, codes) -> list[str]:
        """`codes` in the order of the region names, the unknown region last."""
        order = {region.code: index for index, region in enumerate(self.regions)}
        return sorted(codes, key=lambda code: (code == UNKNOWN_REGION, order.get(code, len(order)), code))

    def main_kind(self) -> str | None:
        """The kind the headline figures describe: voting when observed, else the kind with most observations."""
        if "voting" in self.kinds and self.kinds["voting"].observations:
            return "voting"
        populated = [(data.observations, kind) for kind, data in self.kinds.items() if data.observations]
        return max(populated)[1] if populated else None

    def questions_with_critical_answers(self) -> list[QuestionResult]:
        """The headline kind's questions that had critical answers, most frequent first (by share of forms)."""
        kind = self.main_kind()
        if kind is None:
            return []
        found = [question for question in self.kinds[kind].questions if question.critical and question.critical.count]
        return sorted(found, key=lambda question: (-(question.critical.pct or 0), question.code))

    def main_problems(self) -> list[tuple[str, QuestionResult]]:
        """The MAX_PROBLEMS most frequent questions with critical answers, as (kind, question)."""
        kind = self.main_kind()
        return [(kind, question) for question in self.questions_with_critical_answers()[:MAX_PROBLEMS]]

    def question_keys(self) -> set[tuple[str, str]]:
        """Every (kind, question code) of the result, conflict lines included (the critical answers of the incidents
        are answers to its questions)."""
        keys = {(kind, question.code) for kind, data in self.kinds.items() for question in data.questions}
        keys |= {(conflict.kind, line.code) for conflict in self.conflicts.list for line in conflict.lines}
        return keys


def _dump(value):
    if dataclasses.is_dataclass(value):
        return {
            item.name: _dump(getattr(value, item.name))
            for item in dataclasses.fields(value)
            if not item.metadata.get("apart")
            and not (item.metadata.get("omit_none") and getattr(value, item.name) is None)
        }
    if isinstance(value, dict):
        return {str(key): _dump(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_dump(item) for item in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _load(kind, data):
    return _loader(kind)(data)


# One reader per type hint, built once: a stored result is tens of thousands of values (every question by region),
# and the report page reads one on each request, so the hint is looked at once per type rather than per value.
_LOADERS: dict[Any, typing.Callable[[Any], Any]] = {}


def _loader(kind) -> typing.Callable[[Any], Any]:
    loader = _LOADERS.get(kind)
    if loader is None:
        loader = _LOADERS[kind] = _loader_build(kind)
    return loader


def _as_is(data):
    return data


def _loader_build(kind) -> typing.Callable[[Any], Any]:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        return _loader(options[0]) if len(options) == 1 else _as_is
    if origin is list:
        (item,) = typing.get_args(kind)
        load_item = _loader(item)
        return lambda data: None if data is None else [load_item(value) for value in data]
    if origin is dict:
        _key, item = typing.get_args(kind)
        load_item = _loader(item)
        return lambda data: None if data is None else {key: load_item(value) for key, value in data.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        fields = None

        def load(data):
            nonlocal fields
            if data is None:
                return None
            if fields is None:  # on first use: a dataclass may name itself among its fields' types
                hints = _hints(kind)
                fields = [(item.name, _loader(hints[item.name])) for item in dataclasses.fields(kind)]
            # Keys a schema does not know are left out, so a reader tolerates additions it does not use.
            return kind(**{name: load_field(data[name]) for name, load_field in fields if name in data})

        return load
    return _as_is
