"""Fixtures: a running `terrace local serve`, and Google's official clients pointed at it."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
import uuid

import pytest

import transport

# Nothing may reach Google: no metadata-server probe, no ADC lookup, no mTLS endpoint switch.
os.environ["NO_GCE_CHECK"] = "True"
os.environ["GCE_METADATA_HOST"] = "127.0.0.1:9"
os.environ["GCE_METADATA_IP"] = "127.0.0.1:9"
os.environ["GOOGLE_API_USE_CLIENT_CERTIFICATE"] = "false"
os.environ["GOOGLE_API_USE_MTLS_ENDPOINT"] = "never"
for var in ("STORAGE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST", "BIGQUERY_EMULATOR_HOST",
            "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "HTTPS_PROXY", "HTTP_PROXY",
            "https_proxy", "http_proxy"):
    os.environ.pop(var, None)

transport.install_requests_hook()

PROJECT = "conformance-project"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
START_TIMEOUT = 30
STOP_TIMEOUT = 20


def terrace_bin() -> str:
    path = os.environ.get("TERRACE_BIN") or os.path.join(REPO, ".build", "debug", "terrace")
    if not os.access(path, os.X_OK):
        pytest.exit(f"terrace binary not found at {path}: build it first with swift build", returncode=2)
    return path


class LocalCloudServer:
    """`terrace local serve --port 0 --json --data DIR [extra]` as a subprocess."""

    def __init__(self, data_dir: str, extra_args: tuple[str, ...] = ()):
        self.data_dir = data_dir
        self.extra_args = tuple(extra_args)
        self.proc: subprocess.Popen | None = None
        self.base_url = ""
        self.port = 0
        self.stderr_path = os.path.join(os.path.dirname(data_dir.rstrip("/")),
                                        os.path.basename(data_dir.rstrip("/")) + ".stderr")
        self.extra_stdout: list[str] = []

    def start(self) -> "LocalCloudServer":
        cmd = [terrace_bin(), "local", "serve", "--port", "0", "--json", "--data", self.data_dir,
               *self.extra_args]
        self._stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL)
        lines: queue.Queue = queue.Queue()

        def drain(stream):
            for raw in iter(stream.readline, b""):
                lines.put(raw.decode("utf-8", "replace"))
            lines.put(None)

        threading.Thread(target=drain, args=(self.proc.stdout,), daemon=True).start()
        try:
            first = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            self.proc.kill()
            raise RuntimeError(f"{' '.join(cmd)} printed nothing within {START_TIMEOUT}s; "
                               f"stderr: {self.stderr_text()}")
        if first is None:
            code = self.proc.wait()
            raise RuntimeError(f"{' '.join(cmd)} exited {code} before printing its address; "
                               f"stderr: {self.stderr_text()}")
        info = json.loads(first)
        self.base_url = info["baseURL"].rstrip("/")
        self.port = info["port"]
        assert self.base_url.startswith("http://127.0.0.1:"), info
        assert self.base_url.endswith(f":{self.port}"), info
        return self

    def stop(self) -> int:
        """SIGINT, wait, and return the exit code (the caller asserts it is 0)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"terrace local serve did not exit within {STOP_TIMEOUT}s of SIGINT")
        self._stderr.close()
        return self.proc.returncode

    def stderr_text(self) -> str:
        try:
            with open(self.stderr_path, "rb") as fh:
                return fh.read().decode("utf-8", "replace")[-2000:]
        except OSError:
            return ""


def _serve(tmp_root: str, extra_args=()):
    data = os.path.join(tmp_root, "data")
    return LocalCloudServer(data, extra_args).start()


@pytest.fixture(scope="session")
def cloud(tmp_path_factory):
    server = _serve(str(tmp_path_factory.mktemp("cloud")))
    yield server
    code = server.stop()
    assert code == 0, f"terrace local serve exited {code} after SIGINT; stderr: {server.stderr_text()}"


@pytest.fixture
def fresh_cloud(tmp_path):
    """A server of this test's own, on its own data dir; restartable via .stop()/.start()."""
    server = _serve(str(tmp_path))
    yield server
    if server.proc and server.proc.poll() is None:
        code = server.stop()
        assert code == 0, f"terrace local serve exited {code} after SIGINT; stderr: {server.stderr_text()}"


@pytest.fixture
def project():
    return PROJECT


@pytest.fixture
def uid():
    return uuid.uuid4().hex[:10]


# ------------------------------------------------------------------ clients


def storage_client(base_url: str, project: str = PROJECT, credentials=None):
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    return storage.Client(project=project, credentials=credentials or AnonymousCredentials(),
                          client_options={"api_endpoint": base_url})


def bigquery_client(base_url: str, project: str = PROJECT, credentials=None):
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    return bigquery.Client(project=project, credentials=credentials or AnonymousCredentials(),
                           client_options={"api_endpoint": base_url})


def discovery_client(base_url: str, api_name: str, version: str = "v1", bearer: str | None = None):
    """google-api-python-client from its bundled (static) discovery doc, over ValidatingHttp."""
    from googleapiclient import discovery

    http = transport.ValidatingHttp(api_name, bearer=bearer, timeout=30)
    return discovery.build(api_name, version, http=http, static_discovery=True,
                           client_options={"api_endpoint": base_url + "/"}, cache_discovery=False)


@pytest.fixture
def gcs(cloud):
    return storage_client(cloud.base_url)


@pytest.fixture
def bq(cloud):
    return bigquery_client(cloud.base_url)


@pytest.fixture
def pubsub(cloud):
    return discovery_client(cloud.base_url, "pubsub")


@pytest.fixture
def iam(cloud):
    return discovery_client(cloud.base_url, "iam")


@pytest.fixture
def crm(cloud):
    return discovery_client(cloud.base_url, "cloudresourcemanager")


@pytest.fixture
def serviceusage(cloud):
    return discovery_client(cloud.base_url, "serviceusage")


@pytest.fixture
def iamcredentials(cloud):
    return discovery_client(cloud.base_url, "iamcredentials")


# ------------------------------------------------------- response validation


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # Fixtures' requests (a bucket made by a fixture, say) are validated with the test's own.
    transport.VIOLATIONS.clear()
    transport.EXCHANGES.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        result = yield
    except BaseException:
        if transport.VIOLATIONS:
            item.add_report_section("call", "discovery validation",
                                    "\n".join(dict.fromkeys(transport.VIOLATIONS)))
        raise
    if transport.VIOLATIONS and not item.get_closest_marker("no_response_validation"):
        problems = list(dict.fromkeys(transport.VIOLATIONS))
        raise AssertionError("responses do not match the discovery documents:\n  "
                             + "\n  ".join(problems[:30]))
    return result


def pytest_configure(config):
    config.addinivalue_line("markers", "no_response_validation: the test checks malformed exchanges itself")
