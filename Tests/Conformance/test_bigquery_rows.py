"""BigQuery streaming inserts and row listing through google-cloud-bigquery
(insert_rows_json → tabledata.insertAll, list_rows → tabledata.list)."""

import datetime
import decimal

import pytest
from google.cloud import bigquery

from test_bigquery import NESTED_SCHEMA

ROW_SCHEMA = NESTED_SCHEMA + [bigquery.SchemaField("amount", "NUMERIC"), bigquery.SchemaField("day", "DATE")]


@pytest.fixture
def table(bq, uid):
    ds = bigquery.Dataset(f"{bq.project}.rows_{uid}")
    ds.location = "US"
    bq.create_dataset(ds)
    return bq.create_table(bigquery.Table(ds.table("people"), schema=ROW_SCHEMA))


def test_inserted_rows_come_back_typed(bq, table):
    errors = bq.insert_rows_json(table, [{
        "id": 1, "ts": "2024-01-31 10:00:00.123456 UTC", "tags": ["a", "b"],
        "address": {"city": "Oslo", "geo": {"lat": 59.9, "lng": 10.75}}, "active": True,
        "amount": "12.50", "day": "2024-02-29",
    }])
    assert errors == []
    rows = list(bq.list_rows(table))
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == 1
    assert row["ts"] == datetime.datetime(2024, 1, 31, 10, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    assert row["tags"] == ["a", "b"]
    assert row["address"] == {"city": "Oslo", "geo": {"lat": 59.9, "lng": 10.75}}
    assert row["active"] is True
    assert row["amount"] == decimal.Decimal("12.5")
    assert row["day"] == datetime.date(2024, 2, 29)
    assert bq.get_table(table).num_rows == 1


def test_invalid_rows_are_reported_by_index(bq, table):
    errors = bq.insert_rows_json(table, [{"id": 1}, {"id": "x"}], skip_invalid_rows=True)
    assert [e["index"] for e in errors] == [1]
    assert errors[0]["errors"][0]["reason"] == "invalid"
    assert [r["id"] for r in bq.list_rows(table)] == [1]


def test_row_ids_deduplicate_retries(bq, table):
    assert bq.insert_rows_json(table, [{"id": 5}], row_ids=["r5"]) == []
    assert bq.insert_rows_json(table, [{"id": 5}], row_ids=["r5"]) == []
    assert [r["id"] for r in bq.list_rows(table)] == [5]


def test_list_rows_pages(bq, table):
    assert bq.insert_rows_json(table, [{"id": i} for i in range(7)]) == []
    pages = bq.list_rows(table, page_size=3, selected_fields=[bigquery.SchemaField("id", "INT64")]).pages
    assert [[r["id"] for r in page] for page in pages] == [[0, 1, 2], [3, 4, 5], [6]]


def test_load_job_from_storage_with_autodetect(bq, gcs, uid):
    bucket = gcs.create_bucket(f"load-{uid}")
    bucket.blob("sales.csv").upload_from_string("order_id,amount\n1,9.5\n2,12.25\n")
    ds = bigquery.Dataset(f"{bq.project}.loads_{uid}")
    ds.location = "US"
    bq.create_dataset(ds)
    config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.CSV, autodetect=True)
    job = bq.load_table_from_uri(f"gs://load-{uid}/sales.csv", ds.table("sales"), job_config=config)
    job.result()
    assert job.state == "DONE" and job.output_rows == 2
    table = bq.get_table(ds.table("sales"))
    assert [(f.name, f.field_type) for f in table.schema] == [("order_id", "INTEGER"), ("amount", "FLOAT")]
    assert sorted(r["amount"] for r in bq.list_rows(table)) == [9.5, 12.25]


def test_failed_load_job_raises_with_the_reason(bq, gcs, uid):
    bucket = gcs.create_bucket(f"bad-{uid}")
    bucket.blob("bad.json").upload_from_string('{"id": "not a number"}\n')
    ds = bigquery.Dataset(f"{bq.project}.badloads_{uid}")
    ds.location = "US"
    bq.create_dataset(ds)
    config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
                                    schema=[bigquery.SchemaField("id", "INT64")])
    job = bq.load_table_from_uri(f"gs://bad-{uid}/bad.json", ds.table("t"), job_config=config)
    with pytest.raises(Exception) as raised:
        job.result()
    assert "too many errors" in str(raised.value)
    assert job.error_result["reason"] == "invalid"
