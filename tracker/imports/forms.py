"""The upload forms: a spreadsheet of activities, the matching of its columns, its
confirmation, and a full JSON export."""

import re

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, RadioField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from tracker.imports.matching import FIELDS, Column, Matching
from tracker.imports.parsing import MAX_ROWS
from tracker.rules.kinds import Kind

MONTH_FIRST = "month-first"
DAY_FIRST = "day-first"


class FileUploadForm(FlaskForm):
    """A form whose `file` may be at most RECERT_MAX_UPLOAD_MB; once valid, `content` holds
    its bytes (read here, so that a file too big is refused, never cut short)."""

    too_big = "Split it into smaller files."  # what to do about a file too big
    content: bytes = b""

    def validate_file(self, field) -> None:
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        self.content = field.data.read(limit + 1)
        if len(self.content) > limit:
            raise ValidationError(
                f"The file is larger than {limit // (1024 * 1024)} MB, the most Recert takes. "
                + self.too_big
            )


class UploadForm(FileUploadForm):
    file = FileField("CSV file or Excel file (.xlsx)",
                     validators=[FileRequired("Choose a CSV or Excel file.")],
                     description="Any columns: you match them to Recert's next.")
    date_order = RadioField(
        "How does your file write dates like 3/4/2024?",
        choices=[SelectChoice(MONTH_FIRST, "Month/day/year (US style): 3/4/2024 is March 4"),
                 SelectChoice(DAY_FIRST, "Day/month/year: 3/4/2024 is April 3")],
        default=MONTH_FIRST,
        description="Dates like 2024-03-04 work either way.",
    )

    @property
    def day_first(self) -> bool:
        return self.date_order.data == DAY_FIRST


class ConfirmImportForm(FlaskForm):
    """The preview's form: the signed file, and a kind for each row (`kind-<row number>`,
    read by `row_kinds`: as many as the file has rows)."""

    upload = HiddenField(validators=[DataRequired()])


ROW_KIND = re.compile(r"^kind-(\d{1,6})$")


def row_kinds(formdata: MultiDict) -> dict[int, str]:
    """The kind chosen for each row in the preview, by row number (any text: the activity
    check says what is wrong with a kind that is not one)."""
    kinds = {}
    for name, value in formdata.items():
        if (match := ROW_KIND.match(name)) and int(match.group(1)) <= MAX_ROWS + 1 and value:
            kinds[int(match.group(1))] = value[:100]
    return kinds


MISSING = {
    "Date completed": "Choose the column with the date you finished.",
    "Title": "Choose the column with the name of the course or activity.",
    "Quantity": "Choose the column with the hours (or other amount).",
    "Kind": "Choose the kind of the rows, or a column that says it.",
}


class MatchingForm(FlaskForm):
    """The matching step: for each of Recert's fields (FIELDS), a select of the file's
    columns, added per file by `matching_form`."""

    upload = HiddenField(validators=[DataRequired()])
    default_kind = SelectField("What kind of activity are the rows?",
                               description="For the rows that do not say their kind.")
    in_ceus = BooleanField("The amounts are CEUs: turn them into hours (1 CEU = 10 hours)")
    columns: tuple[Column, ...] = ()  # set by matching_form

    def selects(self, main: bool) -> list:
        return [getattr(self, f.key) for f in FIELDS if f.main == main]

    def matching(self) -> Matching:
        chosen = {f.column: int(getattr(self, f.key).data) for f in FIELDS
                  if getattr(self, f.key).data}
        return Matching(chosen, self.default_kind.data or "", bool(self.in_ceus.data),
                        {name: self.columns[index].name for name, index in chosen.items()})

    def preset(self, matching: Matching) -> None:
        """Show `matching` (a guess or a remembered one) as the chosen values."""
        for f in FIELDS:
            index = matching.columns.get(f.column)
            getattr(self, f.key).data = "" if index is None else str(index)
        self.default_kind.data = matching.default_kind
        self.in_ceus.data = matching.in_ceus

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        for name in self.matching().missing():
            field = self.default_kind if name == "Kind" else getattr(
                self, next(f.key for f in FIELDS if f.column == name))
            field.errors.append(MISSING[name])
        return not self.errors


def matching_form(columns: list[Column], kinds: list[Kind], *, read: bool) -> MatchingForm:
    """The matching step's form for a file of these columns: the person's answers when `read`,
    else empty (to `preset`)."""
    options = [SelectChoice("", "Not in this file")] + [
        SelectChoice(str(column.index), column.name) for column in columns]
    fields = {f.key: SelectField(f.question, choices=options, render_kw={"data-column": ""})
              for f in FIELDS}
    form_class = type("FileMatchingForm", (MatchingForm,), fields)
    form = form_class(**({} if read else {"formdata": None}))
    form.columns = columns
    form.default_kind.choices = [SelectChoice("", "The kind column says (or choose one)")] + [
        SelectChoice(kind.code, kind.name) for kind in kinds]
    return form


class FullExportForm(FlaskForm):
    """Only says a file was chosen: tracker.imports.full.read_document reads it as a stream,
    under the import's own limit (MAX_IMPORT_BYTES, far above an upload's: an account's own
    export must always import), so it is never held here as well."""

    file = FileField("Export file (.json)",
                     validators=[FileRequired("Choose the JSON file you downloaded.")],
                     description="The file from Account → Download all my data.")
