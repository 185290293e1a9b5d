"""Changes say which version they start from, so no one overwrites a change they never saw.

An activity or a credential is answered with an `ETag` that starts with its version and ends
with a digest of the answer ("3.5f2a9c0e41b7"). A PATCH must send it back (or only its version,
"3"), in the `If-Match` header (RFC 9110) or as `version` in the body: without either it is
refused with 428. `If-Match` is a precondition: when the stored version is none of its tags,
412 Precondition Failed. It compares strongly (RFC 9110, 13.1.1), so a weak tag (`W/"3"`)
never matches, and a tag that is no version of ours matches nothing either: both are 412, as
for any other client that sends them. A stale `version` in the body is no precondition but
part of the change: 409 Conflict, as for a change that lost a race. Nothing is saved in
either case. `If-Match: *` changes whatever version is stored, on purpose.

A read answers 304 Not Modified, without a body, when `If-None-Match` holds its ETag (weakly
compared, as RFC 9110 says for that header): tracker.api.blueprint.answer does it.
"""

import hashlib

from flask import request
from pydantic import BaseModel, Field

from tracker.api.problems import ApiProblem, ChangedMeanwhile
from tracker.fields import whole_number

SAY_THE_VERSION = ("Say which version you are changing, so you do not overwrite a change you "
                   "have not seen: send the header If-Match with the ETag you read "
                   "(If-Match: \"3\"), or \"version\": 3 in the body. Read it again to get it.")


class ChangeHeaders(BaseModel):
    if_match: str | None = Field(None, alias="If-Match", description=(
        "The `ETag` you read (e.g. `\"3\"`): the change is refused (412) if someone saved "
        "since. A weak tag (`W/\"3\"`) never matches. Either this or `version` in the body "
        "is required (428 without both)."))


class ReadHeaders(BaseModel):
    if_none_match: str | None = Field(None, alias="If-None-Match", description=(
        "The `ETag` you read: 304 Not Modified, without a body, while it is still the "
        "version."))


ETAG = {"ETag": {"description": "The version and a digest of the answer, quoted (e.g. "
                                "`\"3.5f2a9c0e41b7\"`): send it back in `If-Match` to change "
                                "this (only its version counts there), or in `If-None-Match` "
                                "to read it only when anything in it changed.",
                 "schema": {"type": "string"}, "required": True}}


def etag(version: int, body: str) -> str:
    """The version, then a digest of all the answer says: its figures (points, flags) change
    with other activities and the day while its version stays, and a 304 must not hide that.
    If-Match reads only the version."""
    return f"{version}.{hashlib.sha256(body.encode()).hexdigest()[:12]}"


def _version_of(tag: str) -> int | None:
    return whole_number(tag.split(".", 1)[0])


def _if_match_sent() -> bool:
    return "If-Match" in request.headers and not request.if_match.star_tag


def lost_race(what: str) -> ChangedMeanwhile:
    """A save that found another version than the one started_from let through: someone
    saved in between. 412 when that version was If-Match's (a precondition that no longer
    holds), 409 otherwise."""
    return ChangedMeanwhile(what, 412 if _if_match_sent() else 409)


def started_from(what: str, stored: int, sent: int | None) -> int:
    """The version a change starts from: the stored one, when If-Match and `version` (those
    sent) both name it; otherwise the change is refused (428, 412 or 409)."""
    if "If-Match" not in request.headers and sent is None:
        raise ApiProblem(428, SAY_THE_VERSION)
    if _if_match_sent():
        versions = {_version_of(tag) for tag in request.if_match.as_set()}  # strong only
        if stored not in versions:
            raise ChangedMeanwhile(what, 412, stored, request.headers["If-Match"])
    if sent is not None and sent != stored:
        raise ChangedMeanwhile(what, 409, stored, sent)
    return stored
