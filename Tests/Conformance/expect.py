"""Assertions on errors: the HTTP code plus the legacy `reason` or the canonical `status`."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

import pytest


def _body(raw) -> dict:
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        raise AssertionError(f"error body is not JSON: {raw!r:.200}")


@contextmanager
def legacy_error(code: int, reason: str):
    """google-cloud-* (api_core) call fails with HTTP `code` and errors[0].reason `reason`."""
    from google.api_core import exceptions

    with pytest.raises(exceptions.GoogleAPICallError) as info:
        yield info
    exc = info.value
    response = getattr(exc, "response", None)
    assert exc.code == code, f"expected HTTP {code} {reason}, got {exc.code}: {exc.message}"
    body = _body(response.content) if response is not None else {"error": {"errors": exc.errors}}
    reasons = [e.get("reason") for e in body.get("error", {}).get("errors", [])]
    assert reasons and reasons[0] == reason, f"expected reason {reason!r}, got {reasons} in {body}"


@contextmanager
def canonical_error(code: int, status: str):
    """google-api-python-client call fails with HTTP `code` and error.status `status`."""
    from googleapiclient.errors import HttpError

    with pytest.raises(HttpError) as info:
        yield info
    exc = info.value
    body = _body(exc.content)
    got = body.get("error", {}).get("status")
    assert exc.resp.status == code and got == status, \
        f"expected HTTP {code} {status}, got {exc.resp.status} {got}: {body}"


def raw_error(response, code: int, *, reason: str | None = None, status: str | None = None):
    """A `requests` response is HTTP `code` with the given legacy reason or canonical status."""
    body = _body(response.content)
    assert response.status_code == code, f"expected HTTP {code}, got {response.status_code}: {body}"
    if reason is not None:
        reasons = [e.get("reason") for e in body.get("error", {}).get("errors", [])]
        assert reasons and reasons[0] == reason, f"expected reason {reason!r}, got {reasons}: {body}"
    if status is not None:
        assert body.get("error", {}).get("status") == status, f"expected status {status!r}: {body}"


def eventually(fn, timeout: float = 10.0, interval: float = 0.1):
    """Calls fn until it returns a truthy value or `timeout` passes; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
