"""A save of an activity (or of its files) refused, as a problem."""

from collections.abc import Callable
from contextlib import contextmanager

from tracker.activities import services
from tracker.api.problems import ApiProblem, ChangedMeanwhile
from tracker.concurrency import Conflict

SAVE_FAILED = "We could not save this, and nothing was changed. Please try again."


@contextmanager
def saving(changed_meanwhile: Callable[[str], ApiProblem] = ChangedMeanwhile):
    """A refused save as a problem: `changed_meanwhile`'s when someone saved in between (409;
    lost_race's 412 after an If-Match), 422 when the person has as many activities as they
    may keep, 503 when the database failed."""
    try:
        yield
    except Conflict as error:
        raise changed_meanwhile("activity") from error
    except services.TooManyActivities as error:
        raise ApiProblem(422, str(error)) from error
    except services.SaveFailed as error:
        raise ApiProblem(503, SAVE_FAILED) from error
