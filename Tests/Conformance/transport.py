"""Transport-level hooks: every response a client receives is checked against the discovery docs.

* `requests` (google-cloud-storage, google-cloud-bigquery, google-auth's token refresh): installed
  once per session by patching `requests.adapters.HTTPAdapter.send`, so any Session sees it.
* `httplib2` (google-api-python-client): `ValidatingHttp`, an `httplib2.Http` that knows which API
  it talks to (Pub/Sub, IAM, Resource Manager, Service Usage and IAM Credentials share /v1/).

Problems are appended to `VIOLATIONS`; conftest fails the running test if any were recorded.
Requests to any host but the local cloud's loopback address are refused and recorded too.
"""

from __future__ import annotations

import threading
import urllib.parse

import httplib2
import requests.adapters

import discovery_validator

VIOLATIONS: list[str] = []
EXCHANGES: list[str] = []  # "METHOD URL -> STATUS", for failure reports
_lock = threading.Lock()
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def record(problems: list[str]) -> None:
    if problems:
        with _lock:
            VIOLATIONS.extend(problems)


REFUSED_QUIETLY: list[str] = []


def _is_regional_access_boundary_lookup(url: str) -> bool:
    # google-auth >= 2.4x looks up a service account's "Regional Access Boundary" at
    # https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/EMAIL/allowedLocations,
    # best effort, in a background thread, whatever the API endpoint; there is no switch to turn it
    # off. It is refused here (it never leaves the machine) and google-auth carries on without it.
    parts = urllib.parse.urlsplit(url)
    return parts.hostname == "iamcredentials.googleapis.com" and parts.path.endswith("/allowedLocations")


def _guard(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname
    if host not in LOCAL_HOSTS:
        msg = f"request left the local cloud: {url}"
        if _is_regional_access_boundary_lookup(url):
            REFUSED_QUIETLY.append(url)
        else:
            record([msg])
        raise ConnectionRefusedError(msg)


_original_send = requests.adapters.HTTPAdapter.send


def _validating_send(self, request, **kwargs):
    _guard(request.url)
    response = _original_send(self, request, **kwargs)
    with _lock:
        EXCHANGES.append(f"{request.method} {request.url} -> {response.status_code}")
    if kwargs.get("stream"):
        # Streamed downloads (media) are not JSON; an error body is read eagerly by the client.
        if response.status_code < 400:
            return response
    body = response.content  # reads the body once; requests caches it for the caller
    record(discovery_validator.check_exchange(
        None, request.method, request.url, response.status_code,
        response.headers.get("content-type", ""), body))
    return response


def install_requests_hook() -> None:
    requests.adapters.HTTPAdapter.send = _validating_send


class ValidatingHttp(httplib2.Http):
    """httplib2.Http for google-api-python-client that validates every response of `api_name`."""

    def __init__(self, api_name: str, bearer: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.api_name = api_name
        self.bearer = bearer

    def request(self, uri, method="GET", body=None, headers=None, *args, **kwargs):
        _guard(uri)
        headers = dict(headers or {})
        if self.bearer:
            headers["authorization"] = f"Bearer {self.bearer}"
        resp, content = super().request(uri, method, body, headers, *args, **kwargs)
        with _lock:
            EXCHANGES.append(f"{method} {uri} -> {resp.status}")
        record(discovery_validator.check_exchange(
            self.api_name, method, uri, resp.status, resp.get("content-type", ""), content or b""))
        return resp, content
