"""BigQuery datasets, tables and table IAM through google-cloud-bigquery (metadata only)."""

import pytest
from google.cloud import bigquery

from expect import legacy_error

NESTED_SCHEMA = [
    bigquery.SchemaField("id", "INT64", mode="REQUIRED"),
    bigquery.SchemaField("ts", "TIMESTAMP"),
    bigquery.SchemaField("tags", "STRING", mode="REPEATED"),
    bigquery.SchemaField(
        "address", "STRUCT",
        fields=[
            bigquery.SchemaField("city", "STRING", description="where"),
            bigquery.SchemaField("geo", "RECORD", fields=[
                bigquery.SchemaField("lat", "FLOAT64"),
                bigquery.SchemaField("lng", "FLOAT64"),
            ]),
        ],
    ),
    bigquery.SchemaField("active", "BOOL"),
]


@pytest.fixture
def dataset(bq, uid):
    ds = bigquery.Dataset(f"{bq.project}.conf_{uid}")
    ds.location = "US"
    return bq.create_dataset(ds)


def test_dataset_created_with_labels_and_description(bq, uid):
    ds = bigquery.Dataset(f"{bq.project}.conf_ds_{uid}")
    ds.labels = {"team": "data"}
    ds.description = "conformance"
    ds.location = "EU"
    created = bq.create_dataset(ds)
    assert created.dataset_id == f"conf_ds_{uid}"
    got = bq.get_dataset(f"{bq.project}.conf_ds_{uid}")
    assert got.labels == {"team": "data"}
    assert got.description == "conformance"
    assert got.location == "EU"
    assert got.etag and got.created is not None


def test_dataset_appears_in_list(bq, dataset):
    ids = [d.dataset_id for d in bq.list_datasets()]
    assert dataset.dataset_id in ids


def test_dataset_update_labels(bq, dataset):
    dataset.labels = {"stage": "prod"}
    bq.update_dataset(dataset, ["labels"])
    assert bq.get_dataset(dataset.reference).labels == {"stage": "prod"}


def test_dataset_update_with_stale_etag_fails_precondition(bq, dataset):
    stale = bq.get_dataset(dataset.reference)
    fresh = bq.get_dataset(dataset.reference)
    fresh.description = "first"
    bq.update_dataset(fresh, ["description"])
    stale.description = "second"
    with legacy_error(412, "conditionNotMet"):
        bq.update_dataset(stale, ["description"])  # sends If-Match with the old etag


def test_dataset_delete_then_get_is_not_found(bq, dataset):
    bq.delete_dataset(dataset)
    with legacy_error(404, "notFound"):
        bq.get_dataset(dataset.reference)


def test_table_with_nested_record_schema_round_trips(bq, dataset):
    table = bigquery.Table(dataset.table("people"), schema=NESTED_SCHEMA)
    table.description = "nested"
    bq.create_table(table)
    got = bq.get_table(dataset.table("people"))
    top = {f.name: f for f in got.schema}
    assert [f.name for f in got.schema] == ["id", "ts", "tags", "address", "active"]
    assert top["id"].field_type == "INTEGER" and top["id"].mode == "REQUIRED"
    assert top["tags"].mode == "REPEATED"
    assert top["active"].field_type == "BOOLEAN"
    address = top["address"]
    assert address.field_type == "RECORD"
    assert [f.name for f in address.fields] == ["city", "geo"]
    assert address.fields[0].description == "where"
    geo = address.fields[1]
    assert geo.field_type == "RECORD"
    assert [(f.name, f.field_type) for f in geo.fields] == [("lat", "FLOAT"), ("lng", "FLOAT")]
    assert got.table_type == "TABLE"
    assert got.num_rows == 0


def test_table_with_time_partitioning_and_clustering(bq, dataset):
    table = bigquery.Table(dataset.table("events"), schema=[
        bigquery.SchemaField("ts", "TIMESTAMP"),
        bigquery.SchemaField("customer", "STRING"),
        bigquery.SchemaField("kind", "STRING"),
    ])
    table.time_partitioning = bigquery.TimePartitioning(type_=bigquery.TimePartitioningType.DAY, field="ts",
                                                        expiration_ms=86_400_000)
    table.clustering_fields = ["customer", "kind"]
    bq.create_table(table)
    got = bq.get_table(dataset.table("events"))
    assert got.time_partitioning.type_ == "DAY"
    assert got.time_partitioning.field == "ts"
    assert got.time_partitioning.expiration_ms == 86_400_000
    assert got.clustering_fields == ["customer", "kind"]


def test_table_with_integer_range_partitioning(bq, dataset):
    table = bigquery.Table(dataset.table("ranged"), schema=[bigquery.SchemaField("n", "INTEGER")])
    table.range_partitioning = bigquery.RangePartitioning(
        field="n", range_=bigquery.PartitionRange(start=0, end=100, interval=10))
    bq.create_table(table)
    got = bq.get_table(dataset.table("ranged"))
    assert got.range_partitioning.field == "n"
    assert (got.range_partitioning.range_.start, got.range_partitioning.range_.end,
            got.range_partitioning.range_.interval) == (0, 100, 10)


def test_view_keeps_its_query(bq, dataset):
    base = bigquery.Table(dataset.table("base"), schema=[bigquery.SchemaField("x", "INTEGER")])
    bq.create_table(base)
    view = bigquery.Table(dataset.table("v"))
    view.view_query = f"SELECT x FROM `{bq.project}.{dataset.dataset_id}.base`"
    bq.create_table(view)
    got = bq.get_table(dataset.table("v"))
    assert got.table_type == "VIEW"
    assert got.view_query == view.view_query
    assert got.view_use_legacy_sql is False


def test_table_labels_update(bq, dataset):
    table = bigquery.Table(dataset.table("lab"), schema=[bigquery.SchemaField("x", "STRING")])
    table.labels = {"a": "1"}
    table = bq.create_table(table)
    table.labels = {"a": "2", "b": "3"}
    bq.update_table(table, ["labels"])
    assert bq.get_table(dataset.table("lab")).labels == {"a": "2", "b": "3"}


def test_tables_listed_in_dataset(bq, dataset):
    for name in ("t1", "t2"):
        bq.create_table(bigquery.Table(dataset.table(name), schema=[bigquery.SchemaField("x", "STRING")]))
    assert sorted(t.table_id for t in bq.list_tables(dataset)) == ["t1", "t2"]


def test_table_delete_then_get_is_not_found(bq, dataset):
    bq.create_table(bigquery.Table(dataset.table("gone"), schema=[bigquery.SchemaField("x", "STRING")]))
    bq.delete_table(dataset.table("gone"))
    with legacy_error(404, "notFound"):
        bq.get_table(dataset.table("gone"))


def test_table_iam_policy_round_trips(bq, dataset):
    table = bq.create_table(bigquery.Table(dataset.table("secured"), schema=[bigquery.SchemaField("x", "STRING")]))
    policy = bq.get_iam_policy(table)
    policy.bindings.append({"role": "roles/bigquery.dataViewer",
                            "members": {"user:analyst@example.com"}})
    bq.set_iam_policy(table, policy)
    again = bq.get_iam_policy(table)
    roles = {b["role"]: set(b["members"]) for b in again.bindings}
    assert roles["roles/bigquery.dataViewer"] == {"user:analyst@example.com"}


def test_duplicate_dataset_is_duplicate(bq, dataset):
    with legacy_error(409, "duplicate"):
        bq.create_dataset(bigquery.Dataset(dataset.reference))


def test_duplicate_table_is_duplicate(bq, dataset):
    t = bigquery.Table(dataset.table("twice"), schema=[bigquery.SchemaField("x", "STRING")])
    bq.create_table(t)
    with legacy_error(409, "duplicate"):
        bq.create_table(t)


def test_deleting_a_non_empty_dataset_is_resource_in_use(bq, dataset):
    bq.create_table(bigquery.Table(dataset.table("keep"), schema=[bigquery.SchemaField("x", "STRING")]))
    with legacy_error(400, "resourceInUse"):
        bq.delete_dataset(dataset)
    assert bq.get_dataset(dataset.reference).dataset_id == dataset.dataset_id


def test_deleting_a_non_empty_dataset_with_delete_contents_succeeds(bq, dataset):
    bq.create_table(bigquery.Table(dataset.table("keep"), schema=[bigquery.SchemaField("x", "STRING")]))
    bq.delete_dataset(dataset, delete_contents=True)
    with legacy_error(404, "notFound"):
        bq.get_dataset(dataset.reference)


def test_bad_dataset_id_is_invalid(bq):
    with legacy_error(400, "invalid"):
        bq.create_dataset(bigquery.Dataset(f"{bq.project}.bad-dataset-id!"))


def test_missing_dataset_is_not_found(bq, uid):
    with legacy_error(404, "notFound"):
        bq.get_dataset(f"{bq.project}.missing_{uid}")


def test_dataset_access_entries_round_trip(bq, dataset):
    entries = list(dataset.access_entries)
    entries.append(bigquery.AccessEntry(role="READER", entity_type="userByEmail", entity_id="reader@example.com"))
    dataset.access_entries = entries
    bq.update_dataset(dataset, ["access_entries"])
    got = bq.get_dataset(dataset.reference)
    assert any(e.role == "READER" and e.entity_type == "userByEmail" and e.entity_id == "reader@example.com"
               for e in got.access_entries), got.access_entries


def test_list_datasets_filtered_by_label(bq, uid):
    for i, team in enumerate(["alpha", "beta"]):
        ds = bigquery.Dataset(f"{bq.project}.conf_lbl_{i}_{uid}")
        ds.labels = {"team": f"{team}{uid}"}
        bq.create_dataset(ds)
    ids = [d.dataset_id for d in bq.list_datasets(filter=f"labels.team:alpha{uid}")]
    assert ids == [f"conf_lbl_0_{uid}"]


def test_table_schema_can_gain_a_nullable_column(bq, dataset):
    table = bq.create_table(bigquery.Table(dataset.table("grow"), schema=[bigquery.SchemaField("a", "STRING")]))
    table.schema = list(table.schema) + [bigquery.SchemaField("b", "INTEGER")]
    bq.update_table(table, ["schema"])
    assert [f.name for f in bq.get_table(dataset.table("grow")).schema] == ["a", "b"]


def test_table_schema_cannot_drop_a_column(bq, dataset):
    table = bq.create_table(bigquery.Table(dataset.table("shrink"), schema=[
        bigquery.SchemaField("a", "STRING"), bigquery.SchemaField("b", "STRING")]))
    table.schema = [bigquery.SchemaField("a", "STRING")]
    with legacy_error(400, "invalid"):
        bq.update_table(table, ["schema"])


def test_table_in_missing_dataset_is_not_found(bq, uid):
    t = bigquery.Table(f"{bq.project}.missing_{uid}.t", schema=[bigquery.SchemaField("x", "STRING")])
    with legacy_error(404, "notFound"):
        bq.create_table(t)


def test_table_with_unknown_field_type_is_invalid(bq, dataset):
    t = bigquery.Table(dataset.table("badtype"), schema=[bigquery.SchemaField("x", "NOT_A_TYPE")])
    with legacy_error(400, "invalid"):
        bq.create_table(t)


def test_table_update_with_stale_etag_fails_precondition(bq, dataset):
    bq.create_table(bigquery.Table(dataset.table("etag"), schema=[bigquery.SchemaField("x", "STRING")]))
    stale = bq.get_table(dataset.table("etag"))
    fresh = bq.get_table(dataset.table("etag"))
    fresh.description = "first"
    bq.update_table(fresh, ["description"])
    stale.description = "second"
    with legacy_error(412, "conditionNotMet"):
        bq.update_table(stale, ["description"])


def test_table_schema_cannot_change_a_column_type(bq, dataset):
    table = bq.create_table(bigquery.Table(dataset.table("retype"), schema=[bigquery.SchemaField("a", "STRING")]))
    table.schema = [bigquery.SchemaField("a", "INTEGER")]
    with legacy_error(400, "invalid"):
        bq.update_table(table, ["schema"])


def test_list_tables_paginates(bq, dataset):
    for i in range(5):
        bq.create_table(bigquery.Table(dataset.table(f"p{i}"), schema=[bigquery.SchemaField("x", "STRING")]))
    it = bq.list_tables(dataset, page_size=2)
    pages = [[t.table_id for t in page] for page in it.pages]
    assert sorted(n for p in pages for n in p) == [f"p{i}" for i in range(5)]
    assert len(pages) == 3
