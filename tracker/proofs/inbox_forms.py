"""The form of one draft in the proof inbox: the activity's fields, to fix in place before
saving it. Every rule of what it reads is tracker.activities.validation's."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional

from tracker.activities import validation
from tracker.activities.forms import (
    CHOOSE_KIND,
    READ_MARK,
    as_choices,
    as_written,
    fraction_choices,
    kind_choices,
    quantity_label,
    what_it_is,
)
from tracker.fields import AmountField, DayField, strip_whitespace, submission_id_field
from tracker.models import PROVIDER_MAX_LENGTH, TITLE_MAX_LENGTH
from tracker.proofs.inbox import values_of
from tracker.proofs.models import Draft
from tracker.rules.catalog import RuleSet
from tracker.rules.kinds import KINDS, kind_of


class DraftForm(FlaskForm):
    # The page writes the token unprefixed, once per draft; CSRFProtect checks it on every POST.
    class Meta:
        csrf = False

    kind = SelectField("What is it?", validate_choice=False)
    title = StringField("Title", filters=[strip_whitespace],
                        render_kw={"maxlength": TITLE_MAX_LENGTH})
    provider = StringField("Provider", filters=[strip_whitespace],
                           render_kw={"maxlength": PROVIDER_MAX_LENGTH})
    completed_on = DayField("Date completed", validators=[Optional()])
    quantity = AmountField("How many", validators=[Optional()], places=None,
                           render_kw={"inputmode": "decimal"})
    started_on = DayField("Start date", validators=[Optional()])
    ended_on = DayField("End date", validators=[Optional()])
    still_employed = BooleanField("Still employed")
    fraction = SelectField("Full time or part time", validate_choice=False)
    # Sent unprefixed (the page writes it): tracker.web.saves_once reads it by that name.
    submission_id = submission_id_field()

    held: list[tuple[int, RuleSet]]
    today: date

    def entered(self) -> dict:
        """What the boxes say, as tracker.activities.validation reads an activity."""
        return what_it_is(self)

    def values(self) -> dict:
        return validation.model_values(self.entered())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        entered = self.entered()
        kind = kind_of(entered["kind"])
        for problem in validation.problems(entered, self.today, self.held):
            box = self._box(problem.field, kind)
            if not box.errors:  # a box that could not be read says so already
                box.errors.append(CHOOSE_KIND if box is self.kind and not entered["kind"]
                                  else problem.message)
            valid = False
        return valid

    def _box(self, name: str, kind):
        if name == "completed_on" and kind is not None and kind.is_period:
            return self.ended_on
        return self[name]

    def read_hint(self, name: str, read: list[str]) -> str | None:
        """READ_MARK under a box filled from the file (the end date of a job included)."""
        return READ_MARK if ("completed_on" if name == "ended_on" else name) in read else None


def draft_form(draft: Draft, held: list[tuple[int, RuleSet]], today: date,
               **kwargs) -> DraftForm:
    """The form of one draft, its boxes named apart from the other drafts' on the page, filled
    from the draft (or from `formdata` when sent)."""
    values = values_of(draft)
    kind = kind_of(values["kind"])
    period = kind is not None and kind.is_period
    data = {**values, "completed_on": None if period else draft.completed_on,
            "ended_on": draft.completed_on if period else None,
            "quantity": as_written(draft.quantity)}
    form = DraftForm(prefix=f"draft{draft.id}", data=data, **kwargs)
    form.held, form.today = held, today
    # With no credential yet, every kind (it counts once one is added).
    kinds = kind_choices(held, draft.kind) if held else [(k.code, k.name) for k in KINDS]
    form.kind.choices = as_choices([("", "Choose one"), *kinds])
    form.fraction.choices = as_choices([("", "Choose one"), *fraction_choices()])
    form.quantity.label.text = quantity_label(kind)
    return form
