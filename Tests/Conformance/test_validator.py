"""The response validator itself: it must catch what it claims to catch (no server needed)."""

import discovery_validator as dv


def problems(api, method, path, body, status=200, ctype="application/json"):
    import json
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return dv.check_exchange(api, method, "http://127.0.0.1:1" + path, status, ctype, raw)


def test_storage_paths_match_their_discovery_methods():
    assert dv.match_method("storage", "GET", "/storage/v1/b/bk/o/a%2Fb").id == "storage.objects.get"
    assert dv.match_method("storage", "POST", "/storage/v1/b").id == "storage.buckets.insert"
    assert dv.match_method("storage", "POST", "/upload/storage/v1/b/bk/o").id == "storage.objects.insert"
    assert dv.match_method("storage", "PUT", "/upload/storage/v1/b/bk/o").id == "storage.objects.insert"
    assert dv.match_method("storage", "POST", "/storage/v1/b/bk/o/x/compose").id == "storage.objects.compose"
    assert dv.match_method("storage", "GET", "/storage/v1/b/bk/iam").id == "storage.buckets.getIamPolicy"


def test_canonical_paths_prefer_the_most_specific_method():
    assert dv.match_method("pubsub", "GET", "/v1/projects/p/topics/t").id == "pubsub.projects.topics.get"
    assert dv.match_method("pubsub", "GET", "/v1/projects/p/topics/t:getIamPolicy").id == \
        "pubsub.projects.topics.getIamPolicy"
    assert dv.match_method("pubsub", "POST", "/v1/projects/p/subscriptions/s:pull").id == \
        "pubsub.projects.subscriptions.pull"
    assert dv.match_method("serviceusage", "GET", "/v1/projects/p/services").id == "serviceusage.services.list"
    assert dv.match_method("bigquery", "GET", "/bigquery/v2/projects/p/datasets/d/tables/t").id == \
        "bigquery.tables.get"


def test_a_conforming_bucket_passes():
    body = {"kind": "storage#bucket", "name": "b", "metageneration": "1", "labels": {"a": "b"},
            "versioning": {"enabled": True}, "timeCreated": "2024-01-01T00:00:00.000Z"}
    assert problems("storage", "GET", "/storage/v1/b/b", body) == []


def test_undeclared_fields_and_wrong_types_are_reported_with_their_path():
    body = {"kind": "storage#bucket", "name": "b", "metageneration": 1, "bogus": 1,
            "labels": {"a": 3}, "versioning": {"enabled": "yes"}, "timeCreated": "yesterday"}
    found = "\n".join(problems("storage", "GET", "/storage/v1/b/b", body))
    assert "storage.buckets.get" in found
    assert "Bucket.metageneration" in found and "int64" in found
    assert "Bucket.bogus: field not declared" in found
    assert "Bucket.labels['a']" in found
    assert "Bucket.versioning.enabled" in found
    assert "Bucket.timeCreated" in found


def test_bytes_must_be_base64():
    body = {"receivedMessages": [{"ackId": "a", "message": {"data": "not base64!", "messageId": "1"}}]}
    found = problems("pubsub", "POST", "/v1/projects/p/subscriptions/s:pull", body)
    assert any("receivedMessages[0].message.data" in p and "base64" in p for p in found), found


def test_error_shapes_are_checked_per_api_family():
    legacy = {"error": {"code": 404, "message": "No such object: b/o", "status": "NOT_FOUND",
                        "errors": [{"reason": "notFound", "message": "No such object: b/o", "domain": "global"}]}}
    assert problems("storage", "GET", "/storage/v1/b/b/o/o", legacy, status=404) == []
    assert problems("pubsub", "GET", "/v1/projects/p/topics/t", legacy, status=404)  # errors[] not canonical
    canonical = {"error": {"code": 404, "message": "Resource not found", "status": "NOT_FOUND"}}
    assert problems("pubsub", "GET", "/v1/projects/p/topics/t", canonical, status=404) == []
    assert problems("storage", "GET", "/storage/v1/b/b/o/o", canonical, status=404)  # no errors[]
    wrong = {"error": {"code": 409, "message": "x", "status": "NOT_FOUND"}}
    assert problems("pubsub", "PUT", "/v1/projects/p/topics/t", wrong, status=409)


def test_plain_v1_requests_are_attributed_to_the_most_specific_api():
    assert dv.best_canonical_api("PUT", "/v1/projects/p/topics/t") == "pubsub"
    assert dv.best_canonical_api("POST", "/v1/projects/p/serviceAccounts") == "iam"
    assert dv.best_canonical_api("POST", "/v1/projects/p:getIamPolicy") == "cloudresourcemanager"
    assert dv.best_canonical_api("GET", "/v1/projects/p/services") == "serviceusage"
    assert dv.best_canonical_api("POST", "/v1/projects/-/serviceAccounts/a@b.com:generateAccessToken") == \
        "iamcredentials"
