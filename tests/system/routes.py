"""The app's routes that take an object id, for the matrices that check every one."""

from tracker import create_app

URL_MAP = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "routes"}).url_map


def routes_with_arguments(*, api: bool, not_owned: dict) -> list[tuple[str, str]]:
    """(URL rule, method) pairs of the web (or of the API): one endpoint may have several rules
    (a report of the current cycle and of a given cycle), and each is checked."""
    assert not_owned.keys() <= {rule.endpoint for rule in URL_MAP.iter_rules()}, (
        "a rule left out is no longer there")
    found = []
    for rule in URL_MAP.iter_rules():
        if (rule.arguments and rule.endpoint not in not_owned
                and rule.rule.startswith("/api/") == api):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.rule, method))
    return found


def url_with(rule, objects: dict) -> str:
    """The rule's address with the victim's objects in it; every argument needs one."""
    unknown = rule.arguments - objects.keys()
    assert not unknown, (f"{rule.rule}: give the matrix one of the victim's objects for "
                         f"{sorted(unknown)}, or the rule a reason in NOT_OWNED")
    return rule.build({name: objects[name] for name in rule.arguments})[1]
