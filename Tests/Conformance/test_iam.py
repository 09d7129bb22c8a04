"""IAM v1 service accounts, Resource Manager v1 project IAM, Service Usage v1 and IAM Credentials v1
through google-api-python-client."""

import pytest

from expect import canonical_error


def sa_email(account_id, project):
    return f"{account_id}@{project}.iam.gserviceaccount.com"


@pytest.fixture
def account(iam, project, uid):
    account_id = f"sa-{uid}"
    created = iam.projects().serviceAccounts().create(
        name=f"projects/{project}",
        body={"accountId": account_id, "serviceAccount": {"displayName": "Conformance", "description": "d"}},
    ).execute()
    return created


def test_service_account_create_returns_its_resource(account, project, uid):
    assert account["email"] == sa_email(f"sa-{uid}", project)
    assert account["name"] == f"projects/{project}/serviceAccounts/{account['email']}"
    assert account["projectId"] == project
    assert account["displayName"] == "Conformance"
    assert account["uniqueId"].isdigit()


def test_service_account_get_by_email(iam, account, project):
    got = iam.projects().serviceAccounts().get(
        name=f"projects/{project}/serviceAccounts/{account['email']}").execute()
    assert got["email"] == account["email"] and got["uniqueId"] == account["uniqueId"]


def test_service_account_get_with_wildcard_project(iam, account):
    got = iam.projects().serviceAccounts().get(name=f"projects/-/serviceAccounts/{account['email']}").execute()
    assert got["email"] == account["email"]


def test_service_account_appears_in_list(iam, account, project):
    listed = iam.projects().serviceAccounts().list(name=f"projects/{project}").execute()
    assert account["email"] in [a["email"] for a in listed.get("accounts", [])]


def test_service_account_patch_display_name(iam, account):
    iam.projects().serviceAccounts().patch(
        name=account["name"],
        body={"serviceAccount": {"displayName": "Renamed"}, "updateMask": "displayName"}).execute()
    assert iam.projects().serviceAccounts().get(name=account["name"]).execute()["displayName"] == "Renamed"


def test_service_account_delete_then_get_is_not_found(iam, account):
    iam.projects().serviceAccounts().delete(name=account["name"]).execute()
    with canonical_error(404, "NOT_FOUND"):
        iam.projects().serviceAccounts().get(name=account["name"]).execute()


def test_duplicate_service_account_is_already_exists(iam, account, project, uid):
    with canonical_error(409, "ALREADY_EXISTS"):
        iam.projects().serviceAccounts().create(
            name=f"projects/{project}", body={"accountId": f"sa-{uid}"}).execute()


@pytest.mark.parametrize("bad_id", ["ab", "Has_Upper", "1starts-digit", "ends-with-dash-",
                                    "x" * 31])
def test_bad_service_account_id_is_invalid_argument(iam, project, bad_id):
    with canonical_error(400, "INVALID_ARGUMENT"):
        iam.projects().serviceAccounts().create(name=f"projects/{project}", body={"accountId": bad_id}).execute()


def test_project_iam_get_and_set_binding(crm, project, uid):
    policy = crm.projects().getIamPolicy(resource=project, body={}).execute()
    assert policy.get("etag")
    member = f"user:dev-{uid}@example.com"
    policy.setdefault("bindings", []).append({"role": "roles/viewer", "members": [member]})
    updated = crm.projects().setIamPolicy(resource=project, body={"policy": policy}).execute()
    assert updated["etag"] != policy["etag"]
    again = crm.projects().getIamPolicy(resource=project, body={}).execute()
    viewers = [b for b in again["bindings"] if b["role"] == "roles/viewer"]
    assert viewers and member in viewers[0]["members"]


def test_project_iam_set_with_stale_etag_is_aborted(crm, project, uid):
    policy = crm.projects().getIamPolicy(resource=project, body={}).execute()
    first = dict(policy, bindings=policy.get("bindings", []) + [
        {"role": "roles/browser", "members": [f"user:first-{uid}@example.com"]}])
    crm.projects().setIamPolicy(resource=project, body={"policy": first}).execute()
    second = dict(policy, bindings=policy.get("bindings", []) + [
        {"role": "roles/browser", "members": [f"user:second-{uid}@example.com"]}])
    with canonical_error(409, "ABORTED"):
        crm.projects().setIamPolicy(resource=project, body={"policy": second}).execute()


def test_service_enable_returns_a_done_operation_and_lists_as_enabled(serviceusage, project):
    name = f"projects/{project}/services/bigquery.googleapis.com"
    op = serviceusage.services().enable(name=name, body={}).execute()
    assert op.get("done") is True
    assert op["name"].startswith("operations/")
    got = serviceusage.services().get(name=name).execute()
    assert got["state"] == "ENABLED"
    enabled = serviceusage.services().list(parent=f"projects/{project}", filter="state:ENABLED").execute()
    assert "bigquery.googleapis.com" in [s["config"]["name"] for s in enabled.get("services", [])
                                         if "config" in s] + [s["name"].rsplit("/", 1)[1]
                                                              for s in enabled.get("services", [])]


def test_service_disable_then_state_is_disabled(serviceusage, project):
    name = f"projects/{project}/services/pubsub.googleapis.com"
    serviceusage.services().enable(name=name, body={}).execute()
    op = serviceusage.services().disable(name=name, body={}).execute()
    assert op.get("done") is True
    assert serviceusage.services().get(name=name).execute()["state"] == "DISABLED"


def test_services_batch_enable(serviceusage, project):
    op = serviceusage.services().batchEnable(
        parent=f"projects/{project}",
        body={"serviceIds": ["storage.googleapis.com", "iam.googleapis.com"]}).execute()
    assert op.get("done") is True
    for svc in ("storage.googleapis.com", "iam.googleapis.com"):
        assert serviceusage.services().get(name=f"projects/{project}/services/{svc}").execute()["state"] == "ENABLED"


def test_generate_access_token_for_a_service_account(iamcredentials, account):
    token = iamcredentials.projects().serviceAccounts().generateAccessToken(
        name=f"projects/-/serviceAccounts/{account['email']}",
        body={"scope": ["https://www.googleapis.com/auth/cloud-platform"], "lifetime": "600s"}).execute()
    assert token["accessToken"]
    assert token["expireTime"]


def test_generate_access_token_for_missing_account_is_not_found(iamcredentials, project, uid):
    with canonical_error(404, "NOT_FOUND"):
        iamcredentials.projects().serviceAccounts().generateAccessToken(
            name=f"projects/-/serviceAccounts/missing-{uid}@{project}.iam.gserviceaccount.com",
            body={"scope": ["https://www.googleapis.com/auth/cloud-platform"]}).execute()


def test_project_iam_member_without_type_is_invalid_argument(crm, project):
    policy = crm.projects().getIamPolicy(resource=project, body={}).execute()
    policy.setdefault("bindings", []).append({"role": "roles/viewer", "members": ["no-type-prefix"]})
    with canonical_error(400, "INVALID_ARGUMENT"):
        crm.projects().setIamPolicy(resource=project, body={"policy": policy}).execute()


def test_service_account_disable_and_enable(iam, account):
    iam.projects().serviceAccounts().disable(name=account["name"], body={}).execute()
    assert iam.projects().serviceAccounts().get(name=account["name"]).execute().get("disabled") is True
    iam.projects().serviceAccounts().enable(name=account["name"], body={}).execute()
    assert iam.projects().serviceAccounts().get(name=account["name"]).execute().get("disabled", False) is False
