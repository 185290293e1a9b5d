"""The activity form; its choices (kinds, where it counts, fractions, skills) come from the
rules and the credentials the person holds."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from tracker.activities import validation
from tracker.activities.evidence import (
    ACCEPTED_TYPES,
    EXTENSIONS,
    UploadProblem,
    check_upload,
    too_many_files,
)
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
from tracker.rules.estimates import is_estimated, one_for_one, rate_text
from tracker.rules.kinds import KINDS, Kind, kind_of

# The message when no kind is chosen: the form opens with none, so that nothing is logged as a
# kind the person did not pick (an 8-hour course left on "College course for credit" earns 80).
CHOOSE_KIND = "Choose what you did."
# The kinds most people log, shown first; the others are one click away. The soldier or
# production worker logs courses, college, certifications, a job and volunteering.
FIRST_KINDS = ("training", "college-credit", "college-noncredit", "certification", "job",
               "volunteering")
# What the file inputs offer: the types the upload check takes (by content, whatever the
# name), so phones offer their camera and photo library along with files.
# Some phones name an iPhone photo's type image/heif.
FILE_TYPES = ",".join([*ACCEPTED_TYPES, "image/heif", *(ending for endings in EXTENSIONS.values()
                                                        for ending in endings)])
PHOTO_TYPES = ",".join(t for t in ACCEPTED_TYPES if t.startswith("image/"))


def as_choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ActivityForm(FlaskForm):
    """The web's door for an activity. It reads the boxes (dates, numbers, files); every rule of
    what it reads is tracker.activities.validation's, as for the other doors."""

    kind = RadioField("What did you do?", validate_choice=False)
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
        description="PDF, PNG, JPEG, WebP or HEIC files; up to 5 per activity.",
        render_kw={"accept": FILE_TYPES},
    )
    version = version_field()
    submission_id = submission_id_field()

    held: list[tuple[int, RuleSet]]  # the person's credentials: (id, rule set)
    today: date
    max_upload_bytes: int
    files_already_attached: int = 0  # attached already, or kept from the last sending
    files_lost: int = 0  # kept from an earlier sending, and gone since (over an hour)
    checked_files: list  # the files just sent that passed the check
    pending: list  # tracker.proofs.models.PendingUpload rows kept from the last sending
    removed: list  # those of them the person ticked "remove"

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
        self.checked_files = checked  # kept if the form comes back, refused files or not
        if problems:
            raise ValidationError(" ".join(problems))

    def entered(self) -> dict:
        """What the boxes say, as tracker.activities.validation reads an activity."""
        return {**what_it_is(self), "description": self.description.data,
                "tags": self.tags.data, "counting": self.counting()}

    def chosen_kind(self) -> Kind | None:
        return kind_of(self.kind.data or "")

    def quantity_label(self) -> str:
        return quantity_label(self.chosen_kind())

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
                box.errors.append(CHOOSE_KIND if box is self.kind and not entered["kind"]
                                  else problem.message)
            valid = False
        return valid


def what_it_is(form) -> dict:
    """What the boxes every activity form has say (this one's, an inbox draft's): the kind,
    title, provider, dates and amount, as tracker.activities.validation reads them."""
    kind = kind_of(form.kind.data or "")
    period = kind is not None and kind.is_period
    return {
        "kind": form.kind.data or "",
        "title": form.title.data,
        "provider": form.provider.data,
        "completed_on": form.ended_on.data if period else form.completed_on.data,
        "started_on": form.started_on.data,
        "still_employed": form.still_employed.data,
        "quantity": form.quantity.data,
        "fraction": _decimal_or_none(form.fraction.data),
    }


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


def quantity_label(kind: Kind | None) -> str:
    """"How many hours?" once a quantity kind is chosen; "How many" before."""
    return f"How many {kind.unit.plural}?" if kind and not kind.is_period else "How many"


def quantity_labels() -> dict[str, str]:
    """For the page's script, which changes the label as the choice changes."""
    return {k.code: quantity_label(k) for k in KINDS if not k.is_period}


def kind_choices(held: list[tuple[int, RuleSet]], keep: str | None = None
                 ) -> list[tuple[str, str]]:
    """The kinds that count toward at least one credential held, and `keep` (the kind of the
    activity being changed or copied, whatever counts it: left out, a save would change it)."""
    counted = {code for _id, ruleset in held for code in ruleset.counted_kinds} | {keep}
    return [(k.code, k.name) for k in KINDS if k.code in counted]


@dataclass(frozen=True)
class KindCard:
    """One kind as the form offers it: what it is, an example, and what it earns."""

    kind: Kind
    earns: str  # "CPT: 1 point per hour · PMP: not counted"
    first: bool  # shown at once, not under "Other kinds of activity"


def kind_cards(form: "ActivityForm") -> list[KindCard]:
    """The form's kinds, the common ones first. The others go under "Other kinds of activity"
    unless they are only one (a fold for one choice only hides it)."""
    kinds = [kind_of(choice.value) for choice in form.kind.choices]
    first = {kind.code for kind in kinds if kind.code in FIRST_KINDS}
    if len(kinds) - len(first) <= 1:
        first = {kind.code for kind in kinds}
    return sorted((KindCard(kind, earnings(kind, form.held), kind.code in first)
                   for kind in kinds), key=lambda card: not card.first)


def earnings(kind: Kind, held: list[tuple[int, RuleSet]]) -> str:
    """What one unit of `kind` earns toward each credential held, where it lands by default:
    "CPT: 10 points per semester credit hour · PMP: not counted"."""
    said = []
    for _id, ruleset in held:
        landing = ruleset.landing(kind.code)
        if landing is None:
            said.append(f"not counted for {ruleset.short_name}")
            continue
        # In the words the report and the estimate notes use: "1 point per contact hour".
        rate = rate_text(ruleset, ruleset.category(landing.category), kind.code)
        points = ruleset.points_name
        if rate == one_for_one(ruleset):  # a category counted in the agency's own points
            own = kind.unit.singular in ("point", points.singular)
            # Not "1 PDU per PDU": the kind's own unit, or the points themselves.
            rate = f"counted in {points.plural}" if own else (
                f"1 {points.singular} per {kind.unit.singular}")
        said.append(f"{ruleset.short_name}: {rate}")
    return " · ".join(said)


def estimating_agencies(held: list[tuple[int, RuleSet]]) -> list[str]:
    """The agencies of the credentials held whose points per unit are Recert's estimates
    (MSSC publishes no points per hour): the form says so once, above the kinds."""
    return list(dict.fromkeys(
        ruleset.agency.short_name for _id, ruleset in held
        if any(is_estimated(ruleset, landing.category) for landing in ruleset.landings)))


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
    form.checked_files, form.pending, form.removed = [], [], []
    form.kind.choices = as_choices(kind_choices(held, (kwargs.get("data") or {}).get("kind")))
    form.fraction.choices = as_choices(fraction_choices())
    form.tags.choices = as_choices(tag_choices(held))
    for (_id, ruleset), field in zip(held, form.counting_fields(), strict=True):
        field.choices = as_choices(counting_choices(ruleset))
    return form


def as_written(amount: Decimal | None) -> Decimal | None:
    """An amount as people write it: 16, not the stored 16.00; 7.5, not 7.50."""
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))  # normalize() would write 100 as 1E+2
    return amount.normalize()


def form_data_of(activity) -> dict:
    """An activity's saved values, to fill in its edit form (or a duplicate's).

    Not its version: only the edit view adds that (a duplicate is a new activity)."""
    return {
        "kind": activity.kind,
        "title": activity.title,
        "provider": activity.provider,
        "completed_on": None if activity.started_on else activity.completed_on,
        "quantity": as_written(activity.quantity),
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


# Beside each box filled in from a certificate read: nothing read is trusted unseen.
READ_MARK = "Read from your file: check it."


def form_data_of_reading(reading) -> dict:
    """What was read from a certificate (tracker.proofs.reading.Reading), to fill in a new
    activity's form: only the values read, each in the box of its kind (a job's period in its
    start and end dates). The boxes filled are the keys."""
    kind = kind_of(reading.kind or "")
    period = kind is not None and kind.is_period
    read = {
        "kind": kind and kind.code,
        "title": reading.title,
        "provider": reading.provider,
        "ended_on" if period else "completed_on": reading.completed_on,
        "started_on": reading.started_on if period else None,
        "quantity": None if period else as_written(reading.quantity),
    }
    return {name: value for name, value in read.items() if value not in (None, "")}
