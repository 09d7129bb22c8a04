"""Cloud Storage buckets through google-cloud-storage."""

import pytest
from google.api_core import exceptions
from google.cloud import storage

from expect import legacy_error


def bucket_name(uid, tag="b"):
    return f"conf-{tag}-{uid}"


def test_bucket_created_with_labels_versioning_lifecycle_and_uniform_access(gcs, uid):
    bucket = gcs.bucket(bucket_name(uid))
    bucket.labels = {"team": "data", "env": "test"}
    bucket.versioning_enabled = True
    bucket.add_lifecycle_delete_rule(age=30)
    bucket.iam_configuration.uniform_bucket_level_access_enabled = True
    created = gcs.create_bucket(bucket, location="EU")
    assert created.name == bucket.name

    got = gcs.get_bucket(bucket.name)
    assert got.labels == {"team": "data", "env": "test"}
    assert got.versioning_enabled is True
    rules = list(got.lifecycle_rules)
    assert rules and rules[0]["action"]["type"] == "Delete" and rules[0]["condition"]["age"] == 30
    assert got.iam_configuration.uniform_bucket_level_access_enabled is True
    assert got.location.upper() == "EU"
    assert got.metageneration >= 1
    assert got.time_created is not None


def test_bucket_created_with_retention_policy(gcs, uid):
    # GCS refuses versioning together with a retention policy, so this bucket has only the latter.
    bucket = gcs.bucket(bucket_name(uid))
    bucket.retention_period = 3600
    gcs.create_bucket(bucket)
    got = gcs.get_bucket(bucket.name)
    assert got.retention_period == 3600
    assert got.retention_policy_effective_time is not None
    assert got.retention_policy_locked is not True


def test_bucket_appears_in_list(gcs, uid):
    gcs.create_bucket(bucket_name(uid))
    names = [b.name for b in gcs.list_buckets()]
    assert bucket_name(uid) in names


def test_bucket_list_paginates(gcs, uid):
    for i in range(3):
        gcs.create_bucket(bucket_name(uid, f"p{i}"))
    pages = gcs.list_buckets(max_results=None, page_size=1, prefix=f"conf-p")
    names = [b.name for b in pages]
    assert [n for n in names if n.endswith(uid)] == sorted(bucket_name(uid, f"p{i}") for i in range(3))


def test_bucket_patch_changes_labels_and_bumps_metageneration(gcs, uid):
    bucket = gcs.create_bucket(bucket_name(uid))
    before = bucket.metageneration
    bucket.labels = {"stage": "two"}
    bucket.patch()
    got = gcs.get_bucket(bucket.name)
    assert got.labels == {"stage": "two"}
    assert got.metageneration > before


def test_bucket_patch_with_stale_metageneration_fails_precondition(gcs, uid):
    bucket = gcs.create_bucket(bucket_name(uid))
    stale = bucket.metageneration
    bucket.labels = {"a": "1"}
    bucket.patch()
    bucket.labels = {"a": "2"}
    with legacy_error(412, "conditionNotMet"):
        bucket.patch(if_metageneration_match=stale)


def test_bucket_delete_then_get_is_not_found(gcs, uid):
    bucket = gcs.create_bucket(bucket_name(uid))
    bucket.delete()
    with legacy_error(404, "notFound"):
        gcs.get_bucket(bucket.name)
    assert not gcs.bucket(bucket.name).exists()


def test_bucket_iam_policy_binding_round_trips(gcs, uid):
    bucket = gcs.create_bucket(bucket_name(uid))
    policy = bucket.get_iam_policy(requested_policy_version=3)
    assert policy.etag
    policy.bindings.append({"role": "roles/storage.objectViewer",
                            "members": {"user:reader@example.com"}})
    bucket.set_iam_policy(policy)
    again = bucket.get_iam_policy(requested_policy_version=3)
    roles = {b["role"]: set(b["members"]) for b in again.bindings}
    assert roles["roles/storage.objectViewer"] == {
        "user:reader@example.com"}
    assert again.etag != policy.etag


def test_bucket_iam_set_with_stale_etag_fails_precondition(gcs, uid):
    bucket = gcs.create_bucket(bucket_name(uid))
    policy = bucket.get_iam_policy(requested_policy_version=3)
    policy.bindings.append({"role": "roles/storage.objectViewer", "members": {"allUsers"}})
    bucket.set_iam_policy(policy)  # changes the etag
    policy.bindings.append({"role": "roles/storage.objectAdmin", "members": {"allAuthenticatedUsers"}})
    with legacy_error(412, "conditionNotMet"):
        bucket.set_iam_policy(policy)  # still carries the old etag


def test_bucket_name_with_uppercase_is_invalid(gcs):
    with legacy_error(400, "invalid"):
        gcs.create_bucket("Bad_Bucket_Name")


def test_bucket_name_containing_google_is_invalid(gcs, uid):
    with legacy_error(400, "invalid"):
        gcs.create_bucket(f"my-google-{uid}")


def test_missing_bucket_is_not_found(gcs, uid):
    with legacy_error(404, "notFound"):
        gcs.get_bucket(bucket_name(uid, "missing"))


def test_duplicate_bucket_is_conflict(gcs, uid):
    gcs.create_bucket(bucket_name(uid))
    with legacy_error(409, "conflict"):
        gcs.create_bucket(bucket_name(uid))


def test_deleting_a_non_empty_bucket_is_conflict(gcs, uid):
    bucket = gcs.create_bucket(bucket_name(uid))
    bucket.blob("keep.txt").upload_from_string(b"x")
    with legacy_error(409, "conflict"):
        bucket.delete()
    assert bucket.exists()


def test_bucket_list_is_per_project(gcs, cloud, uid):
    from conftest import storage_client
    other = storage_client(cloud.base_url, project="conformance-other")
    other.create_bucket(bucket_name(uid, "other"))
    assert bucket_name(uid, "other") in [b.name for b in other.list_buckets()]
    assert bucket_name(uid, "other") not in [b.name for b in gcs.list_buckets()]


def test_bucket_versioning_can_be_turned_off(gcs, uid):
    b = gcs.bucket(bucket_name(uid))
    b.versioning_enabled = True
    b = gcs.create_bucket(b)
    b.versioning_enabled = False
    b.patch()
    assert gcs.get_bucket(b.name).versioning_enabled is False


def test_bucket_label_with_uppercase_key_is_invalid(gcs, uid):
    b = gcs.bucket(bucket_name(uid))
    b.labels = {"BadKey": "v"}
    with legacy_error(400, "invalid"):
        gcs.create_bucket(b)
    assert not gcs.bucket(bucket_name(uid)).exists()


def test_bucket_patch_can_remove_one_label(gcs, uid):
    b = gcs.bucket(bucket_name(uid))
    b.labels = {"keep": "1", "drop": "2"}
    b = gcs.create_bucket(b)
    labels = dict(b.labels)
    labels.pop("drop")
    b.labels = labels  # the client sends {"labels": {"drop": null, ...}}
    b.patch()
    assert gcs.get_bucket(b.name).labels == {"keep": "1"}


def test_retention_policy_can_be_locked(gcs, uid):
    b = gcs.bucket(bucket_name(uid))
    b.retention_period = 60
    b = gcs.create_bucket(b)
    b.lock_retention_policy()
    got = gcs.get_bucket(b.name)
    assert got.retention_policy_locked is True
    assert got.retention_period == 60
