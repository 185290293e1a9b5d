"""The API's input checked as the web checks it, so both refuse the same things in the same
words: an activity by tracker.activities.validation, which every door calls; a credential by
the web's own form, filled from the API's fields as a browser would post it (without a CSRF
token), its messages given back under the API's field names.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from tracker.activities import validation
from tracker.api.problems import InvalidInput
from tracker.clock import today
from tracker.credentials.forms import credential_form
from tracker.models import Activity, HeldCredential
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_number

NO_CSRF = {"csrf": False}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return say_number(value)
    return str(value)


def _errors(pairs) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, messages in pairs:
        for message in messages:
            if message not in errors.setdefault(name, []):
                errors[name].append(message)
    return {name: messages for name, messages in errors.items() if messages}


def activity_fields(activity: Activity) -> dict:
    """A stored activity in the API's fields (to apply a change to)."""
    return {name: getattr(activity, name) for name in validation.FIELDS}


def stored_counting(activity: Activity) -> dict[int, str]:
    """The person's stored choices of where an activity counts, by credential id (see
    validation.DEFAULT): only where they chose something."""
    return {choice.held_credential_id: validation.EXCLUDE if choice.excluded
            else choice.category or validation.DEFAULT for choice in activity.choices}


def _credential_key(key: str) -> int | str:
    """A `counting` key as the id it names; a key that names no id stays text, which the one
    check finds is none of the person's credentials."""
    return int(key) if key.isdecimal() and key.isascii() and str(int(key)) == key else key


def _field(name: str) -> str:
    """The API's name of a field the one check names: `count_7` is `counting.7`."""
    return f"counting.{name.removeprefix('count_')}" if name.startswith("count_") else name


def activity_values(held: Sequence[tuple[int, RuleSet]], data: dict,
                    stored: Mapping[int, str] | None = None) -> tuple[dict, dict[int, str]]:
    """The model values of an activity and the choices of where it counts (by credential id:
    the `stored` ones of credentials in `held`, with those sent in `data["counting"]` over
    them), checked as every door checks an activity; or InvalidInput. A job without an end date
    (`completed_on` null) is one still going on."""
    sent = {_credential_key(key): choice for key, choice in (data.get("counting") or {}).items()}
    held_ids = {credential_id for credential_id, _ruleset in held}
    kept = {key: choice for key, choice in (stored or {}).items() if key in held_ids}
    values = {**data, "counting": {**kept, **sent}}
    problems = validation.problems(values, today(), held)
    if problems:
        raise InvalidInput(_errors((_field(problem.field), [problem.message])
                                   for problem in problems))
    return validation.model_values(values), values["counting"]


def credential_fields(credential: HeldCredential) -> dict:
    """A stored credential in the API's fields (to apply a change to)."""
    return {
        "certified_on": credential.certified_on,
        "certificate_number": credential.certificate_number,
        "modules": [{"code": m.module_code, "passed_on": m.passed_on}
                    for m in credential.modules],
    }


def credential_values(ruleset: RuleSet, data: dict) -> tuple[date, str, dict[str, date | None]]:
    """(certified on, certificate number, modules held), checked as the web form checks them;
    or InvalidInput."""
    modules = data.get("modules") or []
    posted = MultiDict({"certified_on": _text(data.get("certified_on")),
                        "certificate_number": _text(data.get("certificate_number"))})
    problems: list[tuple[str, list[str]]] = []
    where: dict[str, int] = {}
    for index, module in enumerate(modules):
        code = module.get("code") or ""
        if ruleset.module(code) is None:
            known = ", ".join(m.code for m in ruleset.modules)
            wrong = f"“{code}” is not a module of {ruleset.short_name}." if code else \
                "Give the module's code."
            problems.append((f"modules.{index}.code", [f"{wrong} Choose from: {known}."]))
            continue
        where[code] = index
        posted[f"module_{code}"] = "y"
        posted[f"module_{code}_on"] = _text(module.get("passed_on"))
    form = credential_form(ruleset, today(), formdata=posted, meta=NO_CSRF)
    valid = form.validate()
    for name in form.data:
        if name not in form or not form[name].errors:
            continue
        code = name.removeprefix("module_").removesuffix("_on")
        label = f"modules.{where[code]}.passed_on" if code in where else name
        problems.append((label, form[name].errors))
    if problems or not valid:
        raise InvalidInput(_errors(problems))
    return form.certified_on.data, form.certificate_number.data or "", form.modules_held()
