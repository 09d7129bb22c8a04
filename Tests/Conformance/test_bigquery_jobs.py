"""BigQuery jobs through google-cloud-bigquery: copy jobs (copy_table), query jobs with a
destination table (QueryJobConfig.destination), and the client waiting for jobs that run in
the background (job.result() polling jobs.get and jobs.getQueryResults with timeoutMs)."""

import pytest
from google.api_core import exceptions
from google.cloud import bigquery

SCHEMA = [bigquery.SchemaField("id", "INT64", mode="REQUIRED"), bigquery.SchemaField("kind", "STRING")]


@pytest.fixture
def dataset(bq, uid):
    ds = bigquery.Dataset(f"{bq.project}.jobs_{uid}")
    ds.location = "US"
    return bq.create_dataset(ds)


@pytest.fixture
def source(bq, dataset):
    table = bq.create_table(bigquery.Table(dataset.table("source"), schema=SCHEMA))
    assert bq.insert_rows_json(table, [{"id": 1, "kind": "view"}, {"id": 2, "kind": "buy"}]) == []
    return table


def ids(bq, table):
    return sorted(row["id"] for row in bq.list_rows(table))


def test_copy_table_copies_schema_and_rows(bq, dataset, source):
    job = bq.copy_table(source, dataset.table("copy"))
    job.result()
    assert job.state == "DONE" and job.error_result is None
    copied = bq.get_table(dataset.table("copy"))
    assert [(f.name, f.field_type, f.mode) for f in copied.schema] == [("id", "INTEGER", "REQUIRED"), ("kind", "STRING", "NULLABLE")]
    assert copied.num_rows == 2
    assert ids(bq, copied) == [1, 2]


def test_copy_of_several_tables_concatenates_them(bq, dataset, source):
    other = bq.create_table(bigquery.Table(dataset.table("other"), schema=SCHEMA))
    assert bq.insert_rows_json(other, [{"id": 3}]) == []
    bq.copy_table([source, other], dataset.table("all")).result()
    assert ids(bq, dataset.table("all")) == [1, 2, 3]


def test_copy_into_a_table_with_rows_is_refused_by_default(bq, dataset, source):
    target = bq.create_table(bigquery.Table(dataset.table("target"), schema=SCHEMA))
    assert bq.insert_rows_json(target, [{"id": 9}]) == []
    job = bq.copy_table(source, target)
    with pytest.raises(exceptions.Conflict):
        job.result()
    assert job.error_result["reason"] == "duplicate"
    assert ids(bq, target) == [9]


def test_copy_with_write_truncate_replaces_the_rows(bq, dataset, source):
    target = bq.create_table(bigquery.Table(dataset.table("target"), schema=SCHEMA))
    assert bq.insert_rows_json(target, [{"id": 9}]) == []
    config = bigquery.CopyJobConfig(write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE)
    bq.copy_table(source, target, job_config=config).result()
    assert ids(bq, target) == [1, 2]


def test_copy_of_a_missing_table_raises_not_found(bq, dataset):
    job = bq.copy_table(dataset.table("nope"), dataset.table("copy"))
    with pytest.raises(exceptions.NotFound):
        job.result()


def test_query_with_a_destination_writes_the_table(bq, dataset, source):
    config = bigquery.QueryJobConfig(destination=dataset.table("totals"),
                                     write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE)
    job = bq.query(f"SELECT kind, COUNT(*) AS n FROM {dataset.dataset_id}.source GROUP BY kind ORDER BY kind", job_config=config)
    assert [(row["kind"], row["n"]) for row in job.result()] == [("buy", 1), ("view", 1)]
    assert job.destination.table_id == "totals"
    table = bq.get_table(dataset.table("totals"))
    assert [(f.name, f.field_type) for f in table.schema] == [("kind", "STRING"), ("n", "INTEGER")]
    assert sorted((row["kind"], row["n"]) for row in bq.list_rows(table)) == [("buy", 1), ("view", 1)]


def test_query_with_write_append_adds_rows(bq, dataset, source):
    config = bigquery.QueryJobConfig(destination=source.reference, write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
                                     schema_update_options=[bigquery.SchemaUpdateOption.ALLOW_FIELD_RELAXATION])
    bq.query(f"SELECT id + 10 AS id, kind FROM {dataset.dataset_id}.source", job_config=config).result()
    assert ids(bq, source) == [1, 2, 11, 12]


def test_query_into_a_table_with_rows_is_refused_by_default(bq, dataset, source):
    config = bigquery.QueryJobConfig(destination=source.reference)
    job = bq.query("SELECT 3 AS id, 'x' AS kind", job_config=config)
    with pytest.raises(exceptions.Conflict):
        job.result()
    # result() raises getQueryResults' error without reading the job again when the job was
    # still running at insert: read it.
    job.reload()
    assert job.error_result["reason"] == "duplicate"


def test_query_job_result_waits_for_the_rows(bq, dataset, source):
    job = bq.query(f"SELECT id FROM {dataset.dataset_id}.source ORDER BY id")
    assert [row["id"] for row in job.result()] == [1, 2]
    assert job.state == "DONE"
    assert job.ended is not None and job.started is not None


def test_query_and_wait_answers_the_rows(bq, dataset, source):
    rows = bq.query_and_wait(f"SELECT id FROM {dataset.dataset_id}.source ORDER BY id")
    assert [row["id"] for row in rows] == [1, 2]


def test_a_failed_query_job_raises_with_its_reason(bq):
    job = bq.query("SELECT nope")
    with pytest.raises(exceptions.BadRequest):
        job.result()
    job.reload()
    assert job.error_result["reason"] == "invalidQuery"


def test_cancelling_a_done_job_leaves_it_done(bq, dataset, source):
    job = bq.query(f"SELECT id FROM {dataset.dataset_id}.source")
    job.result()
    cancelled = bq.cancel_job(job.job_id, location=job.location)
    assert cancelled.state == "DONE" and cancelled.error_result is None


def test_query_parameters_named_array_and_struct(bq, dataset, source):
    config = bigquery.QueryJobConfig(query_parameters=[
        bigquery.ScalarQueryParameter("min_id", "INT64", 2),
        bigquery.ArrayQueryParameter("kinds", "STRING", ["buy", "sell"]),
        bigquery.StructQueryParameter("tag", bigquery.ScalarQueryParameter("label", "STRING", "x")),
        bigquery.ScalarQueryParameter("day", "DATE", "2024-02-29"),
    ])
    sql = (f"SELECT id, kind, @tag.label AS label, DATE_ADD(@day, INTERVAL 1 DAY) AS next_day "
           f"FROM `{source.full_table_id.replace(':', '.')}` WHERE id >= @min_id AND kind IN UNNEST(@kinds)")
    rows = list(bq.query(sql, job_config=config).result())
    assert [(r["id"], r["kind"], r["label"], str(r["next_day"])) for r in rows] == [(2, "buy", "x", "2024-03-01")]


def test_positional_query_parameters(bq):
    config = bigquery.QueryJobConfig(query_parameters=[
        bigquery.ScalarQueryParameter(None, "STRING", "a"), bigquery.ScalarQueryParameter(None, "FLOAT64", 1.5)])
    rows = list(bq.query("SELECT CONCAT(?, 'b') AS s, ? * 2 AS f", job_config=config).result())
    assert (rows[0]["s"], rows[0]["f"]) == ("ab", 3.0)


def test_an_undefined_query_parameter_is_a_bad_request(bq):
    with pytest.raises(exceptions.BadRequest) as raised:
        bq.query("SELECT @missing AS x").result()
    assert "Query parameter 'missing' not found" in str(raised.value)


def test_unnest_and_array_agg_answer_repeated_fields(bq):
    rows = list(bq.query("SELECT ARRAY_AGG(x ORDER BY x DESC) AS xs, STRUCT(1 AS a, 'b' AS b) AS s "
                         "FROM UNNEST([3, 1, 2]) AS x").result())
    assert rows[0]["xs"] == [3, 2, 1]
    assert rows[0]["s"] == {"a": 1, "b": "b"}


def test_a_dry_run_answers_the_schema_and_bytes_without_running(bq, dataset, source):
    config = bigquery.QueryJobConfig(dry_run=True, use_query_cache=False)
    job = bq.query(f"SELECT id, kind FROM `{source.project}.{source.dataset_id}.source`", job_config=config)
    assert job.dry_run and job.state == "DONE"
    assert [f.name for f in job.schema] == ["id", "kind"]
    assert job.total_bytes_processed > 0


def test_a_dry_run_of_a_bad_query_raises_bad_request(bq, dataset, source):
    config = bigquery.QueryJobConfig(dry_run=True, use_query_cache=False)
    with pytest.raises(exceptions.BadRequest) as raised:
        bq.query(f"SELECT nope FROM `{source.project}.{source.dataset_id}.source`", job_config=config)
    assert "Unrecognized name: nope" in str(raised.value)
