"""The token owner's own credentials, activities and proof files, looked up by id; any other
id (someone else's, or none at all) is a 404 problem."""

from typing import TypeVar

from tracker.activities import services as activity_services
from tracker.api.auth import api_user
from tracker.api.problems import ApiProblem
from tracker.credentials import services as credential_services
from tracker.db import get_session
from tracker.models import Activity, Evidence, HeldCredential

Found = TypeVar("Found")


def _found(found: Found | None, what: str, where: str = "among yours") -> Found:
    if found is None:
        raise ApiProblem(404, f"There is no {what} with this id {where}.")
    return found


def own_credential(credential_id: int) -> HeldCredential:
    return _found(credential_services.credential_of(get_session(), api_user(), credential_id),
                  "credential")


def own_activity(activity_id: int, *, trashed: bool = False) -> Activity:
    activity = activity_services.activity_of(get_session(), api_user(), activity_id,
                                             trashed=trashed)
    return _found(activity, "activity", "in your trash" if trashed else "among yours")


def own_evidence(evidence_id: int) -> Evidence:
    return _found(activity_services.evidence_of(get_session(), api_user(), evidence_id), "file")
