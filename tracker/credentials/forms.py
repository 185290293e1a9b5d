"""The form for a held credential; its module fields come from the rule set."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker.fields import DayField, strip_whitespace, submission_id_field, version_field
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import check_certified_on


class CredentialForm(FlaskForm):
    certified_on = DayField(
        "Certification date",
        validators=[DataRequired("Enter the date you were certified.")],
        description="The date on your certificate. Your renewal cycle starts on this day.",
    )
    certificate_number = StringField(
        "Certificate number",
        validators=[
            Optional(),
            Length(max=40, message="Use at most 40 characters."),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$",
                message="Use only letters, numbers, spaces, dots (.), dashes (-) and "
                "slashes (/).",
            ),
        ],
        filters=[strip_whitespace],
        description="As printed on your certificate. You can add it later.",
    )
    version = version_field()
    submission_id = submission_id_field()

    ruleset: RuleSet
    today: date

    def validate_certified_on(self, field) -> None:
        problems = check_certified_on(self.ruleset, field.data, self.today)
        if problems:
            raise ValidationError(" ".join(problem.message for problem in problems))

    def module_fields(self):
        """(module, passed checkbox, date passed) for each module of the rule set."""
        return [
            (module, self[f"module_{module.code}"], self[f"module_{module.code}_on"])
            for module in self.ruleset.modules
        ]

    def modules_held(self) -> dict[str, date | None]:
        return {module.code: on.data for module, passed, on in self.module_fields() if passed.data}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A date beside an unticked box is ignored: unticking is how a module is removed.
        for _module, passed, on in self.module_fields():
            if passed.data and on.data and on.data > self.today:
                on.errors.append("The date passed cannot be in the future.")
                valid = False
        return valid


def credential_form(ruleset: RuleSet, today: date, **kwargs) -> CredentialForm:
    """A form for this rule set: the common fields plus a checkbox and date per module."""

    class RuleSetCredentialForm(CredentialForm):
        pass

    for module in ruleset.modules:
        setattr(RuleSetCredentialForm, f"module_{module.code}", BooleanField(module.name))
        setattr(
            RuleSetCredentialForm,
            f"module_{module.code}_on",
            DayField(f"Date you passed {module.name}", validators=[Optional()]),
        )
    form = RuleSetCredentialForm(**kwargs)
    form.certified_on.description = (f"The date on your certificate. Your {ruleset.cycle_years}"
                                     f"-year cycle starts on this day.")
    form.ruleset = ruleset
    form.today = today
    return form


def form_data_of(credential) -> dict:
    """The saved values of a credential, to fill in its edit form."""
    data = {
        "certified_on": credential.certified_on,
        "certificate_number": credential.certificate_number,
        "version": credential.version,
    }
    for module in credential.modules:
        data[f"module_{module.module_code}"] = True
        data[f"module_{module.module_code}_on"] = module.passed_on
    return data


class UndoForm(FlaskForm):
    """The undo button, with the credential's version: a second click undoes nothing more."""

    version = version_field()
