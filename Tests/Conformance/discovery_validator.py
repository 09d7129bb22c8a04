"""Checks HTTP responses against Google's discovery documents in ./discovery.

A response is matched to its discovery method by (HTTP method, URL path), then every field of
its JSON body is checked: declared in the method's response schema, and of the declared JSON
type (int64/uint64 are decimal strings, `format: byte` is base64, nested $ref, arrays and
additionalProperties maps are followed). Error bodies (status >= 400) are checked against the
API family's error shape instead: legacy (Storage, BigQuery) or canonical (everything else).

`check_exchange` returns a list of problems (strings); an empty list means the exchange conforms.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

DISCOVERY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "discovery")

LEGACY_APIS = {"storage", "bigquery"}
CANONICAL_APIS = {"pubsub", "iam", "cloudresourcemanager", "serviceusage", "iamcredentials"}

# google.rpc.Code names by HTTP status (https://cloud.google.com/apis/design/errors).
STATUS_FOR_CODE = {
    400: {"INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE"},
    401: {"UNAUTHENTICATED"},
    403: {"PERMISSION_DENIED", "RESOURCE_EXHAUSTED"},
    404: {"NOT_FOUND"},
    409: {"ALREADY_EXISTS", "ABORTED"},
    412: {"FAILED_PRECONDITION"},
    416: {"OUT_OF_RANGE"},
    429: {"RESOURCE_EXHAUSTED"},
    499: {"CANCELLED"},
    500: {"INTERNAL", "UNKNOWN", "DATA_LOSS"},
    501: {"UNIMPLEMENTED"},
    502: {"UNAVAILABLE", "INTERNAL", "UNKNOWN"},
    503: {"UNAVAILABLE"},
    504: {"DEADLINE_EXCEEDED"},
}
ALL_STATUSES = set().union(*STATUS_FOR_CODE.values())

_INT64 = re.compile(r"^-?(0|[1-9][0-9]*)$")
_UINT64 = re.compile(r"^(0|[1-9][0-9]*)$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/_-]*={0,2}$")
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DURATION = re.compile(r"^-?\d+(\.\d{1,9})?s$")


@dataclass
class Method:
    api: str
    id: str
    http_method: str
    regex: re.Pattern
    literal_weight: int
    response_ref: str | None
    media_download: bool = False
    upload: bool = False


@dataclass
class Api:
    name: str
    doc: dict
    prefix: str  # URL path prefix of the service, e.g. "/storage/v1/" or "/"
    methods: list[Method] = field(default_factory=list)


def _template_regex(template: str) -> tuple[re.Pattern, int]:
    """`v1/{+name}:publish` -> regex; {+x} spans slashes, {x} is one segment."""
    out, literal = [], 0
    pos = 0
    for m in re.finditer(r"\{(\+?)([^}]+)\}", template):
        lit = template[pos : m.start()]
        out.append(re.escape(lit))
        literal += len(lit)
        out.append(".+" if m.group(1) else "[^/]+")
        pos = m.end()
    lit = template[pos:]
    out.append(re.escape(lit))
    literal += len(lit)
    return re.compile("^" + "".join(out) + "$"), literal


def _load(name: str) -> Api:
    fname = [f for f in os.listdir(DISCOVERY_DIR) if f.startswith(name + ".")][0]
    with open(os.path.join(DISCOVERY_DIR, fname)) as fh:
        doc = json.load(fh)
    prefix = "/" + doc.get("servicePath", "")
    api = Api(name=name, doc=doc, prefix=prefix)

    def walk(resources):
        for res in resources.values():
            for m in res.get("methods", {}).values():
                template = m.get("flatPath") or m["path"]
                regex, weight = _template_regex(prefix + template)
                ref = m.get("response", {}).get("$ref")
                api.methods.append(
                    Method(name, m["id"], m["httpMethod"], regex, weight, ref,
                           media_download=bool(m.get("supportsMediaDownload")))
                )
                if m.get("path") and m.get("flatPath") and m["path"] != m["flatPath"]:
                    regex, weight = _template_regex(prefix + m["path"])
                    api.methods.append(Method(name, m["id"], m["httpMethod"], regex, weight, ref))
                for proto in m.get("mediaUpload", {}).get("protocols", {}).values():
                    regex, weight = _template_regex(proto["path"])
                    # Upload sessions continue with PUT on the same URL: any method matches.
                    api.methods.append(Method(name, m["id"], "*", regex, weight, ref, upload=True))
            walk(res.get("resources", {}))

    walk(doc.get("resources", {}))
    return api


_APIS: dict[str, Api] = {}


def api(name: str) -> Api:
    if name not in _APIS:
        _APIS[name] = _load(name)
    return _APIS[name]


def api_for_path(path: str) -> str | None:
    """The API a google-cloud-* request goes to, from its path (None: not a discovery API)."""
    if path.startswith(("/storage/v1/", "/upload/storage/v1/", "/resumable/upload/storage/v1/",
                        "/download/storage/v1/")):
        return "storage"
    if path.startswith("/bigquery/v2/"):
        return "bigquery"
    return None


def match_method(api_name: str, http_method: str, raw_path: str) -> Method | None:
    a = api(api_name)
    path = raw_path
    if api_name == "storage" and path.startswith("/download/storage/v1/"):
        path = "/storage/v1/" + path[len("/download/storage/v1/"):]
    best = None
    for m in a.methods:
        if m.http_method not in (http_method, "*"):
            continue
        if m.regex.match(path) and (best is None or m.literal_weight > best.literal_weight):
            best = m
    return best


def best_canonical_api(http_method: str, raw_path: str) -> str | None:
    """For plain requests to /v1/...: the canonical API whose method matches most specifically."""
    best, weight = None, -1
    for name in sorted(CANONICAL_APIS):
        m = match_method(name, http_method, raw_path)
        if m is not None and m.literal_weight > weight:
            best, weight = name, m.literal_weight
    return best


# ---------------------------------------------------------------- schema checks


def check_value(value: Any, schema: dict, where: str, doc: dict, problems: list[str]) -> None:
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref not in doc["schemas"]:
            problems.append(f"{where}: schema {ref} is missing from the discovery document")
            return
        schema = doc["schemas"][ref]
    t = schema.get("type")
    fmt = schema.get("format")
    if t in (None, "any"):
        return
    if value is None:
        problems.append(f"{where}: null where the schema declares {t}" + (f" ({fmt})" if fmt else ""))
        return
    if t == "object":
        if not isinstance(value, dict):
            problems.append(f"{where}: expected an object, got {type(value).__name__} {value!r:.80}")
            return
        props = schema.get("properties")
        addl = schema.get("additionalProperties")
        if props is None and addl is None:
            return  # free-form object
        for k, v in value.items():
            if props and k in props:
                check_value(v, props[k], f"{where}.{k}", doc, problems)
            elif addl is not None:
                check_value(v, addl, f"{where}[{k!r}]", doc, problems)
            else:
                problems.append(f"{where}.{k}: field not declared in the schema")
    elif t == "array":
        if not isinstance(value, list):
            problems.append(f"{where}: expected an array, got {type(value).__name__} {value!r:.80}")
            return
        items = schema.get("items", {})
        for i, v in enumerate(value):
            check_value(v, items, f"{where}[{i}]", doc, problems)
    elif t == "string":
        if not isinstance(value, str):
            problems.append(f"{where}: expected a string" + (f" ({fmt})" if fmt else "")
                            + f", got {type(value).__name__} {value!r:.80}")
            return
        bad = None
        if fmt == "int64" and not _INT64.match(value):
            bad = "not a decimal int64"
        elif fmt == "uint64" and not _UINT64.match(value):
            bad = "not a decimal uint64"
        elif fmt == "byte":
            if not _BASE64.match(value):
                bad = "not base64"
            else:
                try:
                    padded = value + "=" * (-len(value) % 4)
                    if "-" in value or "_" in value:
                        base64.urlsafe_b64decode(padded)
                    else:
                        base64.b64decode(padded, validate=True)
                except (binascii.Error, ValueError):
                    bad = "not base64"
        elif fmt in ("date-time", "google-datetime") and not _RFC3339.match(value):
            bad = "not an RFC 3339 timestamp"
        elif fmt == "date" and not _DATE.match(value):
            bad = "not a YYYY-MM-DD date"
        elif fmt == "google-duration" and not _DURATION.match(value):
            bad = "not a duration like '3.5s'"
        elif "enum" in schema and value not in schema["enum"]:
            bad = f"not one of the enum values {schema['enum']}"
        if bad:
            problems.append(f"{where}: {value!r:.80} is {bad}")
    elif t == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: expected an integer ({fmt}), got {type(value).__name__} {value!r:.80}")
        elif fmt == "int32" and not (-(2**31) <= value < 2**31):
            problems.append(f"{where}: {value} is out of int32 range")
        elif fmt == "uint32" and not (0 <= value < 2**32):
            problems.append(f"{where}: {value} is out of uint32 range")
    elif t == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{where}: expected a number, got {type(value).__name__} {value!r:.80}")
    elif t == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{where}: expected a boolean, got {type(value).__name__} {value!r:.80}")


def check_error_body(api_name: str, status: int, body: Any) -> list[str]:
    p: list[str] = []
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
        return [f"error body must be exactly {{\"error\": {{...}}}}, got {json.dumps(body)[:200]}"]
    e = body["error"]
    legacy = api_name in LEGACY_APIS
    allowed = {"code", "message", "status"} | ({"errors"} if legacy else {"details"})
    for k in e:
        if k not in allowed:
            p.append(f"error.{k}: not a field of a {'legacy' if legacy else 'canonical'} error")
    if e.get("code") != status:
        p.append(f"error.code: {e.get('code')!r} differs from the HTTP status {status}")
    if not isinstance(e.get("message"), str) or not e.get("message"):
        p.append("error.message: missing or not a non-empty string")
    st = e.get("status")
    if not isinstance(st, str):
        p.append("error.status: missing or not a string")
    elif st not in ALL_STATUSES:
        p.append(f"error.status: {st!r} is not a google.rpc.Code name")
    elif status in STATUS_FOR_CODE and st not in STATUS_FOR_CODE[status]:
        p.append(f"error.status: {st!r} does not go with HTTP {status} (expected one of {sorted(STATUS_FOR_CODE[status])})")
    if legacy:
        errs = e.get("errors")
        if not isinstance(errs, list) or not errs:
            p.append("error.errors: missing or empty (legacy APIs list errors with a reason)")
        else:
            for i, item in enumerate(errs):
                if not isinstance(item, dict):
                    p.append(f"error.errors[{i}]: not an object")
                    continue
                for k in ("reason", "message", "domain"):
                    if not isinstance(item.get(k), str) or not item.get(k):
                        p.append(f"error.errors[{i}].{k}: missing or not a non-empty string")
                for k in item:
                    if k not in ("reason", "message", "domain", "location", "locationType",
                                 "extendedHelp", "sendReport", "debugInfo"):
                        p.append(f"error.errors[{i}].{k}: not a field of a legacy error item")
    elif "details" in e and not isinstance(e["details"], list):
        p.append("error.details: not an array")
    return p


def check_token_response(status: int, body: Any) -> list[str]:
    if not isinstance(body, dict):
        return [f"token endpoint answered a non-object {body!r:.120}"]
    p = []
    if status == 200:
        if not isinstance(body.get("access_token"), str) or not body.get("access_token"):
            p.append("access_token: missing or not a string")
        if isinstance(body.get("expires_in"), bool) or not isinstance(body.get("expires_in"), int):
            p.append(f"expires_in: {body.get('expires_in')!r} is not an integer")
        if body.get("token_type") != "Bearer":
            p.append(f"token_type: {body.get('token_type')!r} is not 'Bearer'")
    else:
        if not isinstance(body.get("error"), str):
            p.append(f"error: {body.get('error')!r} is not an OAuth2 error code string")
        if "error_description" in body and not isinstance(body["error_description"], str):
            p.append("error_description: not a string")
    return p


def check_exchange(api_name: str | None, http_method: str, url: str, status: int,
                   content_type: str, body: bytes) -> list[str]:
    """Problems with one HTTP exchange; each problem is prefixed with what was requested."""
    parsed = urllib.parse.urlsplit(url)
    raw_path = parsed.path
    query = urllib.parse.parse_qs(parsed.query)
    label = f"{http_method} {raw_path}"

    if raw_path == "/token":
        try:
            doc = json.loads(body)
        except ValueError:
            return [f"{label} -> {status}: token endpoint answered non-JSON {body[:120]!r}"]
        return [f"{label} -> {status} (oauth2 token): {x}" for x in check_token_response(status, doc)]

    if api_name is None:
        api_name = api_for_path(raw_path)
    if api_name is None and raw_path.startswith("/v1/"):
        api_name = best_canonical_api(http_method, raw_path)
    if api_name is None:
        if status == 404:
            return []  # an unknown path: nothing in the discovery docs to compare with
        return [f"{label} -> {status}: path belongs to no API in Tests/Conformance/discovery"]

    method = match_method(api_name, http_method, raw_path)
    if method is None:
        if status == 404:
            return []  # an unknown path: nothing in the discovery docs to compare with
        return [f"{label} -> {status}: no {api_name} discovery method matches this request"]
    label = f"{label} [{method.id}]"

    media = (query.get("alt") == ["media"]) or raw_path.startswith("/download/")
    if status >= 400:
        if media and "json" not in content_type:
            return []
        return _check_error(api_name, label, status, content_type, body, method.id)
    if status in (204, 308) or (300 <= status < 400):
        return []
    if media:
        return []
    if not body.strip():
        if method.response_ref is None:
            return []
        if method.upload and "upload_id" not in query:
            return []  # resumable session start: 200 with a Location header, no body
        return [f"{label} -> {status}: empty body, expected a {method.response_ref}"]
    try:
        doc = json.loads(body)
    except ValueError:
        return [f"{label} -> {status}: body is not JSON: {body[:120]!r}"]
    if method.response_ref is None:
        if doc in ({},):
            return []
        return [f"{label} -> {status}: method declares no response but the body is {json.dumps(doc)[:120]}"]
    problems: list[str] = []
    check_value(doc, {"$ref": method.response_ref}, method.response_ref, api(api_name).doc, problems)
    return [f"{label} -> {status}: {x}" for x in problems]


def _check_error(api_name, label, status, content_type, body, what) -> list[str]:
    try:
        doc = json.loads(body)
    except ValueError:
        return [f"{label} -> {status}: error body is not JSON: {body[:160]!r}"]
    return [f"{label} -> {status} error body: {x}" for x in check_error_body(api_name, status, doc)]
