"""Pub/Sub v1 through google-api-python-client (static discovery document)."""

import base64
import time

import pytest

from expect import canonical_error, eventually


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def unb64(data: str) -> str:
    return base64.b64decode(data).decode()


@pytest.fixture
def topic(pubsub, project, uid):
    name = f"projects/{project}/topics/conf-topic-{uid}"
    pubsub.projects().topics().create(name=name, body={"labels": {"team": "data"}}).execute()
    return name


def make_sub(pubsub, project, topic, suffix, **settings):
    name = f"projects/{project}/subscriptions/{topic.rsplit('/', 1)[1]}-{suffix}"
    body = {"topic": topic, "ackDeadlineSeconds": 10, **settings}
    pubsub.projects().subscriptions().create(name=name, body=body).execute()
    return name


def publish(pubsub, topic, *texts, **attrs_or_key):
    ordering_key = attrs_or_key.pop("ordering_key", None)
    messages = []
    for t in texts:
        m = {"data": b64(t)}
        if attrs_or_key:
            m["attributes"] = dict(attrs_or_key)
        if ordering_key:
            m["orderingKey"] = ordering_key
        messages.append(m)
    return pubsub.projects().topics().publish(topic=topic, body={"messages": messages}).execute()["messageIds"]


def pull(pubsub, sub, want=1, timeout=10.0, max_messages=10):
    """Pulls until `want` messages arrived (or timeout); returns the received messages."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        r = pubsub.projects().subscriptions().pull(
            subscription=sub, body={"maxMessages": max_messages}).execute()
        got += r.get("receivedMessages", [])
        if len(got) < want:
            time.sleep(0.1)
    return got


def ack(pubsub, sub, received):
    pubsub.projects().subscriptions().acknowledge(
        subscription=sub, body={"ackIds": [m["ackId"] for m in received]}).execute()


def test_topic_create_get_and_labels(pubsub, topic):
    got = pubsub.projects().topics().get(topic=topic).execute()
    assert got["name"] == topic
    assert got["labels"] == {"team": "data"}


def test_topic_appears_in_list(pubsub, project, topic):
    names = [t["name"] for t in pubsub.projects().topics().list(project=f"projects/{project}").execute()
             .get("topics", [])]
    assert topic in names


def test_topic_patch_updates_labels(pubsub, topic):
    pubsub.projects().topics().patch(
        name=topic, body={"topic": {"labels": {"team": "ml"}}, "updateMask": "labels"}).execute()
    assert pubsub.projects().topics().get(topic=topic).execute()["labels"] == {"team": "ml"}


def test_topic_delete_then_get_is_not_found(pubsub, topic):
    pubsub.projects().topics().delete(topic=topic).execute()
    with canonical_error(404, "NOT_FOUND"):
        pubsub.projects().topics().get(topic=topic).execute()


def test_subscription_create_get_list_delete(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "s", labels={"k": "v"})
    got = pubsub.projects().subscriptions().get(subscription=sub).execute()
    assert got["name"] == sub and got["topic"] == topic
    assert got["ackDeadlineSeconds"] == 10
    assert got["labels"] == {"k": "v"}
    listed = pubsub.projects().subscriptions().list(project=f"projects/{project}").execute()
    assert sub in [s["name"] for s in listed.get("subscriptions", [])]
    by_topic = pubsub.projects().topics().subscriptions().list(topic=topic).execute()
    assert by_topic.get("subscriptions") == [sub]
    pubsub.projects().subscriptions().delete(subscription=sub).execute()
    with canonical_error(404, "NOT_FOUND"):
        pubsub.projects().subscriptions().get(subscription=sub).execute()


def test_publish_pull_ack(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "s")
    ids = publish(pubsub, topic, "one", "two", origin="conformance")
    assert len(ids) == 2 and len(set(ids)) == 2
    got = pull(pubsub, sub, want=2)
    assert sorted(unb64(m["message"]["data"]) for m in got) == ["one", "two"]
    assert {m["message"]["messageId"] for m in got} == set(ids)
    assert all(m["message"]["attributes"] == {"origin": "conformance"} for m in got)
    assert all(m["message"].get("publishTime") for m in got)
    ack(pubsub, sub, got)
    again = pubsub.projects().subscriptions().pull(subscription=sub, body={"maxMessages": 10}).execute()
    assert again.get("receivedMessages", []) == []


def test_message_published_before_subscription_is_not_delivered(pubsub, project, topic):
    publish(pubsub, topic, "early")
    sub = make_sub(pubsub, project, topic, "late")
    r = pubsub.projects().subscriptions().pull(subscription=sub, body={"maxMessages": 10}).execute()
    assert r.get("receivedMessages", []) == []


def test_modify_ack_deadline_zero_redelivers(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "s")
    [mid] = publish(pubsub, topic, "again")
    [first] = pull(pubsub, sub)
    pubsub.projects().subscriptions().modifyAckDeadline(
        subscription=sub, body={"ackIds": [first["ackId"]], "ackDeadlineSeconds": 0}).execute()
    [second] = pull(pubsub, sub)
    assert second["message"]["messageId"] == mid
    assert unb64(second["message"]["data"]) == "again"
    ack(pubsub, sub, [second])


def test_ordering_key_delivers_in_publish_order(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "ord", enableMessageOrdering=True)
    texts = [f"m{i}" for i in range(6)]
    for t in texts:  # one publish call each, in order
        publish(pubsub, topic, t, ordering_key="customer-1")
    seen = []
    deadline = time.monotonic() + 15
    while len(seen) < len(texts) and time.monotonic() < deadline:
        got = pubsub.projects().subscriptions().pull(subscription=sub, body={"maxMessages": 10}).execute() \
            .get("receivedMessages", [])
        assert all(m["message"].get("orderingKey") == "customer-1" for m in got)
        seen += [unb64(m["message"]["data"]) for m in got]
        if got:
            ack(pubsub, sub, got)
    assert seen == texts
    got = pubsub.projects().subscriptions().get(subscription=sub).execute()
    assert got.get("enableMessageOrdering") is True


def test_dead_letter_after_max_delivery_attempts(pubsub, project, topic, uid):
    dlq = f"projects/{project}/topics/conf-dlq-{uid}"
    pubsub.projects().topics().create(name=dlq, body={}).execute()
    dlq_sub = make_sub(pubsub, project, dlq, "s")
    sub = make_sub(pubsub, project, topic, "dl",
                   deadLetterPolicy={"deadLetterTopic": dlq, "maxDeliveryAttempts": 5})
    [mid] = publish(pubsub, topic, "poison")
    attempts = []
    for _ in range(5):
        [m] = pull(pubsub, sub)
        assert m["message"]["messageId"] == mid
        attempts.append(m.get("deliveryAttempt"))
        pubsub.projects().subscriptions().modifyAckDeadline(
            subscription=sub, body={"ackIds": [m["ackId"]], "ackDeadlineSeconds": 0}).execute()
    assert attempts == [1, 2, 3, 4, 5]
    [dead] = pull(pubsub, dlq_sub, timeout=15)
    assert unb64(dead["message"]["data"]) == "poison"
    left = pubsub.projects().subscriptions().pull(subscription=sub, body={"maxMessages": 10}).execute()
    assert left.get("receivedMessages", []) == []


def test_topic_iam_policy_round_trips(pubsub, topic):
    policy = pubsub.projects().topics().getIamPolicy(resource=topic).execute()
    policy.setdefault("bindings", []).append(
        {"role": "roles/pubsub.publisher", "members": ["user:publisher@example.com"]})
    new = pubsub.projects().topics().setIamPolicy(resource=topic, body={"policy": policy}).execute()
    assert new["etag"] != policy.get("etag")
    again = pubsub.projects().topics().getIamPolicy(resource=topic).execute()
    assert {"role": "roles/pubsub.publisher",
            "members": ["user:publisher@example.com"]} in again["bindings"]


def test_topic_iam_set_with_stale_etag_is_aborted(pubsub, topic):
    policy = pubsub.projects().topics().getIamPolicy(resource=topic).execute()
    first = dict(policy, bindings=[{"role": "roles/pubsub.viewer", "members": ["user:a@example.com"]}])
    pubsub.projects().topics().setIamPolicy(resource=topic, body={"policy": first}).execute()
    second = dict(policy, bindings=[{"role": "roles/pubsub.viewer", "members": ["user:b@example.com"]}])
    with canonical_error(409, "ABORTED"):
        pubsub.projects().topics().setIamPolicy(resource=topic, body={"policy": second}).execute()


def test_duplicate_topic_is_already_exists(pubsub, topic):
    with canonical_error(409, "ALREADY_EXISTS"):
        pubsub.projects().topics().create(name=topic, body={}).execute()


def test_missing_topic_is_not_found(pubsub, project, uid):
    with canonical_error(404, "NOT_FOUND"):
        pubsub.projects().topics().get(topic=f"projects/{project}/topics/missing-{uid}").execute()


def test_publish_to_missing_topic_is_not_found(pubsub, project, uid):
    with canonical_error(404, "NOT_FOUND"):
        pubsub.projects().topics().publish(topic=f"projects/{project}/topics/missing-{uid}",
                                           body={"messages": [{"data": b64("x")}]}).execute()


def test_bad_topic_name_is_invalid_argument(pubsub, project):
    with canonical_error(400, "INVALID_ARGUMENT"):
        pubsub.projects().topics().create(name=f"projects/{project}/topics/1starts-with-digit", body={}).execute()


def test_topic_name_starting_with_goog_is_invalid_argument(pubsub, project):
    with canonical_error(400, "INVALID_ARGUMENT"):
        pubsub.projects().topics().create(name=f"projects/{project}/topics/google-things", body={}).execute()


def test_subscription_to_missing_topic_is_not_found(pubsub, project, uid):
    with canonical_error(404, "NOT_FOUND"):
        pubsub.projects().subscriptions().create(
            name=f"projects/{project}/subscriptions/orphan-{uid}",
            body={"topic": f"projects/{project}/topics/missing-{uid}"}).execute()


def test_duplicate_subscription_is_already_exists(pubsub, project, topic):
    make_sub(pubsub, project, topic, "dup")
    with canonical_error(409, "ALREADY_EXISTS"):
        make_sub(pubsub, project, topic, "dup")


def test_deleting_a_topic_detaches_its_subscriptions(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "orphaned")
    pubsub.projects().topics().delete(topic=topic).execute()
    got = pubsub.projects().subscriptions().get(subscription=sub).execute()
    assert got["topic"] == "_deleted-topic_"


def test_publish_with_no_messages_is_invalid_argument(pubsub, topic):
    with canonical_error(400, "INVALID_ARGUMENT"):
        pubsub.projects().topics().publish(topic=topic, body={"messages": []}).execute()


def test_publish_an_empty_message_is_invalid_argument(pubsub, topic):
    with canonical_error(400, "INVALID_ARGUMENT"):
        pubsub.projects().topics().publish(topic=topic, body={"messages": [{}]}).execute()


def test_ack_deadline_above_600_seconds_is_invalid_argument(pubsub, project, topic):
    with canonical_error(400, "INVALID_ARGUMENT"):
        make_sub(pubsub, project, topic, "slow", ackDeadlineSeconds=601)


def test_pull_from_missing_subscription_is_not_found(pubsub, project, uid):
    with canonical_error(404, "NOT_FOUND"):
        pubsub.projects().subscriptions().pull(subscription=f"projects/{project}/subscriptions/missing-{uid}",
                                               body={"maxMessages": 1}).execute()


def test_list_topics_paginates(pubsub, uid):
    project = f"conf-pages-{uid}"
    names = [f"projects/{project}/topics/page-{i}" for i in range(3)]
    for n in names:
        pubsub.projects().topics().create(name=n, body={}).execute()
    seen, token = [], None
    for _ in range(5):
        kw = {"pageToken": token} if token else {}
        r = pubsub.projects().topics().list(project=f"projects/{project}", pageSize=2, **kw).execute()
        seen += [t["name"] for t in r.get("topics", [])]
        token = r.get("nextPageToken")
        if not token:
            break
    assert sorted(seen) == sorted(names)


def test_pull_returns_at_most_max_messages(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "max")
    publish(pubsub, topic, *[f"n{i}" for i in range(5)])
    r = pubsub.projects().subscriptions().pull(subscription=sub, body={"maxMessages": 2}).execute()
    assert 1 <= len(r.get("receivedMessages", [])) <= 2


def test_message_with_only_attributes_is_delivered(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "attrs")
    pubsub.projects().topics().publish(topic=topic, body={"messages": [{"attributes": {"k": "v"}}]}).execute()
    [m] = pull(pubsub, sub)
    assert m["message"]["attributes"] == {"k": "v"}
    assert m["message"].get("data", "") == ""


def test_acknowledge_with_invalid_ack_id_is_invalid_argument(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "badack")
    with canonical_error(400, "INVALID_ARGUMENT"):
        pubsub.projects().subscriptions().acknowledge(
            subscription=sub, body={"ackIds": ["definitely-not-an-ack-id"]}).execute()


def test_subscription_patch_changes_ack_deadline(pubsub, project, topic):
    sub = make_sub(pubsub, project, topic, "patch")
    pubsub.projects().subscriptions().patch(
        name=sub, body={"subscription": {"ackDeadlineSeconds": 30}, "updateMask": "ackDeadlineSeconds"}).execute()
    assert pubsub.projects().subscriptions().get(subscription=sub).execute()["ackDeadlineSeconds"] == 30


def test_binding_a_service_account_that_does_not_exist_is_invalid(pubsub, topic):
    from googleapiclient.errors import HttpError
    policy = pubsub.projects().topics().getIamPolicy(resource=topic).execute()
    policy.setdefault("bindings", []).append(
        {"role": "roles/pubsub.publisher", "members": ["serviceAccount:ghost@conformance-project.iam.gserviceaccount.com"]})
    with pytest.raises(HttpError) as failure:
        pubsub.projects().topics().setIamPolicy(resource=topic, body={"policy": policy}).execute()
    assert failure.value.resp.status == 400
    assert b"INVALID_ARGUMENT" in failure.value.content
    again = pubsub.projects().topics().getIamPolicy(resource=topic).execute()
    assert again.get("etag") == policy.get("etag")
