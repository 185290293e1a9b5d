"""The upload forms: a CSV of activities, its confirmation, and a full JSON export."""

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

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
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file.")],
                     description="The template's columns, or those of a CSV export.")
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
    upload = HiddenField(validators=[DataRequired()])


class FullExportForm(FlaskForm):
    """Only says a file was chosen: tracker.imports.full.read_document reads it as a stream,
    under the import's own limit (MAX_IMPORT_BYTES, far above an upload's: an account's own
    export must always import), so it is never held here as well."""

    file = FileField("Export file (.json)",
                     validators=[FileRequired("Choose the JSON file you downloaded.")],
                     description="The file from Account → Download all my data.")
