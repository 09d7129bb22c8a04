"""--faults: injected 503s carry Google's error shape, and the official client retries past them."""

import pytest
from google.cloud.storage.retry import DEFAULT_RETRY

import transport
from conftest import LocalCloudServer, storage_client


@pytest.fixture
def faulty_cloud(tmp_path):
    server = LocalCloudServer(str(tmp_path / "data"), ("--faults", "seed=7;storage.GET=0.5:503")).start()
    yield server
    assert server.stop() == 0, server.stderr_text()


def test_storage_client_retries_injected_503s(faulty_cloud):
    gcs = storage_client(faulty_cloud.base_url)
    gcs.create_bucket("conf-faulty")  # POST: not faulted
    # The client's own DEFAULT_RETRY, with short sleeps so the suite stays fast.
    retry = DEFAULT_RETRY.with_delay(initial=0.05, maximum=0.2)
    for _ in range(4):
        assert gcs.get_bucket("conf-faulty", retry=retry).name == "conf-faulty"
    statuses = [e.rsplit(" ", 1)[1] for e in transport.EXCHANGES if e.startswith("GET ")]
    assert "503" in statuses, transport.EXCHANGES  # the faults happened, and were retried
