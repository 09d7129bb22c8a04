"""Stop `terrace local serve` with SIGINT and start it again on the same data directory."""

import base64

from google.cloud import bigquery

from conftest import bigquery_client, discovery_client, storage_client, PROJECT


def test_bucket_object_topic_message_and_dataset_survive_a_restart(fresh_cloud):
    gcs = storage_client(fresh_cloud.base_url)
    bucket = gcs.create_bucket("conf-restart")
    bucket.labels = {"keep": "yes"}
    bucket.patch()
    bucket.blob("dir/kept.txt").upload_from_string(b"still here", content_type="text/plain")
    pubsub = discovery_client(fresh_cloud.base_url, "pubsub")
    topic = f"projects/{PROJECT}/topics/restart-topic"
    sub = f"projects/{PROJECT}/subscriptions/restart-sub"
    pubsub.projects().topics().create(name=topic, body={}).execute()
    pubsub.projects().subscriptions().create(name=sub, body={"topic": topic}).execute()
    [mid] = pubsub.projects().topics().publish(
        topic=topic, body={"messages": [{"data": base64.b64encode(b"durable").decode()}]}).execute()["messageIds"]
    bq = bigquery_client(fresh_cloud.base_url)
    ds = bigquery.Dataset(f"{PROJECT}.restart_ds")
    ds.labels = {"keep": "yes"}
    bq.create_dataset(ds)
    bq.create_table(bigquery.Table(f"{PROJECT}.restart_ds.t", schema=[bigquery.SchemaField("x", "STRING")]))

    assert fresh_cloud.stop() == 0, fresh_cloud.stderr_text()
    fresh_cloud.start()

    gcs = storage_client(fresh_cloud.base_url)
    got = gcs.get_bucket("conf-restart")
    assert got.labels == {"keep": "yes"}
    blob = got.get_blob("dir/kept.txt")
    assert blob.content_type == "text/plain"
    assert blob.download_as_bytes() == b"still here"
    pubsub = discovery_client(fresh_cloud.base_url, "pubsub")
    assert pubsub.projects().topics().get(topic=topic).execute()["name"] == topic
    pulled = pubsub.projects().subscriptions().pull(subscription=sub, body={"maxMessages": 5}).execute()
    messages = pulled.get("receivedMessages", [])
    assert [m["message"]["messageId"] for m in messages] == [mid]
    assert base64.b64decode(messages[0]["message"]["data"]) == b"durable"
    bq = bigquery_client(fresh_cloud.base_url)
    assert bq.get_dataset(f"{PROJECT}.restart_ds").labels == {"keep": "yes"}
    assert [t.table_id for t in bq.list_tables(f"{PROJECT}.restart_ds")] == ["t"]


def test_second_server_on_a_locked_data_dir_fails(fresh_cloud):
    import subprocess
    from conftest import terrace_bin
    r = subprocess.run([terrace_bin(), "local", "serve", "--port", "0", "--json", "--data", fresh_cloud.data_dir],
                       capture_output=True, timeout=30)
    assert r.returncode != 0
    assert r.stderr.strip(), "a refused start must say why on stderr"
