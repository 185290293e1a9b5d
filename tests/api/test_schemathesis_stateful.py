"""Schemathesis' stateful mode against the served OpenAPI document: sequences of calls where a
step takes its ids from an earlier answer (make a credential, then read, change or delete it;
log an activity, then read, change, trash or restore it, upload proof to it...). Whatever the
sequence, the API never answers 500 and every answer fits the document (the same checks as
tests/api/test_schemathesis.py, which tests each operation on its own).

The links between operations are not written in the document: Schemathesis infers them from
its response schemas and path parameters (`POST /credentials` answers `id`, which
`GET /credentials/{credential_id}` takes). Only valid requests are sent (the stateless test
sends the invalid ones). As a client would, a step sends:
- for a body, sometimes one of the document's own examples instead of a generated one, so that
  a credential or activity is made now and then and its id can be followed;
- for a change, the version it read (`version` or `If-Match`) of the object it names;
- for an id no earlier answer gave, the id of one of the token owner's own objects (the
  World of the stateless test), made afresh for each sequence.

By default it runs a few sequences of a few steps (a few seconds); set RECERT_STATEFUL_EXAMPLES
to run more, e.g. `RECERT_STATEFUL_EXAMPLES=200 pytest tests/api/test_schemathesis_stateful.py
-s`, which also prints what was called and answered.
"""

import copy
import os
from collections import Counter
from contextlib import suppress

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis import GenerationMode

from tests.api.test_schemathesis import (  # noqa: F401  (world: the fixture)
    CHECKS,
    TRASHED,
    name_of,
    send_the_stored_version,
    world,
)
from tracker.api.inputs import MAX_ID

# Schemathesis' own strategies draw from `random`, which Hypothesis warns about: not ours to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies")

EXAMPLES = int(os.environ.get("RECERT_STATEFUL_EXAMPLES", "8"))  # sequences
STEPS = 8  # calls per sequence at most


def document_examples(operation) -> list:
    content = operation.definition.raw.get("requestBody", {}).get("content", {})
    return [example["value"] for media in content.values()
            for example in media.get("examples", {}).values()]


def load_schema(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])

    @schema.hook
    def flatmap_body(context, body):
        examples = document_examples(context.operation)
        if not examples:
            return st.just(body)
        return st.one_of(st.just(body), st.sampled_from(examples).map(copy.deepcopy))

    return schema


# `world` is the stateless test's fixture, imported above.
def test_sequences_of_calls_keep_to_the_document(app, token, world):  # noqa: F811
    headers = {"Authorization": f"Bearer {token}"}
    steps: Counter[tuple[str, str, str]] = Counter()  # (operation, id from, status class)

    class Sequence(load_schema(app).as_state_machine()):
        def setup(self):
            world.clear_credentials()  # each sequence starts afresh
            world.ensure()

        def step(self, input):
            linked = bool(input.applied_parameters)  # some value came from an earlier answer
            if not linked:
                self.own_ids(input.case)
            output = super().step(input)
            steps[name_of(input.case.operation), "answer" if linked else "own",
                  f"{output.response.status_code // 100}xx"] += 1
            return output

        @staticmethod
        def own_ids(case):
            ids, names = world.ensure(), TRASHED.get(name_of(case.operation), {})
            for name, value in (case.path_parameters or {}).items():
                real = names.get(name, name)
                if real in ids and isinstance(value, int) and 1 <= value <= MAX_ID:
                    case.path_parameters[name] = ids[real]

        def before_call(self, case):
            send_the_stored_version(world, case.operation, case)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None,
                                   recorder=self.recorder)

    # The API's answers steer which step comes next, and they need not be the same when
    # Hypothesis replays a sequence (an id made afresh, another row): it then stops, as
    # Schemathesis' own runner does. A failed check is not this: it is raised.
    with suppress(FlakyStrategyDefinition):
        Sequence.run(settings=settings(
            max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
            derandomize=True, suppress_health_check=list(HealthCheck), phases=[Phase.generate]))
    print(f"\n{steps.total()} calls (id from an earlier answer or the owner's own objects)", *(
        f"{name} {source}: " + " ".join(f"{status} {steps[name, source, status]}" for status in
                                        ("2xx", "4xx", "5xx") if steps[name, source, status])
        for name, source in sorted({(n, s) for n, s, _ in steps})), sep="\n  ")
    followed = {name for name, source, status in steps if source == "answer" and status == "2xx"}
    assert followed, "no call took an id from an earlier answer and succeeded"
