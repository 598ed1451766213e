"""The shape of a plan file: the document's identity, its rules, and what is not checkable."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from cchc.facts.format import UNIT_KINDS
from cchc.facts.model import Unit, UnitKind
from cchc.facts.periods import Period
from cchc.facts.vocabulary import DOSSIER_FIELDS, DUTIES, EVENT_KINDS, INDICATORS
from cchc.rules.metrics import metric

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Za-z0-9.-]*[A-Za-z0-9]$")]
Text = Annotated[str, StringConstraints(min_length=1)]
PeriodField = Annotated[Period, BeforeValidator(Period.parse), PlainSerializer(str)]


def parse_number(value: Any) -> Fraction:
    """'95%' -> 19/20, '50%' -> 1/2, 2 -> 2. Exact: never a float."""
    if isinstance(value, bool):
        raise ValueError("expected a number or a percentage such as '95%'")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    text = str(value).strip().replace(",", ".")
    try:
        if text.endswith("%"):
            return Fraction(text[:-1].strip()) / 100
        return Fraction(text)
    except (ValueError, ZeroDivisionError) as error:
        raise ValueError(f"{value!r} is not a number or a percentage such as '95%'") from error


Number = Annotated[Fraction, BeforeValidator(parse_number), PlainSerializer(str)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    clause: Text  # the clause path as the document numbers it
    quote: Text  # verbatim from the source, typos included


class AppliesTo(_Strict):
    """Who must comply: unit kinds, named agencies, or both (a unit matching either)."""

    kinds: list[UnitKind] = Field(default_factory=list)
    agencies: list[str] = Field(default_factory=list)
    text: str | None = None  # how the plan names them, when it helps a reader

    @model_validator(mode="after")
    def _someone(self) -> AppliesTo:
        if not self.kinds and not self.agencies:
            raise ValueError("name at least one unit kind or agency")
        return self

    def describe(self) -> str:
        return self.text or ", ".join([*self.kinds, *self.agencies])

    def matches(self, unit: Unit) -> bool:
        return unit.kind in self.kinds or (unit.agency is not None and unit.agency in self.agencies)


Operator = Literal[">=", ">", "<=", "<", "between"]


class Target(_Strict):
    op: Operator
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None

    @model_validator(mode="after")
    def _operands(self) -> Target:
        if self.op == "between":
            if self.low is None or self.high is None or self.value is not None:
                raise ValueError("`between` takes `low` and `high`, not `value`")
            if self.low > self.high:
                raise ValueError("`low` is above `high`")
        elif self.value is None or self.low is not None or self.high is not None:
            raise ValueError(f"`{self.op}` takes `value`, not `low`/`high`")
        return self


def _field_ref(ref: str) -> str:
    group, _, name = ref.partition(".")
    vocabulary = {"dossiers": DOSSIER_FIELDS, "indicators": INDICATORS}.get(group)
    if vocabulary is None or name not in vocabulary:
        raise ValueError(f"{ref!r} is not a known count (dossiers.<name> or indicators.<name>)")
    return ref


FieldRef = Annotated[str, BeforeValidator(_field_ref)]


def _duty_name(duty: str) -> str:
    if duty not in DUTIES:
        raise ValueError(f"unknown duty {duty!r}")
    return duty


DutyName = Annotated[str, AfterValidator(_duty_name)]
Window = Literal["each_report", "year"]


FieldCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]


def _metric_name(name: str) -> str:
    metric(name)  # an unknown name is an error naming the known ones
    return name


MetricName = Annotated[str, AfterValidator(_metric_name)]


def _with_metric(data: Any, kinds: tuple[str, ...]) -> Any:
    """A measure written with `metric:` gets the metric's `numerator`, `denominator` and (unless
    it says its own) `counted`: what the measure reads is always spelled out in it. Spelling them
    differently as well is refused, so that the two can never disagree (the same again, as a
    dumped measure carries them, is accepted)."""
    if not isinstance(data, dict) or not isinstance(data.get("metric"), str):
        return data
    named = metric(data["metric"])
    if named.kind not in kinds:
        raise ValueError(f"metric {named.name!r} is not a share: a `share` measure reads a share")
    filled = {"numerator": list(named.numerator), "denominator": list(named.denominator)}
    spelled = [key for key, value in filled.items() if key in data and data[key] != value]
    if spelled:
        raise ValueError(f"give `metric` or {' and '.join(spelled)}, not both")
    return {
        **data,
        **filled,
        "counted": data.get("counted", named.counted),
        "counted_vi": data.get("counted_vi", named.counted_vi),
    }


class ShareMeasure(_Strict):
    """numerator / denominator, both sums of reported counts of the same unit and period. Either
    spelled out, or named: `metric: on_time_share` (rules/metrics.yaml) fills them in."""

    kind: Literal["share"]
    metric: MetricName | None = None
    numerator: list[FieldRef] = Field(min_length=1)
    denominator: list[FieldRef] = Field(min_length=1)
    window: Window = "each_report"
    counted: Text  # what the numerator counts, for the gap: "dossiers resolved on time or early"
    counted_vi: Text | None = None  # the same, in Vietnamese
    # Dossier counts of one field of procedures only (`dossiers_by_field.<field>`), or all
    # dossiers less some fields: "100% on time, except land and planning at 99%".
    field: FieldCode | None = None
    excluding_fields: list[FieldCode] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        return _with_metric(data, ("share",))

    @model_validator(mode="after")
    def _one_selection(self) -> ShareMeasure:
        if self.field and self.excluding_fields:
            raise ValueError("give `field` or `excluding_fields`, not both")
        if (self.field or self.excluding_fields) and any(
            not ref.startswith("dossiers.") for ref in [*self.numerator, *self.denominator]
        ):
            raise ValueError("`field` and `excluding_fields` select dossier counts only")
        return self


class QuantityMeasure(_Strict):
    """One reported count compared with a number."""

    kind: Literal["quantity"]
    indicator: FieldRef
    window: Window = "year"
    counted: Text
    counted_vi: Text | None = None  # the same, in Vietnamese
    # A count that only grows through the year (initiatives, violations found), as opposed to a
    # stock or a rank: a cumulative report before the year's end already meeting a minimum, or
    # already over a cap, decides the year.
    cumulative: bool = False


class RangeMeasure(_Strict):
    """A ratio of two reported amounts that must lie in a range."""

    kind: Literal["ratio"]
    numerator: list[FieldRef] = Field(min_length=1)
    denominator: list[FieldRef] = Field(min_length=1)
    window: Window = "year"
    counted: Text
    counted_vi: Text | None = None  # the same, in Vietnamese


class EventCountMeasure(_Strict):
    """How many events of a kind a unit held in each period (deduplicated across reports)."""

    kind: Literal["event_count"]
    event: str
    counted: Text
    counted_vi: Text | None = None  # the same, in Vietnamese

    @field_validator("event")
    @classmethod
    def _known(cls, event: str) -> str:
        if event not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {event!r}")
        return event


class PopulationShareMeasure(_Strict):
    """Distinct units of a population that were the subject of an event in the period."""

    kind: Literal["population_share"]
    event: str
    population: AppliesTo
    counted: Text
    counted_vi: Text | None = None  # the same, in Vietnamese
    # registry: the population is every matching unit in the registry, one finding overall;
    # children: each unit the rule applies to, over its own matching child units (a district
    # inspecting 30% of its communes), one finding per applicable unit.
    scope: Literal["registry", "children"] = "registry"
    # Who may carry the events out besides the rule's own unit, as the plan names them (Sở Nội vụ
    # inspecting for the province). With scope `children` only the unit itself counts.
    inspectors: AppliesTo | None = None

    @model_validator(mode="after")
    def _inspectors_at_registry_scope(self) -> PopulationShareMeasure:
        if self.inspectors is not None and self.scope != "registry":
            raise ValueError("`inspectors` go with scope `registry` only")
        return self


class DeadlineMeasure(_Strict):
    """A report for a period, delivered by a date: `submitted` or `thematic_submitted`."""

    kind: Literal["report_deadline"]
    submission: Literal["submitted", "thematic_submitted"]
    # "trước ngày X" = before X, so X itself is late; "chậm nhất là ngày X" = on or before X.
    due_is: Literal["before", "on_or_before"]
    due: dict[PeriodField, date] = Field(min_length=1)  # reporting period -> due date


class TaskMeasure(_Strict):
    """An appendix task: its product delivered (a task completion reported) by the due date."""

    kind: Literal["task_deadline"]
    task: RuleId
    due: date
    # The partners (cơ quan phối hợp) as units, where the plan's wording names kinds or agencies:
    # a completion reported by a unit that is neither owner nor partner is warned about.
    partners: AppliesTo | None = None
    same_as_duty: DutyName | None = None  # a duty done with a date is this task delivered that day


class DutyMeasure(_Strict):
    """A yes/no duty with no number: reported done, or not; by a date when the plan gives one."""

    kind: Literal["duty"]
    duty: str
    due: date | None = None
    due_is: Literal["before", "on_or_before"] = "on_or_before"
    # "hàng tháng": a duty done again each month. One finding per month of each judged period
    # (facts.periods.months_of), on the reports covering that month; no single due date then.
    every: Literal["month"] | None = None

    @field_validator("duty")
    @classmethod
    def _known(cls, duty: str) -> str:
        if duty not in DUTIES:
            raise ValueError(f"unknown duty {duty!r}")
        return duty

    @model_validator(mode="after")
    def _monthly_without_due(self) -> DutyMeasure:
        if self.every is not None and self.due is not None:
            raise ValueError("a duty done `every: month` has no single `due` date")
        return self


class ScoreMeasure(_Strict):
    """An index score (PAR INDEX points, SIPAS %) against its target. The maximum is shown;
    a score above it is refused as input, so the measure never sees one."""

    kind: Literal["score"]
    code: Annotated[str, StringConstraints(pattern=r"^\S+$")]
    maximum: Number | None = None


class ScoreSumMeasure(_Strict):
    """Reported parts add up to their reported parent (a PAR INDEX area and its criteria)."""

    kind: Literal["score_sum"]
    code: Annotated[str, StringConstraints(pattern=r"^\S+$")]
    parts: list[Annotated[str, StringConstraints(pattern=r"^\S+$")]] = Field(min_length=1)


class BaselineMeasure(_Strict):
    """The relative change of a count against a baseline year: staff cut 5% vs 2021."""

    kind: Literal["change_vs_baseline"]
    indicator: FieldRef
    baseline: PeriodField
    direction: Literal["decrease", "increase"]
    counted: Text
    counted_vi: Text | None = None  # the same, in Vietnamese


class CompareMeasure(_Strict):
    """A metric's value for the judged year against the same unit's value for another year: the
    previous one (`against: previous_year`) or a named baseline year (`against: 2021`). The rule's
    target compares the improvement with a margin: current − reference (reference − current when
    `direction: lower_is_better`, as for a rank: 9th → 8th is one place up) `op` `value`, the
    margin in the metric's unit (points of a share: `2%`; places of a rank; a number of events).
    `>` with 0 is "more than", `>=` with 0 "at least as much", `>=` with 2 "up at least 2"."""

    kind: Literal["compare"]
    metric: MetricName
    against: Literal["previous_year"] | Annotated[int, Field(ge=1900, le=2100)]
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    counted: Text  # taken from the metric unless the rule says its own
    counted_vi: Text | None = None  # the same, in Vietnamese
    # Filled from the metric; never written in a plan file (see _with_metric). `events`: an
    # events count's kinds, by their bare names, as the facts' events name them.
    numerator: list[str] = Field(min_length=1)
    denominator: list[str] = Field(default_factory=list)
    events: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        data = _with_metric(data, ("share", "count", "events"))
        if isinstance(data, dict) and isinstance(data.get("metric"), str):
            events = list(metric(data["metric"]).events)
            if data.get("events", events) != events:
                raise ValueError("`events` comes from the metric; name the metric only")
            data = {**data, "events": events}
        return data

    def reference_year(self, year: int) -> int:
        return year - 1 if self.against == "previous_year" else self.against


class DataWindowMeasure(_Strict):
    """The data cut-off window a period's report must cover (from, to), as the plan fixes it."""

    kind: Literal["data_window"]
    windows: dict[PeriodField, tuple[date, date]] = Field(min_length=1)


Measure = Annotated[
    ShareMeasure
    | ScoreMeasure
    | ScoreSumMeasure
    | BaselineMeasure
    | CompareMeasure
    | DataWindowMeasure
    | QuantityMeasure
    | RangeMeasure
    | EventCountMeasure
    | PopulationShareMeasure
    | DeadlineMeasure
    | TaskMeasure
    | DutyMeasure,
    Field(discriminator="kind"),
]

Status = Literal["pass", "fail", "pending", "missing", "not_applicable"]


class Example(_Strict):
    """A small fact set and the status the rule must give it. Run as a test."""

    name: Text  # a sentence: "95 of 100 dossiers on time meets the minimum exactly"
    as_of: date
    expect: Status
    units: list[dict[str, Any]] | None = None  # default: one unit `u1` the rule applies to
    reports: list[dict[str, Any]] = Field(default_factory=list)
    unit: str = "u1"  # whose finding to check
    period: str | None = None  # which finding, when the rule gives several


Strength = Literal["firm", "aspirational"]
# The area of CCHC a rule belongs to, for roll-ups: the seven areas of the national programme
# (Nghị quyết 76/NQ-CP; the plans' own sections follow them), and the three indexes a plan may
# set targets on. Reports name them in the reader's language (reports/messages/*/areas.yaml).
Area = Literal[
    "chi-dao-dieu-hanh",  # công tác chỉ đạo, điều hành (reporting, inspection, propaganda…)
    "the-che",  # cải cách thể chế
    "tthc",  # cải cách thủ tục hành chính
    "to-chuc-bo-may",  # cải cách tổ chức bộ máy
    "cong-vu",  # cải cách chế độ công vụ
    "tai-chinh-cong",  # cải cách tài chính công
    "chinh-quyen-so",  # xây dựng và phát triển chính quyền điện tử, chính quyền số
    "par-index",  # Chỉ số cải cách hành chính (PAR INDEX)
    "sipas",  # Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)
    "papi",  # Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)
]
AREAS: tuple[str, ...] = Area.__args__  # type: ignore[attr-defined]


def short_title(text: str) -> str:
    """A generated rule's title from the source's words: at most 90 characters."""
    return text if len(text) <= 90 else text[:87].rstrip() + "…"


class Rule(_Strict):
    id: RuleId
    title: Text  # English
    title_vi: Text | None = None  # Vietnamese
    area: Area | None = None
    citation: Citation
    applies_to: AppliesTo
    strength: Strength
    measure: Measure
    target: Target | None = None  # deadlines and duties carry their own condition
    periods: list[PeriodField] = Field(min_length=1)  # the periods the rule is judged over
    due_text: str | None = None  # the deadline as the plan words it
    notes: list[Text] = Field(default_factory=list)
    # The plan file's own examples, then the boundary examples the catalogue generates from a
    # share or ratio target (rules/boundaries.py) unless `generated_examples` is false.
    examples: list[Example] = Field(min_length=2)
    generated_examples: bool = True

    @model_validator(mode="after")
    def _coherent(self) -> Rule:
        needs_target = not isinstance(
            self.measure,
            DeadlineMeasure | TaskMeasure | DutyMeasure | ScoreSumMeasure | DataWindowMeasure,
        )
        if needs_target and self.target is None:
            raise ValueError(f"a {self.measure.kind} rule needs a `target`")
        if not needs_target and self.target is not None:
            raise ValueError(f"a {self.measure.kind} rule carries its own condition; drop `target`")
        if isinstance(self.measure, CompareMeasure):
            self._comparable(self.measure)
        is_ratio = isinstance(self.measure, RangeMeasure)
        if is_ratio != (self.target is not None and self.target.op == "between"):
            raise ValueError("a `ratio` measure goes with a `between` target, and only it")
        expected = {example.expect for example in self.examples}
        if "pass" not in expected or "fail" not in expected:
            raise ValueError("examples need at least one `pass` and one `fail`")
        return self

    def _comparable(self, measure: CompareMeasure) -> None:
        """A comparison judges whole years, each against an earlier one, on a number target."""
        if any(period.kind != "year" for period in self.periods):
            raise ValueError("a compare rule judges whole years: give `periods` as years")
        if any(measure.reference_year(p.year) >= p.year for p in self.periods):
            raise ValueError("`against` must name a year before every judged year")
        if self.target is not None and (self.target.op == "between" or self.target.value < 0):
            raise ValueError("a compare target is `op` and a margin `value` of 0 or more")


class NotCheckable(_Strict):
    """A clause with nothing to check, listed so the catalogue's coverage of the text is visible."""

    clause: Text
    quote: Text
    reason: Text


class AppendixTask(_Strict):
    """One row of a plan's appendix of tasks, expanded into a task_deadline rule on load."""

    id: RuleId
    clause: Text
    content: Text
    product: Text
    owner: Text
    partners: str | None = None  # cơ quan phối hợp, as written
    # The same partners as unit kinds and agency codes, where the wording allows it.
    partners_apply_to: AppliesTo | None = None
    budget: str | None = None  # kinh phí as written (e.g. million VND)
    same_as_duty: DutyName | None = None  # the same fact as this duty: see TaskMeasure.same_as_duty
    due_text: Text
    due: date
    applies_to: AppliesTo
    strength: Literal["firm", "aspirational"] = "firm"
    area: Area | None = None
    title: Text | None = None  # English; the content (Vietnamese, verbatim) is the title in vi
    notes: list[Text] = Field(default_factory=list)


class ScoreRow(_Strict):
    """One row of an index table: a criterion, its maximum, last year's result, this year's aim."""

    code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.]+$")]  # 2.4.1, I, I.1, total
    title: Text  # verbatim, checked against the source
    maximum: Number | None = None
    baseline: Number | None = None
    target: Text | None = None  # as written: "8.5", ">91.00"
    # "some" when the table lists only some of a criterion's parts: its points are then not
    # the sum of the listed rows, so no sum check is generated or reported for it.
    parts_listed: Literal["all", "some"] = "all"
    notes: list[Text] = Field(default_factory=list)

    @property
    def target_op(self) -> str:
        assert self.target is not None
        return ">" if self.target.strip().startswith(">") else ">="

    @property
    def target_value(self) -> Fraction:
        assert self.target is not None
        return parse_number(self.target.strip().lstrip(">").strip())

    @property
    def parent_code(self) -> str | None:
        if self.code == "total":
            return None
        head, _, _ = self.code.rpartition(".")
        return head or "total"


class ScoreTable(_Strict):
    """An appendix table of index criteria, expanded into one `score` rule per row with a target
    and one `score_sum` rule per row whose parts must add up to it."""

    id_prefix: RuleId  # HN192-PAR
    code_prefix: Annotated[str, StringConstraints(pattern=r"^\S+$")]  # the facts' score codes: PAR-
    clause: Text  # Phụ lục A
    applies_to: AppliesTo
    strength: Literal["firm", "aspirational"]
    period: PeriodField
    area: Area | None = None
    aggregate: Literal["sum", "none"]  # whether a parent's points are the sum of its parts'
    rows: list[ScoreRow] = Field(min_length=1)
    notes: list[Text] = Field(default_factory=list)


class PlanInfo(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    jurisdiction: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]  # ha-noi
    number: Text
    title: Text
    issued: date
    issuer: Text
    source: Text  # file name under rules/sources/
    year: int
    units: list[UnitKind] = Field(default_factory=lambda: list(UNIT_KINDS))
    notes: list[Text] = Field(default_factory=list)


class PlanDefaults(_Strict):
    """Values each entry of `rules:` takes when it does not give the key itself. A rule's own
    value replaces the default whole: its `applies_to` is not merged with the default's."""

    periods: Annotated[list[PeriodField], Field(min_length=1)] | None = None
    applies_to: AppliesTo | None = None
    strength: Strength | None = None
    area: Area | None = None


class PlanFile(_Strict):
    plan: PlanInfo
    agencies: dict[str, Text] = Field(default_factory=dict)  # agency code -> name in the plan
    defaults: PlanDefaults = Field(default_factory=PlanDefaults)  # applied on load
    rules: list[Rule] = Field(default_factory=list)
    appendix_tasks: list[AppendixTask] = Field(default_factory=list)
    score_tables: list[ScoreTable] = Field(default_factory=list)
    not_checkable: list[NotCheckable] = Field(default_factory=list)
