"""Changes say which version they start from, so no one overwrites a change they never saw.

An activity or a credential is answered with its version as an `ETag` ("3"). A PATCH must send
it back, in the `If-Match` header (RFC 9110) or as `version` in the body: without either it is
refused with 428; from a version that is no longer the stored one, with 409 (nothing saved).
`If-Match: *` changes whatever version is stored, on purpose.
"""

from flask import request
from pydantic import BaseModel, Field

from tracker.api.problems import ApiProblem, InvalidInput
from tracker.fields import whole_number

SAY_THE_VERSION = ("Say which version you are changing, so you do not overwrite a change you "
                   "have not seen: send the header If-Match with the ETag you read "
                   "(If-Match: \"3\"), or \"version\": 3 in the body. Read it again to get it.")
NOT_OURS = "Send the ETag you read, like \"3\", or * to change any version."


class ChangeHeaders(BaseModel):
    if_match: str | None = Field(None, alias="If-Match", description=(
        "The `ETag` you read (e.g. `\"3\"`): the change is refused (409) if someone saved "
        "since. Either this or `version` in the body is required (428 without both)."))


ETAG = {"ETag": {"description": "The version, quoted (e.g. `\"3\"`): send it back in "
                                "`If-Match` to change this.",
                 "schema": {"type": "string"}, "required": True}}


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def started_from(stored: int, sent: int | None) -> int:
    """The version a change starts from, to hold against the stored one: If-Match's (the
    stored one when it is among them) or the body's; when both are sent, a stale one wins."""
    if "If-Match" not in request.headers:
        if sent is None:
            raise ApiProblem(428, SAY_THE_VERSION)
        return sent
    tags = request.if_match
    if tags.star_tag:
        started = stored
    else:
        versions = sorted(v for v in map(whole_number, tags.as_set()) if v is not None)
        if not versions:
            raise InvalidInput({"If-Match": [NOT_OURS]})
        started = stored if stored in versions else versions[0]
    return sent if sent is not None and sent != started else started
