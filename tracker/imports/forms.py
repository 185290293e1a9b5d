"""The upload forms: a CSV of activities, its confirmation, and a full JSON export."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired


class UploadForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file.")],
                     description="The columns of the CSV export; see the template.")
    us_dates = BooleanField(
        "My dates are month/day/year (US style, like 5/31/2024)",
        description="Leave this off for day/month/year (31/5/2024). "
                    "Dates like 2024-05-31 work either way.",
    )


class ConfirmImportForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired()])


class FullExportForm(FlaskForm):
    file = FileField("Export file (.json)",
                     validators=[FileRequired("Choose the JSON file you downloaded.")],
                     description="The file from Account → Download all my data.")
