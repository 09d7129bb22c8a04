"""The output-only fields Google fills in on every resource, as the official clients expose them."""

import base64
import re

import requests
from google.cloud import bigquery

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def test_new_bucket_has_googles_default_and_output_fields(cloud, gcs, uid):
    name = f"conf-f-{uid}"
    gcs.create_bucket(name)
    r = requests.get(f"{cloud.base_url}/storage/v1/b/{name}", timeout=30).json()
    assert r["kind"] == "storage#bucket"
    assert r["id"] == name and r["name"] == name
    assert r["selfLink"] == f"{cloud.base_url}/storage/v1/b/{name}"  # absolute, like Google's
    assert r["projectNumber"].isdigit()
    assert r["metageneration"] == "1"
    assert r["etag"]
    assert RFC3339.match(r["timeCreated"]) and RFC3339.match(r["updated"])
    assert r["storageClass"] == "STANDARD"
    assert r["location"] == "US"
    assert r["locationType"] == "multi-region"


def test_new_object_has_googles_output_fields(cloud, gcs, uid):
    bucket = gcs.create_bucket(f"conf-f-{uid}")
    bucket.blob("f/x.txt").upload_from_string(b"hello", content_type="text/plain")
    r = requests.get(f"{cloud.base_url}/storage/v1/b/{bucket.name}/o/f%2Fx.txt", timeout=30).json()
    assert r["kind"] == "storage#object"
    assert r["id"] == f"{bucket.name}/f/x.txt/{r['generation']}"
    assert r["bucket"] == bucket.name and r["name"] == "f/x.txt"
    assert r["generation"].isdigit() and r["metageneration"] == "1"
    assert r["size"] == "5"
    assert r["contentType"] == "text/plain"
    assert r["storageClass"] == "STANDARD"
    assert base64.b64decode(r["md5Hash"]) == bytes.fromhex("5d41402abc4b2a76b9719d911017c592")
    assert len(base64.b64decode(r["crc32c"])) == 4
    assert r["etag"]
    assert RFC3339.match(r["timeCreated"]) and RFC3339.match(r["updated"])
    assert r["selfLink"] == f"{cloud.base_url}/storage/v1/b/{bucket.name}/o/f%2Fx.txt"
    assert r["mediaLink"].startswith(f"{cloud.base_url}/download/storage/v1/b/{bucket.name}/o/f%2Fx.txt?")
    assert "alt=media" in r["mediaLink"]


def test_new_dataset_has_googles_output_fields(cloud, bq, uid):
    bq.create_dataset(bigquery.Dataset(f"{bq.project}.conf_f_{uid}"))
    r = requests.get(f"{cloud.base_url}/bigquery/v2/projects/{bq.project}/datasets/conf_f_{uid}", timeout=30).json()
    assert r["kind"] == "bigquery#dataset"
    assert r["id"] == f"{bq.project}:conf_f_{uid}"
    assert r["datasetReference"] == {"projectId": bq.project, "datasetId": f"conf_f_{uid}"}
    assert r["etag"]
    assert r["creationTime"].isdigit() and r["lastModifiedTime"].isdigit()
    assert r["location"] == "US"
    # Absolute; BigQuery's client never follows it, so Google's own host is tolerated here.
    assert r["selfLink"] in (f"{host}/bigquery/v2/projects/{bq.project}/datasets/conf_f_{uid}"
                             for host in (cloud.base_url, "https://bigquery.googleapis.com"))


def test_new_table_has_googles_output_fields(cloud, bq, uid):
    bq.create_dataset(bigquery.Dataset(f"{bq.project}.conf_f_{uid}"))
    bq.create_table(bigquery.Table(f"{bq.project}.conf_f_{uid}.t", schema=[bigquery.SchemaField("x", "STRING")]))
    r = requests.get(f"{cloud.base_url}/bigquery/v2/projects/{bq.project}/datasets/conf_f_{uid}/tables/t",
                     timeout=30).json()
    assert r["kind"] == "bigquery#table"
    assert r["id"] == f"{bq.project}:conf_f_{uid}.t"
    assert r["tableReference"] == {"projectId": bq.project, "datasetId": f"conf_f_{uid}", "tableId": "t"}
    assert r["type"] == "TABLE"
    assert r["numRows"] == "0" and r["numBytes"] == "0"
    assert r["creationTime"].isdigit() and r["lastModifiedTime"].isdigit()
    assert r["etag"]
    assert r["location"] == "US"
    assert r["schema"]["fields"] == [{"name": "x", "type": "STRING", "mode": "NULLABLE"}]
    assert r["selfLink"] in (f"{host}/bigquery/v2/projects/{bq.project}/datasets/conf_f_{uid}/tables/t"
                             for host in (cloud.base_url, "https://bigquery.googleapis.com"))


def test_new_subscription_has_googles_defaults(pubsub, project, uid):
    topic = f"projects/{project}/topics/conf-f-{uid}"
    sub = f"projects/{project}/subscriptions/conf-f-{uid}"
    pubsub.projects().topics().create(name=topic, body={}).execute()
    r = pubsub.projects().subscriptions().create(name=sub, body={"topic": topic}).execute()
    assert r["ackDeadlineSeconds"] == 10
    assert r["messageRetentionDuration"] == "604800s"
    assert r["expirationPolicy"] == {"ttl": "2678400s"}
    assert r["state"] == "ACTIVE"


def test_pulled_message_has_id_and_publish_time(pubsub, project, uid):
    topic = f"projects/{project}/topics/conf-m-{uid}"
    sub = f"projects/{project}/subscriptions/conf-m-{uid}"
    pubsub.projects().topics().create(name=topic, body={}).execute()
    pubsub.projects().subscriptions().create(name=sub, body={"topic": topic}).execute()
    [mid] = pubsub.projects().topics().publish(topic=topic, body={"messages": [{"data": "aGk="}]}).execute()["messageIds"]
    r = pubsub.projects().subscriptions().pull(subscription=sub, body={"maxMessages": 1}).execute()
    [m] = r["receivedMessages"]
    assert m["ackId"]
    assert m["message"]["messageId"] == mid
    assert RFC3339.match(m["message"]["publishTime"])
    assert m["message"]["data"] == "aGk="


def test_new_service_account_has_googles_output_fields(iam, project, uid):
    r = iam.projects().serviceAccounts().create(
        name=f"projects/{project}", body={"accountId": f"fields-{uid}"}).execute()
    assert r["email"] == f"fields-{uid}@{project}.iam.gserviceaccount.com"
    assert r["uniqueId"].isdigit() and len(r["uniqueId"]) == 21
    assert r["oauth2ClientId"] == r["uniqueId"]
    assert r["etag"]
