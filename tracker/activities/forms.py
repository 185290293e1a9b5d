"""The activity form; its choices (categories, fractions, competency tags) come from the rules."""

from datetime import date
from decimal import Decimal

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
from wtforms.validators import DataRequired, Length, Optional

from tracker.activities.evidence import MAX_FILES_PER_ACTIVITY, UploadProblem, check_upload
from tracker.auth.forms import strip_whitespace
from tracker.concurrency import version_field
from tracker.fields import AmountField, DayField, storable_text
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import check_activity, say_fraction, say_number
from tracker.rules.engine import ActivityInput


class ChoiceField(SelectField):
    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError("Pick one of the choices in the list.")


def as_choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ActivityForm(FlaskForm):
    category = ChoiceField("Category")
    title = StringField(
        "Title",
        validators=[DataRequired("Give the activity a title."),
                    Length(max=200, message="Use at most 200 characters."), storable_text],
        filters=[strip_whitespace],
        description='What you did, e.g. "Forklift safety refresher".',
    )
    provider = StringField(
        "Provider",
        validators=[Optional(), Length(max=200, message="Use at most 200 characters."),
                    storable_text],
        filters=[strip_whitespace],
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
    description = TextAreaField(
        "Notes", validators=[Optional(), Length(max=5000, message="Use at most 5000 characters."),
                             storable_text]
    )
    tags = SelectMultipleField("Skills it covers", validate_choice=False)
    evidence = MultipleFileField(
        "Proof (certificate, transcript, letter)",
        description="PDF, PNG, JPEG or WebP files; up to 5 per activity.",
    )
    version = version_field()

    ruleset: RuleSet
    today: date
    max_upload_bytes: int
    files_already_attached: int = 0
    checked_files: list

    def selected_category(self):
        return self.ruleset.category(self.category.data or "")

    def validate_tags(self, field) -> None:
        allowed = {code for code, _label in tag_choices(self.ruleset)}
        if set(field.data or []) - allowed:
            raise ValidationError("Pick skills from the list.")

    def validate_evidence(self, field) -> None:
        uploads = [f for f in field.data or [] if getattr(f, "filename", "")]
        if self.files_already_attached + len(uploads) > MAX_FILES_PER_ACTIVITY:
            raise ValidationError(
                f"An activity can have at most {MAX_FILES_PER_ACTIVITY} files"
                + (f"; it has {self.files_already_attached} already."
                   if self.files_already_attached else ".")
            )
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

    def engine_input(self) -> ActivityInput:
        """The activity as the rules engine sees it, from the category's relevant fields."""
        category = self.selected_category()
        if category is not None and category.is_period:
            return ActivityInput(
                id="new", category=category.code,
                completed_on=None if self.still_employed.data else self.ended_on.data,
                started_on=self.started_on.data,
                fraction=Decimal(self.fraction.data) if self.fraction.data else None,
            )
        return ActivityInput(id="new", category=self.category.data or "",
                             completed_on=self.completed_on.data, quantity=self.quantity.data)

    def values(self) -> dict:
        """The model fields this form sets; fields that do not fit the category are cleared."""
        entered = self.engine_input()
        return {
            "category": entered.category,
            "title": self.title.data,
            "provider": self.provider.data or "",
            "completed_on": entered.completed_on,
            "started_on": entered.started_on,
            "quantity": entered.quantity,
            "fraction": entered.fraction,
            "description": (self.description.data or "").strip(),
            "tags": sorted(self.tags.data or []),
        }

    def validate(self, extra_validators=None) -> bool:
        self.checked_files = []
        valid = super().validate(extra_validators)
        category = self.selected_category()
        if category is None:
            return False
        field_of = {"completed_on": self.ended_on if category.is_period else self.completed_on}
        for problem in check_activity(self.ruleset, self.engine_input(), self.today):
            if category.is_period and problem.field == "completed_on" and self.still_employed.data:
                continue
            field = field_of.get(problem.field) or getattr(self, problem.field, self.category)
            if not field.errors:  # a field that could not be read already says so
                field.errors.append(problem.message)
            valid = False
        if category.is_period and not self.still_employed.data and self.ended_on.data is None:
            if not self.ended_on.errors:
                self.ended_on.errors.append("Enter the end date, or tick “Still employed”.")
            valid = False
        return valid


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
        worth = f"{say_number(per)} {points.of(per)} per {category.unit.singular}"
        choices.append((category.code, f"{category.name} ({worth})"))
    return choices


def tag_choices(ruleset: RuleSet) -> list[tuple[str, str]]:
    choices = []
    for module in ruleset.modules:
        choices.append((module.code, module.name))
        choices += [(activity.code, activity.name) for activity in module.key_activities]
    return choices


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
