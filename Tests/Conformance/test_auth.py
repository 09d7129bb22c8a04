"""--require-auth: google-auth's service-account flow against the local /token endpoint."""

import json
import os

import pytest
import requests
from google.api_core import exceptions
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as auth_exceptions
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from conftest import PROJECT, LocalCloudServer, discovery_client, storage_client
import transport
from expect import canonical_error, legacy_error, raw_error

CLIENT_EMAIL = f"terrace-ci@{PROJECT}.iam.gserviceaccount.com"


def key_file(client_email: str, key_id: str, token_uri: str) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {
        "type": "service_account", "project_id": PROJECT, "private_key_id": key_id, "private_key": pem,
        "client_email": client_email, "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
    }


@pytest.fixture(scope="module")
def auth_cloud(tmp_path_factory):
    root = tmp_path_factory.mktemp("auth")
    keys = root / "keys"
    keys.mkdir()
    # The server reads the key files at start; the port (and so the token URI) is known only after.
    trusted = key_file(CLIENT_EMAIL, "k1", "https://oauth2.googleapis.com/token")
    (keys / "terrace-ci.json").write_text(json.dumps(trusted))
    server = LocalCloudServer(str(root / "data"), ("--require-auth", "--keys", str(keys))).start()
    client_key = dict(trusted, token_uri=f"{server.base_url}/token")
    client_path = root / "client-key.json"
    client_path.write_text(json.dumps(client_key))
    server.client_key_path = str(client_path)
    server.root = root
    yield server
    code = server.stop()
    assert code == 0, f"terrace local serve exited {code} after SIGINT; stderr: {server.stderr_text()}"


def credentials(path):
    return service_account.Credentials.from_service_account_file(
        path, scopes=["https://www.googleapis.com/auth/cloud-platform"])


def test_service_account_key_gets_a_token_and_storage_works(auth_cloud):
    gcs = storage_client(auth_cloud.base_url, credentials=credentials(auth_cloud.client_key_path))
    bucket = gcs.create_bucket("conf-authed")
    bucket.blob("a.txt").upload_from_string(b"secret")
    assert bucket.blob("a.txt").download_as_bytes() == b"secret"
    assert "conf-authed" in [b.name for b in gcs.list_buckets()]


def test_token_endpoint_answers_bearer_token(auth_cloud):
    creds = credentials(auth_cloud.client_key_path)
    creds.refresh(Request())
    assert creds.token and creds.valid
    assert creds.expiry is not None


def test_anonymous_storage_client_gets_401_required(auth_cloud):
    # google-cloud-storage answers a 401 by refreshing its credentials, which AnonymousCredentials
    # cannot do: the client raises InvalidOperation after the server's 401.
    gcs = storage_client(auth_cloud.base_url)
    with pytest.raises((auth_exceptions.InvalidOperation, exceptions.Unauthorized)):
        list(gcs.list_buckets())
    assert any(e.startswith("GET ") and "/storage/v1/b?" in e and e.endswith("-> 401")
               for e in transport.EXCHANGES), transport.EXCHANGES


def test_unauthenticated_storage_request_is_401_required(auth_cloud):
    r = requests.get(f"{auth_cloud.base_url}/storage/v1/b?project={PROJECT}", timeout=30)
    raw_error(r, 401, reason="required")


def test_401_carries_a_bearer_challenge(auth_cloud):
    # RFC 7235 section 3.1: a 401 MUST send WWW-Authenticate; RFC 6750 names the Bearer scheme.
    r = requests.get(f"{auth_cloud.base_url}/storage/v1/b?project={PROJECT}", timeout=30)
    assert r.status_code == 401
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer"), dict(r.headers)


def test_unauthenticated_bigquery_request_is_401_required(auth_cloud):
    r = requests.get(f"{auth_cloud.base_url}/bigquery/v2/projects/{PROJECT}/datasets", timeout=30)
    raw_error(r, 401, reason="required")


def test_token_endpoint_rejects_a_bad_assertion_with_oauth_error(auth_cloud):
    r = requests.post(f"{auth_cloud.base_url}/token",
                      data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                            "assertion": "not.a.jwt"}, timeout=30)
    assert r.status_code == 400
    assert r.json()["error"] in ("invalid_grant", "invalid_request")


def test_anonymous_pubsub_client_gets_401_unauthenticated(auth_cloud):
    pubsub = discovery_client(auth_cloud.base_url, "pubsub")
    with canonical_error(401, "UNAUTHENTICATED"):
        pubsub.projects().topics().list(project=f"projects/{PROJECT}").execute()


def test_bearer_token_works_for_pubsub(auth_cloud):
    creds = credentials(auth_cloud.client_key_path)
    creds.refresh(Request())
    pubsub = discovery_client(auth_cloud.base_url, "pubsub", bearer=creds.token)
    pubsub.projects().topics().create(name=f"projects/{PROJECT}/topics/authed", body={}).execute()
    assert pubsub.projects().topics().get(topic=f"projects/{PROJECT}/topics/authed").execute()["name"]


def test_made_up_bearer_token_gets_401(auth_cloud):
    pubsub = discovery_client(auth_cloud.base_url, "pubsub", bearer="ya29.not-a-token-this-server-issued")
    with canonical_error(401, "UNAUTHENTICATED"):
        pubsub.projects().topics().list(project=f"projects/{PROJECT}").execute()


def test_key_the_server_does_not_trust_is_invalid_grant(auth_cloud):
    stranger = key_file(CLIENT_EMAIL, "k1", f"{auth_cloud.base_url}/token")  # same email, other key
    path = os.path.join(str(auth_cloud.root), "stranger.json")
    with open(path, "w") as fh:
        json.dump(stranger, fh)
    with pytest.raises(auth_exceptions.RefreshError) as info:
        credentials(path).refresh(Request())
    assert "invalid_grant" in str(info.value)
