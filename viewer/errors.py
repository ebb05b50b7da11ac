"""Typed errors a person can meet, each with the status code and words the error page uses."""

from __future__ import annotations


class ViewerError(Exception):
    """Base of every error the viewer turns into a readable page or panel."""

    status_code = 500
    title = "Something went wrong"
    retryable = False
    # Seconds a client should wait before trying again, sent as Retry-After when set.
    retry_after: int | None = None

    def __init__(self, detail: str, *, request_id: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.request_id = request_id


class InvalidId(ViewerError):
    """A run or step id that cannot be valid; no upstream call is made."""

    status_code = 400
    title = "That is not a valid id"


class RunNotFound(ViewerError):
    status_code = 404
    title = "Run not found"


class StepNotFound(ViewerError):
    status_code = 404
    title = "Step not found"


class NotAuthorized(ViewerError):
    """The runs API refused the viewer's (or the person's) credentials."""

    status_code = 502
    title = "The viewer is not allowed to read this run"

    def __init__(self, detail: str, *, upstream_status: int, request_id: str | None = None) -> None:
        super().__init__(detail, request_id=request_id)
        self.upstream_status = upstream_status
        if upstream_status == 403:
            self.status_code = 403


class UpstreamUnavailable(ViewerError):
    status_code = 503
    title = "The runs service is not answering"
    retryable = True


class UpstreamBusy(UpstreamUnavailable):
    """The viewer holds back a call: too many in flight, an upstream that keeps failing, or an
    upstream that asked it to wait (429 or 503 with Retry-After)."""

    title = "The runs service is busy"

    def __init__(self, detail: str, *, retry_after: int, request_id: str | None = None) -> None:
        super().__init__(detail, request_id=request_id)
        self.retry_after = retry_after


class UpstreamTimeout(ViewerError):
    status_code = 504
    title = "The runs service is too slow to answer"
    retryable = True


class UnexpectedAnswer(ViewerError):
    status_code = 502
    title = "The runs service sent an answer the viewer cannot read"
    retryable = True


class AccessRefused(ViewerError):
    """The viewer's own gate refused the request (no trusted identity, a domain not allowed,
    a stale form)."""

    def __init__(self, status_code: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.title = title


class SignInRequired(ViewerError):
    """The person must sign in (again): `reason` says why ("expired", "refused", "signed_out"
    or None for a first visit); `forget_session` drops the session cookie with the answer."""

    status_code = 401
    title = "Sign-in required"

    def __init__(self, detail: str, *, reason: str | None, forget_session: bool) -> None:
        super().__init__(detail)
        self.reason = reason
        self.forget_session = forget_session


class InvalidView(ViewerError):
    """A link's diagram settings (opened and closed boxes) that cannot be read or are past
    their cap; no upstream call is made."""

    status_code = 400
    title = "That link's diagram settings cannot be used"


class DiagramChanged(ViewerError):
    """A big diagram's rest asked for under a version (`v`) that is not the one drawn now: the
    run or the viewer changed after the page was sent (viewer/web/later.py)."""

    status_code = 409
    title = "This diagram has changed"
