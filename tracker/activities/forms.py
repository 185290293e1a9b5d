"""The activity form; its choices (kinds, where it counts, fractions, skills) come from the
rules and the credentials the person holds."""

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from tracker.activities import validation
from tracker.activities.evidence import UploadProblem, check_upload, too_many_files
from tracker.fields import (
    AmountField,
    DayField,
    strip_whitespace,
    submission_id_field,
    version_field,
)
from tracker.models import NOTES_MAX_LENGTH, PROVIDER_MAX_LENGTH, TITLE_MAX_LENGTH
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_fraction, say_number
from tracker.rules.kinds import KINDS, kind_of


def as_choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ActivityForm(FlaskForm):
    """The web's door for an activity. It reads the boxes (dates, numbers, files); every rule of
    what it reads is tracker.activities.validation's, as for the other doors."""

    kind = SelectField("What did you do?", validate_choice=False)
    title = StringField(
        "Title", filters=[strip_whitespace],
        render_kw={"required": True, "maxlength": TITLE_MAX_LENGTH},
        description='What you did, e.g. "Forklift safety refresher".',
    )
    provider = StringField(
        "Provider", filters=[strip_whitespace], render_kw={"maxlength": PROVIDER_MAX_LENGTH},
        description="Who gave the course, or the employer.",
    )
    completed_on = DayField("Date completed", validators=[Optional()])
    quantity = AmountField(
        "How many", validators=[Optional()], places=None,
        render_kw={"inputmode": "decimal"},
    )
    started_on = DayField("Start date", validators=[Optional()])
    ended_on = DayField("End date", validators=[Optional()])
    still_employed = BooleanField("Still employed", description="Tick this if you work there now.")
    fraction = SelectField("Full time or part time", validate_choice=False)
    description = TextAreaField("Notes", render_kw={"maxlength": NOTES_MAX_LENGTH})
    tags = SelectMultipleField("Skills it covers", validate_choice=False)
    evidence = MultipleFileField(
        "Proof (certificate, transcript, letter)",
        description="PDF, PNG, JPEG or WebP files; up to 5 per activity.",
    )
    version = version_field()
    submission_id = submission_id_field()

    held: list[tuple[int, RuleSet]]  # the person's credentials: (id, rule set)
    today: date
    max_upload_bytes: int
    files_already_attached: int = 0
    checked_files: list

    def validate_evidence(self, field) -> None:
        uploads = [f for f in field.data or [] if getattr(f, "filename", "")]
        refused = too_many_files(self.files_already_attached, len(uploads))
        if refused:
            raise ValidationError(refused)
        checked, problems = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(upload.stream, upload.filename,
                                            self.max_upload_bytes))
            except UploadProblem as problem:
                problems.append(str(problem))
        if problems:
            raise ValidationError(" ".join(problems))
        self.checked_files = checked

    def entered(self) -> dict:
        """What the boxes say, as tracker.activities.validation reads an activity."""
        kind = kind_of(self.kind.data or "")
        period = kind is not None and kind.is_period
        return {
            "kind": self.kind.data or "",
            "title": self.title.data,
            "provider": self.provider.data,
            "description": self.description.data,
            "tags": self.tags.data,
            "completed_on": self.ended_on.data if period else self.completed_on.data,
            "started_on": self.started_on.data,
            "still_employed": self.still_employed.data,
            "quantity": self.quantity.data,
            "fraction": _decimal_or_none(self.fraction.data),
            "counting": self.counting(),
        }

    def counting_fields(self) -> list:
        """One choice per credential held: where the activity counts toward it."""
        return [self[f"count_{credential_id}"] for credential_id, _ruleset in self.held]

    def counting(self) -> dict[int, str]:
        """The person's choices of where it counts, by credential id (validation.DEFAULT)."""
        return {credential_id: self[f"count_{credential_id}"].data or validation.DEFAULT
                for credential_id, _ruleset in self.held}

    def values(self) -> dict:
        """The model fields this form sets; fields that do not fit the kind are cleared."""
        return validation.model_values(self.entered())

    def validate(self, extra_validators=None) -> bool:
        self.checked_files = []
        valid = super().validate(extra_validators)
        entered = self.entered()
        kind = kind_of(entered["kind"])
        box_of = {"completed_on": self.ended_on if kind and kind.is_period
                  else self.completed_on}
        for problem in validation.problems(entered, self.today, self.held):
            box = box_of.get(problem.field) or self[problem.field]
            if not box.errors:  # a box that could not be read says so already
                box.errors.append(problem.message)
            valid = False
        return valid


def _decimal_or_none(text: str | None) -> Decimal | None:
    """A choice's number; None for no choice, or for one no list offers (the check says so)."""
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def unit_hints() -> dict[str, str]:
    """For each quantity kind, what "how many" counts: "In hours, in steps of 0.25."."""
    return {
        k.code: f"In {k.unit.plural}" + (f", in steps of {say_number(k.step)}." if k.step else ".")
        for k in KINDS if not k.is_period
    }


def kind_choices(held: list[tuple[int, RuleSet]], keep: str | None = None
                 ) -> list[tuple[str, str]]:
    """The kinds that count toward at least one credential held, each with its unit, and
    `keep` (the kind of the activity being changed or copied, whatever counts it: left out
    of the list, the browser would show the first kind instead, and a save would change it)."""
    counted = {code for _id, ruleset in held for code in ruleset.counted_kinds} | {keep}
    return [(k.code, f"{k.name} (in {k.unit.plural})") for k in KINDS if k.code in counted]


def counting_choices(ruleset: RuleSet) -> list[tuple[str, str]]:
    """Where an activity may count toward a credential: where its kind fits, one of the
    categories a kind can land in, or left out."""
    categories = dict.fromkeys(landing.category for landing in ruleset.landings)
    return [(validation.DEFAULT, "Yes, where it fits"),
            *((code, f"Yes, as “{ruleset.category(code).name}” ({worth(ruleset, code)})")
              for code in categories),
            (validation.EXCLUDE, f"No, leave it out of {ruleset.short_name}")]


def worth(ruleset: RuleSet, code: str) -> str:
    """What a unit of a category earns: "1 point per contact hour"; "in CPD points" for a
    category counted in the rule set's own points (not "1 CPD point per CPD point")."""
    category = ruleset.category(code)
    per, points = category.points_per_unit, ruleset.points_name
    if category.unit.singular == points.singular and per == 1:
        return f"in {points.plural}"
    return f"{say_number(per)} {points.of(per)} per {category.unit.singular}"


def landings_by_kind(ruleset: RuleSet) -> dict[str, list[str]]:
    """For the form's script: the categories each kind may count in, where it fits first."""
    return {kind: [landing.category for landing in ruleset.landings_of(kind)]
            for kind in ruleset.counted_kinds}


def tag_choices(held: list[tuple[int, RuleSet]]) -> list[tuple[str, str]]:
    return list({code: name for _id, ruleset in held
                 for code, name in ruleset.skills.items()}.items())


def fraction_choices() -> list[tuple[str, str]]:
    fractions = sorted({f for k in KINDS for f in k.fractions}, reverse=True)
    return [(say_number(f), say_fraction(f)) for f in fractions]


def activity_form(held: list[tuple[int, RuleSet]], today: date, max_upload_bytes: int,
                  **kwargs) -> ActivityForm:
    """The form for a person holding `held`: a choice of where it counts for each of them."""
    counting = {f"count_{credential_id}": SelectField(
        f"Count it toward {ruleset.name}?", validate_choice=False, default=validation.DEFAULT,
        render_kw={"data-landings": json.dumps(landings_by_kind(ruleset))})
        for credential_id, ruleset in held}
    form = type("HeldActivityForm", (ActivityForm,), counting)(**kwargs)
    form.held = held
    form.today = today
    form.max_upload_bytes = max_upload_bytes
    form.kind.choices = as_choices(kind_choices(held, (kwargs.get("data") or {}).get("kind")))
    form.fraction.choices = as_choices(fraction_choices())
    form.tags.choices = as_choices(tag_choices(held))
    for (_id, ruleset), field in zip(held, form.counting_fields(), strict=True):
        field.choices = as_choices(counting_choices(ruleset))
    return form


def form_data_of(activity) -> dict:
    """An activity's saved values, to fill in its edit form (or a duplicate's).

    Not its version: only the edit view adds that (a duplicate is a new activity)."""
    return {
        "kind": activity.kind,
        "title": activity.title,
        "provider": activity.provider,
        "completed_on": None if activity.started_on else activity.completed_on,
        "quantity": activity.quantity,
        "started_on": activity.started_on,
        "ended_on": activity.completed_on if activity.started_on else None,
        "still_employed": activity.started_on is not None and activity.completed_on is None,
        "fraction": (say_number(activity.fraction.normalize())
                     if activity.fraction is not None else None),
        "description": activity.description,
        "tags": activity.tags,
        **{f"count_{choice.held_credential_id}":
           validation.EXCLUDE if choice.excluded else choice.category
           for choice in getattr(activity, "choices", [])},
    }
