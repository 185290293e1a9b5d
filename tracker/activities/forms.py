"""The activity form; its choices (categories, fractions, competency tags) come from the rules."""

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


def as_choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ActivityForm(FlaskForm):
    """The web's door for an activity. It reads the boxes (dates, numbers, files); every rule of
    what it reads is tracker.activities.validation's, as for the other doors."""

    category = SelectField("Category", validate_choice=False)
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

    ruleset: RuleSet
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
        category = self.ruleset.category(self.category.data or "")
        period = category is not None and category.is_period
        return {
            "category": self.category.data or "",
            "title": self.title.data,
            "provider": self.provider.data,
            "description": self.description.data,
            "tags": self.tags.data,
            "completed_on": self.ended_on.data if period else self.completed_on.data,
            "started_on": self.started_on.data,
            "still_employed": self.still_employed.data,
            "quantity": self.quantity.data,
            "fraction": _decimal_or_none(self.fraction.data),
        }

    def values(self) -> dict:
        """The model fields this form sets; fields that do not fit the category are cleared."""
        return validation.model_values(self.ruleset, self.entered())

    def validate(self, extra_validators=None) -> bool:
        self.checked_files = []
        valid = super().validate(extra_validators)
        entered = self.entered()
        category = self.ruleset.category(entered["category"])
        box_of = {"completed_on": self.ended_on if category and category.is_period
                  else self.completed_on}
        for problem in validation.problems(self.ruleset, entered, self.today):
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


def unit_hints(ruleset: RuleSet) -> dict[str, str]:
    """For each quantity category, what "how many" counts: "contact hours, in steps of 0.25"."""
    return {
        c.code: f"In {c.unit.plural}" + (f", in steps of {say_number(c.step)}." if c.step else ".")
        for c in ruleset.categories if not c.is_period
    }


def category_choices(ruleset: RuleSet) -> list[tuple[str, str]]:
    """Each category with its unit and points per unit, as people read them."""
    points = ruleset.points_name
    choices = []
    for category in ruleset.categories:
        per = category.points_per_unit
        if category.unit.singular == points.singular and per == 1:  # counted as they come
            choices.append((category.code, f"{category.name} (in {points.plural})"))
            continue
        worth = f"{say_number(per)} {points.of(per)} per {category.unit.singular}"
        choices.append((category.code, f"{category.name} ({worth})"))
    return choices


def tag_choices(ruleset: RuleSet) -> list[tuple[str, str]]:
    return list(ruleset.skills.items())


def fraction_choices(ruleset: RuleSet) -> list[tuple[str, str]]:
    fractions = sorted({f for c in ruleset.categories for f in c.fractions}, reverse=True)
    return [(say_number(f), say_fraction(f)) for f in fractions]


def activity_form(ruleset: RuleSet, today: date, max_upload_bytes: int, **kwargs) -> ActivityForm:
    form = ActivityForm(**kwargs)
    form.ruleset = ruleset
    form.today = today
    form.max_upload_bytes = max_upload_bytes
    form.category.choices = as_choices(category_choices(ruleset))
    form.fraction.choices = as_choices(fraction_choices(ruleset))
    form.tags.choices = as_choices(tag_choices(ruleset))
    return form


def form_data_of(activity) -> dict:
    """An activity's saved values, to fill in its edit form (or a duplicate's).

    Not its version: only the edit view adds that (a duplicate is a new activity)."""
    return {
        "category": activity.category,
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
    }
