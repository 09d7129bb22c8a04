"""Cloud Storage objects through google-cloud-storage: every upload type, download, list, copy,
rewrite, compose, delete and generation preconditions."""

import base64
import hashlib
import io
import urllib.parse

import google_crc32c
import pytest
from google.cloud.storage._media.requests import SimpleUpload

import transport
from expect import legacy_error


@pytest.fixture
def bucket(gcs, uid):
    return gcs.create_bucket(f"conf-o-{uid}")


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def crc32c_b64(data: bytes) -> str:
    return base64.b64encode(google_crc32c.Checksum(data).digest()).decode()


def test_simple_media_upload_stores_the_bytes(gcs, bucket):
    # google-cloud-storage itself picks multipart or resumable; uploadType=media is the client
    # library's SimpleUpload over the same authorized session.
    url = (f"{gcs._connection.API_BASE_URL}/upload/storage/v1/b/{bucket.name}/o"
           f"?uploadType=media&name={urllib.parse.quote('simple/one.txt', safe='')}")
    response = SimpleUpload(url).transmit(gcs._http, b"hello media", "text/plain")
    assert response.status_code == 200
    resource = response.json()
    assert resource["name"] == "simple/one.txt"
    assert resource["size"] == "11"
    blob = bucket.get_blob("simple/one.txt")
    assert blob.content_type == "text/plain"
    assert blob.download_as_bytes() == b"hello media"


def test_multipart_upload_keeps_metadata_and_checksums(bucket):
    data = b"multipart body \x00\x01\x02" * 10
    blob = bucket.blob("multi/part.bin")
    blob.metadata = {"origin": "conformance", "n": "1"}
    blob.content_type = "application/x-test"
    blob.cache_control = "no-cache"
    blob.upload_from_string(data, checksum="md5")
    assert any("uploadType=multipart" in e for e in transport.EXCHANGES), transport.EXCHANGES

    got = bucket.get_blob("multi/part.bin")
    assert got.metadata == {"origin": "conformance", "n": "1"}
    assert got.content_type == "application/x-test"
    assert got.cache_control == "no-cache"
    assert got.size == len(data)
    assert got.md5_hash == md5_b64(data)
    assert got.crc32c == crc32c_b64(data)
    assert got.generation and got.metageneration == 1
    assert got.download_as_bytes() == data


def test_resumable_upload_in_several_chunks(bucket):
    chunk = 256 * 1024
    data = bytes(range(256)) * (chunk * 5 // 2 // 256)  # 2.5 chunks
    blob = bucket.blob("resumable/big.bin", chunk_size=chunk)
    blob.upload_from_file(io.BytesIO(data), content_type="application/octet-stream", checksum="crc32c")
    starts = [e for e in transport.EXCHANGES if "uploadType=resumable" in e and e.startswith("POST")]
    puts = [e for e in transport.EXCHANGES if e.startswith("PUT") and "upload_id=" in e]
    assert len(starts) == 1, transport.EXCHANGES
    assert len(puts) >= 3, transport.EXCHANGES
    got = bucket.get_blob("resumable/big.bin")
    assert got.size == len(data)
    assert got.crc32c == crc32c_b64(data)
    assert got.download_as_bytes() == data


def test_resumable_upload_session_reports_progress_with_308(gcs, bucket):
    blob = bucket.blob("resumable/manual.bin", chunk_size=256 * 1024)
    session_url = blob.create_resumable_upload_session(content_type="application/octet-stream", size=300 * 1024)
    assert urllib.parse.urlsplit(session_url).hostname == "127.0.0.1"
    first = gcs._http.put(session_url, data=b"a" * 256 * 1024,
                          headers={"Content-Range": f"bytes 0-{256 * 1024 - 1}/{300 * 1024}"})
    assert first.status_code == 308
    assert first.headers.get("Range") == f"bytes=0-{256 * 1024 - 1}"
    status = gcs._http.put(session_url, headers={"Content-Range": f"bytes */{300 * 1024}"})
    assert status.status_code == 308 and status.headers.get("Range") == f"bytes=0-{256 * 1024 - 1}"
    last = gcs._http.put(session_url, data=b"b" * 44 * 1024,
                         headers={"Content-Range": f"bytes {256 * 1024}-{300 * 1024 - 1}/{300 * 1024}"})
    assert last.status_code in (200, 201)
    assert last.json()["size"] == str(300 * 1024)


def test_download_whole_object(bucket):
    blob = bucket.blob("dl/whole.txt")
    blob.upload_from_string(b"0123456789abcdefghij")
    assert bucket.blob("dl/whole.txt").download_as_bytes() == b"0123456789abcdefghij"


def test_ranged_download_returns_the_inclusive_byte_range(bucket):
    blob = bucket.blob("dl/range.txt")
    blob.upload_from_string(b"0123456789abcdefghij")
    fresh = bucket.blob("dl/range.txt")
    assert fresh.download_as_bytes(start=5, end=9) == b"56789"
    assert fresh.download_as_bytes(start=15) == b"fghij"


def test_ranged_download_past_the_end_is_not_satisfiable(bucket):
    bucket.blob("dl/short.txt").upload_from_string(b"abc")
    with legacy_error(416, "requestedRangeNotSatisfiable"):
        bucket.blob("dl/short.txt").download_as_bytes(start=10, end=20)


def test_list_with_prefix_and_delimiter(gcs, bucket):
    for name in ("a/1.txt", "a/2.txt", "a/b/3.txt", "a/c/4.txt", "z.txt"):
        bucket.blob(name).upload_from_string(name.encode())
    it = gcs.list_blobs(bucket, prefix="a/", delimiter="/")
    names = [b.name for b in it]
    assert names == ["a/1.txt", "a/2.txt"]
    assert it.prefixes == {"a/b/", "a/c/"}
    assert sorted(b.name for b in gcs.list_blobs(bucket)) == ["a/1.txt", "a/2.txt", "a/b/3.txt",
                                                               "a/c/4.txt", "z.txt"]


def test_list_paginates_with_max_results_per_page(gcs, bucket):
    for i in range(5):
        bucket.blob(f"page/{i}").upload_from_string(b"x")
    it = gcs.list_blobs(bucket, prefix="page/", page_size=2)
    pages = [[b.name for b in page] for page in it.pages]
    assert [n for p in pages for n in p] == [f"page/{i}" for i in range(5)]
    assert len(pages) == 3


def test_copy_to_another_bucket(gcs, bucket, uid):
    other = gcs.create_bucket(f"conf-o2-{uid}")
    src = bucket.blob("copy/src.txt")
    src.metadata = {"k": "v"}
    src.upload_from_string(b"copy me")
    copied = bucket.copy_blob(src, other, "copy/dst.txt")
    assert copied.name == "copy/dst.txt" and copied.bucket.name == other.name
    got = other.get_blob("copy/dst.txt")
    assert got.download_as_bytes() == b"copy me"
    assert got.metadata == {"k": "v"}


def test_rewrite_completes_and_copies_the_bytes(bucket):
    src = bucket.blob("rewrite/src.bin")
    data = b"r" * 100_000
    src.upload_from_string(data)
    dst = bucket.blob("rewrite/dst.bin")
    token, written, total = dst.rewrite(src)
    while token is not None:
        token, written, total = dst.rewrite(src, token=token)
    assert written == total == len(data)
    assert bucket.blob("rewrite/dst.bin").download_as_bytes() == data


def test_compose_concatenates_sources_in_order(bucket):
    parts = []
    for i, text in enumerate([b"alpha-", b"beta-", b"gamma"]):
        b = bucket.blob(f"compose/part{i}")
        b.upload_from_string(text)
        parts.append(b)
    dst = bucket.blob("compose/whole")
    dst.content_type = "text/plain"
    dst.compose(parts)
    got = bucket.get_blob("compose/whole")
    assert got.download_as_bytes() == b"alpha-beta-gamma"
    assert got.component_count == 3
    assert got.content_type == "text/plain"


def test_delete_object_then_it_is_gone(bucket):
    blob = bucket.blob("del/me.txt")
    blob.upload_from_string(b"bye")
    blob.delete()
    assert not bucket.blob("del/me.txt").exists()
    with legacy_error(404, "notFound"):
        bucket.blob("del/me.txt").download_as_bytes()


def test_object_patch_updates_metadata_and_metageneration(bucket):
    blob = bucket.blob("meta/patch.txt")
    blob.upload_from_string(b"x")
    blob.metadata = {"color": "blue"}
    blob.patch()
    got = bucket.get_blob("meta/patch.txt")
    assert got.metadata == {"color": "blue"}
    assert got.metageneration == 2


def test_if_generation_match_zero_on_existing_object_fails_precondition(bucket):
    bucket.blob("pre/exists.txt").upload_from_string(b"v1")
    with legacy_error(412, "conditionNotMet"):
        bucket.blob("pre/exists.txt").upload_from_string(b"v2", if_generation_match=0)
    assert bucket.blob("pre/exists.txt").download_as_bytes() == b"v1"


def test_if_generation_match_zero_creates_a_new_object(bucket):
    bucket.blob("pre/new.txt").upload_from_string(b"v1", if_generation_match=0)
    assert bucket.blob("pre/new.txt").download_as_bytes() == b"v1"


def test_if_generation_match_current_generation_overwrites(bucket):
    blob = bucket.blob("pre/cas.txt")
    blob.upload_from_string(b"v1")
    bucket.blob("pre/cas.txt").upload_from_string(b"v2", if_generation_match=blob.generation)
    got = bucket.get_blob("pre/cas.txt")
    assert got.download_as_bytes() == b"v2"
    assert got.generation != blob.generation


def test_object_patch_with_stale_metageneration_fails_precondition(bucket):
    blob = bucket.blob("pre/meta.txt")
    blob.upload_from_string(b"x")
    blob.metadata = {"n": "1"}
    blob.patch()
    blob.metadata = {"n": "2"}
    with legacy_error(412, "conditionNotMet"):
        blob.patch(if_metageneration_match=1)


def test_missing_object_is_not_found(bucket):
    with legacy_error(404, "notFound"):
        bucket.blob("nope/missing.txt").reload()


def test_versioned_bucket_keeps_noncurrent_generations(gcs, uid):
    b = gcs.bucket(f"conf-v-{uid}")
    b.versioning_enabled = True
    b = gcs.create_bucket(b)
    b.blob("v.txt").upload_from_string(b"one")
    b.blob("v.txt").upload_from_string(b"two")
    versions = list(gcs.list_blobs(b, versions=True))
    assert len(versions) == 2
    oldest = min(versions, key=lambda v: v.generation)
    assert b.blob("v.txt", generation=oldest.generation).download_as_bytes() == b"one"
    assert b.blob("v.txt").download_as_bytes() == b"two"


def test_object_links_are_absolute_urls_on_the_local_cloud(gcs, bucket):
    # Google answers absolute https://storage.googleapis.com/... links; a local cloud must answer
    # absolute links to itself, or clients that follow them (mediaLink for downloads) break.
    bucket.blob("links/a.txt").upload_from_string(b"x")
    got = bucket.get_blob("links/a.txt")
    base = gcs._connection.API_BASE_URL
    assert got.media_link.startswith(base + "/"), got.media_link
    assert got.self_link.startswith(base + "/storage/v1/b/"), got.self_link


def test_resumable_session_location_is_an_absolute_url(gcs, bucket):
    url = bucket.blob("links/r.bin").create_resumable_upload_session(size=10)
    assert url.startswith(gcs._connection.API_BASE_URL + "/upload/storage/v1/b/"), url


def test_object_names_with_unicode_and_spaces_round_trip(gcs, bucket):
    name = "dir with space/naïve ünïcødé #1?.txt"
    bucket.blob(name).upload_from_string(b"u")
    assert [b.name for b in gcs.list_blobs(bucket, prefix="dir with space/")] == [name]
    assert bucket.get_blob(name).size == 1


def test_copy_onto_existing_object_with_if_generation_match_zero_fails_precondition(bucket):
    bucket.blob("cp/src").upload_from_string(b"src")
    bucket.blob("cp/dst").upload_from_string(b"dst")
    with legacy_error(412, "conditionNotMet"):
        bucket.copy_blob(bucket.blob("cp/src"), bucket, "cp/dst", if_generation_match=0)


def test_delete_with_stale_generation_fails_precondition(bucket):
    blob = bucket.blob("pre/del.txt")
    blob.upload_from_string(b"v1")
    old = blob.generation
    bucket.blob("pre/del.txt").upload_from_string(b"v2")
    with legacy_error(412, "conditionNotMet"):
        bucket.blob("pre/del.txt").delete(if_generation_match=old)
    assert bucket.blob("pre/del.txt").exists()


def test_object_in_missing_bucket_is_not_found(gcs, uid):
    with legacy_error(404, "notFound"):
        gcs.bucket(f"conf-nobucket-{uid}").blob("x").reload()


def test_compose_with_missing_source_is_not_found(bucket):
    bucket.blob("c/one").upload_from_string(b"1")
    with legacy_error(404, "notFound"):
        bucket.blob("c/out").compose([bucket.blob("c/one"), bucket.blob("c/missing")])


def test_media_download_sends_googles_object_headers(gcs, bucket):
    data = b"header check"
    bucket.blob("h/x.txt").upload_from_string(data, content_type="text/plain")
    blob = bucket.get_blob("h/x.txt")
    url = f"{gcs._connection.API_BASE_URL}/storage/v1/b/{bucket.name}/o/h%2Fx.txt?alt=media"
    r = gcs._http.get(url)
    assert r.status_code == 200 and r.content == data
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.headers["x-goog-generation"] == str(blob.generation)
    assert r.headers["x-goog-metageneration"] == "1"
    hashes = dict(part.strip().split("=", 1) for part in r.headers["x-goog-hash"].split(","))
    assert hashes["crc32c"] == crc32c_b64(data) and hashes["md5"] == md5_b64(data)


def test_ranged_media_download_is_206_with_content_range(gcs, bucket):
    bucket.blob("h/r.txt").upload_from_string(b"0123456789")
    url = f"{gcs._connection.API_BASE_URL}/storage/v1/b/{bucket.name}/o/h%2Fr.txt?alt=media"
    r = gcs._http.get(url, headers={"Range": "bytes=2-4"})
    assert r.status_code == 206
    assert r.content == b"234"
    assert r.headers["Content-Range"] == "bytes 2-4/10"


def test_object_patch_with_null_metadata_value_removes_the_key(bucket):
    blob = bucket.blob("meta/remove.txt")
    blob.metadata = {"keep": "1", "drop": "2"}
    blob.upload_from_string(b"x")
    blob.metadata = {"drop": None}
    blob.patch()
    assert bucket.get_blob("meta/remove.txt").metadata == {"keep": "1"}


def test_list_with_start_and_end_offset(gcs, bucket):
    for name in ("k/a", "k/b", "k/c", "k/d"):
        bucket.blob(name).upload_from_string(b"x")
    names = [b.name for b in gcs.list_blobs(bucket, start_offset="k/b", end_offset="k/d")]
    assert names == ["k/b", "k/c"]


def test_update_storage_class_rewrites_in_place(bucket):
    blob = bucket.blob("sc/x.bin")
    blob.upload_from_string(b"cold data")
    blob.update_storage_class("NEARLINE")
    got = bucket.get_blob("sc/x.bin")
    assert got.storage_class == "NEARLINE"
    assert got.download_as_bytes() == b"cold data"


def test_missing_generation_is_not_found(bucket):
    blob = bucket.blob("gen/x")
    blob.upload_from_string(b"x")
    with legacy_error(404, "notFound"):
        bucket.blob("gen/x", generation=blob.generation + 12345).reload()
