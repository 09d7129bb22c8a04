"""Malformed requests sent with plain `requests` (the clients would refuse to send them).

The transport hook still checks each error body's shape (legacy errors[] with reason/domain for
Storage and BigQuery, canonical status for the rest)."""

import requests

from expect import raw_error


def post_raw(url, data: bytes, method="POST"):
    return requests.request(method, url, data=data, headers={"Content-Type": "application/json"}, timeout=30)


def test_storage_malformed_json_body_is_400_and_creates_nothing(cloud, project, uid):
    name = f"conf-raw-{uid}"
    r = post_raw(f"{cloud.base_url}/storage/v1/b?project={project}", b'{"name": "' + name.encode() + b'",')
    raw_error(r, 400)
    assert requests.get(f"{cloud.base_url}/storage/v1/b/{name}", timeout=30).status_code == 404


def test_storage_wrong_typed_field_is_400_invalid_and_creates_nothing(cloud, project, uid):
    name = f"conf-raw-{uid}"
    r = post_raw(f"{cloud.base_url}/storage/v1/b?project={project}",
                 f'{{"name": "{name}", "versioning": {{"enabled": "yes please"}}}}'.encode())
    raw_error(r, 400, reason="invalid")
    assert requests.get(f"{cloud.base_url}/storage/v1/b/{name}", timeout=30).status_code == 404


def test_storage_labels_not_a_map_is_400_invalid(cloud, project, uid):
    r = post_raw(f"{cloud.base_url}/storage/v1/b?project={project}",
                 f'{{"name": "conf-raw-{uid}", "labels": ["a", "b"]}}'.encode())
    raw_error(r, 400, reason="invalid")


def test_bigquery_malformed_json_body_is_400(cloud, project):
    r = post_raw(f"{cloud.base_url}/bigquery/v2/projects/{project}/datasets", b"{not json")
    raw_error(r, 400)


def test_bigquery_wrong_typed_field_is_400_invalid(cloud, project, uid):
    body = f'{{"datasetReference": {{"projectId": "{project}", "datasetId": "raw_{uid}"}}, "labels": 7}}'
    r = post_raw(f"{cloud.base_url}/bigquery/v2/projects/{project}/datasets", body.encode())
    raw_error(r, 400, reason="invalid")
    assert requests.get(f"{cloud.base_url}/bigquery/v2/projects/{project}/datasets/raw_{uid}",
                        timeout=30).status_code == 404


def test_pubsub_malformed_json_body_is_invalid_argument(cloud, project, uid):
    r = post_raw(f"{cloud.base_url}/v1/projects/{project}/topics/raw-{uid}", b'{"labels": {', method="PUT")
    raw_error(r, 400, status="INVALID_ARGUMENT")
    assert requests.get(f"{cloud.base_url}/v1/projects/{project}/topics/raw-{uid}", timeout=30).status_code == 404


def test_pubsub_wrong_typed_field_is_invalid_argument_and_creates_nothing(cloud, project, uid):
    r = post_raw(f"{cloud.base_url}/v1/projects/{project}/topics/raw-{uid}", b'{"labels": "not-a-map"}',
                 method="PUT")
    raw_error(r, 400, status="INVALID_ARGUMENT")
    assert requests.get(f"{cloud.base_url}/v1/projects/{project}/topics/raw-{uid}", timeout=30).status_code == 404


def test_pubsub_subscription_ack_deadline_as_word_is_invalid_argument(cloud, project, uid):
    assert requests.put(f"{cloud.base_url}/v1/projects/{project}/topics/raw-{uid}", json={},
                        timeout=30).status_code == 200
    r = post_raw(f"{cloud.base_url}/v1/projects/{project}/subscriptions/raw-{uid}",
                 f'{{"topic": "projects/{project}/topics/raw-{uid}", "ackDeadlineSeconds": "ten"}}'.encode(),
                 method="PUT")
    raw_error(r, 400, status="INVALID_ARGUMENT")


def test_iam_malformed_json_body_is_invalid_argument(cloud, project):
    r = post_raw(f"{cloud.base_url}/v1/projects/{project}/serviceAccounts", b"[[[")
    raw_error(r, 400, status="INVALID_ARGUMENT")


def test_iam_wrong_typed_field_is_invalid_argument(cloud, project):
    r = post_raw(f"{cloud.base_url}/v1/projects/{project}/serviceAccounts",
                 b'{"accountId": 12345678, "serviceAccount": {}}')
    raw_error(r, 400, status="INVALID_ARGUMENT")
