"""python3-kubernetes against cube apiserver: the typed client must not notice
it is not talking to Kubernetes. CRUD, selectors, pagination, watch (and its
410 Gone past the history window), patches, delete propagation and the status
subresource."""

import threading

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException


def cm(name, labels=None, data=None):
    return client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name=name, labels=labels),
        data=data if data is not None else {"k": "v"})


def pod(name, labels=None):
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name, labels=labels or {"app": "web"}),
        spec=client.V1PodSpec(containers=[
            client.V1Container(name="c", image="nginx:1.25")]))


def deployment(name, replicas=2):
    labels = {"app": name}
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name, labels=labels),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[
                    client.V1Container(name="c", image="nginx:1.25")]))))


def names(items):
    return sorted(i.metadata.name for i in items)


def test_configmap_crud(core, ns):
    created = core.create_namespaced_config_map(ns, cm("a", {"x": "1"}))
    assert created.metadata.name == "a"
    assert created.metadata.namespace == ns
    assert created.metadata.uid
    assert int(created.metadata.resource_version) > 0
    assert created.metadata.creation_timestamp is not None

    got = core.read_namespaced_config_map("a", ns)
    assert got.data == {"k": "v"}
    assert got.metadata.uid == created.metadata.uid
    assert got.metadata.resource_version == created.metadata.resource_version

    got.data["k"] = "v2"
    replaced = core.replace_namespaced_config_map("a", ns, got)
    assert replaced.data == {"k": "v2"}
    assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
    assert replaced.metadata.uid == created.metadata.uid

    status = core.delete_namespaced_config_map("a", ns)
    assert status.kind in ("Status", "ConfigMap")
    with pytest.raises(ApiException) as e:
        core.read_namespaced_config_map("a", ns)
    assert e.value.status == 404


def test_create_duplicate_is_409(core, ns):
    core.create_namespaced_config_map(ns, cm("dup"))
    with pytest.raises(ApiException) as e:
        core.create_namespaced_config_map(ns, cm("dup"))
    assert e.value.status == 409
    assert '"reason":"AlreadyExists"' in e.value.body.replace(" ", "")


def test_pod_crud(core, ns):
    p = core.create_namespaced_pod(ns, pod("p1"))
    assert p.status.phase == "Pending"
    assert p.spec.restart_policy == "Always"
    assert p.spec.containers[0].image_pull_policy == "IfNotPresent"
    assert p.spec.containers[0].termination_message_path == "/dev/termination-log"

    assert names(core.list_namespaced_pod(ns).items) == ["p1"]
    assert "p1" in names(core.list_pod_for_all_namespaces(label_selector="app=web").items)

    p = core.patch_namespaced_pod(
        "p1", ns, [{"op": "add", "path": "/metadata/labels/tier", "value": "front"}])
    assert p.metadata.labels == {"app": "web", "tier": "front"}

    core.delete_namespaced_pod("p1", ns)
    with pytest.raises(ApiException) as e:
        core.read_namespaced_pod("p1", ns)
    assert e.value.status == 404


def test_list_label_selectors(core, ns):
    for n, app in (("a1", "a"), ("b1", "b"), ("c1", "c"), ("a2", "a")):
        core.create_namespaced_config_map(ns, cm(n, {"app": app}))
    core.create_namespaced_config_map(ns, cm("none"))

    def sel(s):
        return names(core.list_namespaced_config_map(ns, label_selector=s).items)

    assert sel("app=a") == ["a1", "a2"]
    assert sel("app in (a,b)") == ["a1", "a2", "b1"]
    assert sel("app notin (a,b)") == ["c1", "none"]
    assert sel("app!=a") == ["b1", "c1", "none"]
    assert sel("app") == ["a1", "a2", "b1", "c1"]
    assert sel("!app") == ["none"]
    assert names(core.list_namespaced_config_map(
        ns, field_selector="metadata.name=b1").items) == ["b1"]


def test_pagination_returns_each_object_once(core, ns):
    want = ["obj-%d" % i for i in range(7)]
    for n in want:
        core.create_namespaced_config_map(ns, cm(n))
    seen, pages, token = [], 0, None
    while True:
        kw = {"limit": 2}
        if token:
            kw["_continue"] = token
        lst = core.list_namespaced_config_map(ns, **kw)
        pages += 1
        assert len(lst.items) <= 2
        seen += [i.metadata.name for i in lst.items]
        token = lst.metadata._continue
        if pages == 1:
            assert lst.metadata.remaining_item_count == 5
        if not token:
            break
        assert pages < 10, "pagination does not end"
    assert sorted(seen) == want
    assert len(seen) == len(set(seen)) == 7
    assert pages == 4


def test_pagination_is_a_snapshot(core, ns):
    for i in range(4):
        core.create_namespaced_config_map(ns, cm("s-%d" % i))
    first = core.list_namespaced_config_map(ns, limit=2)
    # written after the first page: not part of this list
    core.create_namespaced_config_map(ns, cm("s-9"))
    rest = core.list_namespaced_config_map(ns, limit=10, _continue=first.metadata._continue)
    assert names(first.items) + names(rest.items) == ["s-0", "s-1", "s-2", "s-3"]
    assert rest.metadata.resource_version == first.metadata.resource_version


def test_watch_from_resource_version_in_order(core, ns):
    rv = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, cm("w"))
    core.patch_namespaced_config_map("w", ns, [{"op": "replace", "path": "/data/k", "value": "v2"}])
    core.delete_namespaced_config_map("w", ns)

    w = watch.Watch()
    events = []
    for ev in w.stream(core.list_namespaced_config_map, ns, resource_version=rv,
                       timeout_seconds=10):
        events.append((ev["type"], ev["object"].metadata.name,
                       int(ev["object"].metadata.resource_version)))
        if len(events) == 3:
            w.stop()
    assert [e[:2] for e in events] == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]
    rvs = [e[2] for e in events]
    assert rvs == sorted(rvs) and len(set(rvs)) == 3 and rvs[0] > int(rv)


def test_watch_sees_live_events(core, ns):
    rv = core.list_namespaced_config_map(ns).metadata.resource_version
    w = watch.Watch()
    got = []

    def consume():
        for ev in w.stream(core.list_namespaced_config_map, ns, resource_version=rv,
                           timeout_seconds=15):
            got.append((ev["type"], ev["object"].metadata.name))
            if len(got) == 2:
                w.stop()

    t = threading.Thread(target=consume)
    t.start()
    core.create_namespaced_config_map(ns, cm("live1"))
    core.create_namespaced_config_map(ns, cm("live2", {"app": "x"}))
    t.join(20)
    assert not t.is_alive(), "watch did not deliver two events"
    assert got == [("ADDED", "live1"), ("ADDED", "live2")]


def test_watch_label_selector_filters(core, ns):
    rv = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, cm("no", {"app": "other"}))
    core.create_namespaced_config_map(ns, cm("yes", {"app": "mine"}))
    w = watch.Watch()
    got = []
    for ev in w.stream(core.list_namespaced_config_map, ns, resource_version=rv,
                       label_selector="app=mine", timeout_seconds=3):
        got.append((ev["type"], ev["object"].metadata.name))
    assert got == [("ADDED", "yes")]


def test_watch_expired_resource_version_is_410(make_cube):
    c = make_cube("--watch-cache-events", "20")
    api = c.api_client()
    core = client.CoreV1Api(api)
    name = "exp"
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    first = core.create_namespaced_config_map(name, cm("c0")).metadata.resource_version
    for i in range(1, 60):
        core.create_namespaced_config_map(name, cm("c%d" % i))
    w = watch.Watch()
    with pytest.raises(ApiException) as e:
        for _ in w.stream(core.list_namespaced_config_map, name, resource_version=first,
                          timeout_seconds=5):
            pass
    assert e.value.status == 410
    # a recent resourceVersion still works
    recent = core.list_namespaced_config_map(name).metadata.resource_version
    core.create_namespaced_config_map(name, cm("after"))
    got = []
    w = watch.Watch()
    for ev in w.stream(core.list_namespaced_config_map, name, resource_version=recent,
                       timeout_seconds=5):
        got.append((ev["type"], ev["object"].metadata.name))
        w.stop()
    assert got == [("ADDED", "after")]
    api.close()


def test_patch_merge_and_json(cube, core, ns):
    core.create_namespaced_config_map(ns, cm("p", {"a": "1"}, {"k": "v", "drop": "x"}))
    merge_api = cube.api_client(**{"Content-Type": "application/merge-patch+json"})
    merge_core = client.CoreV1Api(merge_api)
    out = merge_core.patch_namespaced_config_map(
        "p", ns, {"data": {"drop": None, "n": "1"}, "metadata": {"labels": {"b": "2"}}})
    assert out.data == {"k": "v", "n": "1"}
    assert out.metadata.labels == {"a": "1", "b": "2"}
    merge_api.close()

    out = core.patch_namespaced_config_map("p", ns, [
        {"op": "replace", "path": "/data/k", "value": "w"},
        {"op": "remove", "path": "/metadata/labels/a"},
    ])
    assert out.data == {"k": "w", "n": "1"}
    assert out.metadata.labels == {"b": "2"}

    before = core.read_namespaced_config_map("p", ns)
    with pytest.raises(ApiException) as e:
        core.patch_namespaced_config_map("p", ns, [
            {"op": "replace", "path": "/data/k", "value": "z"},
            {"op": "test", "path": "/data/k", "value": "nope"},
        ])
    assert e.value.status in (400, 422)
    after = core.read_namespaced_config_map("p", ns)
    assert after.data == before.data
    assert after.metadata.resource_version == before.metadata.resource_version


def test_delete_propagation_policies(apps, ns):
    for n in ("bg", "fg", "orph"):
        apps.create_namespaced_deployment(ns, deployment(n))

    apps.delete_namespaced_deployment("bg", ns, propagation_policy="Background")
    with pytest.raises(ApiException) as e:
        apps.read_namespaced_deployment("bg", ns)
    assert e.value.status == 404

    # Foreground and Orphan leave the object for the garbage collector, with
    # its finalizer set (no controller-manager runs in these tests).
    apps.delete_namespaced_deployment("fg", ns, propagation_policy="Foreground")
    d = apps.read_namespaced_deployment("fg", ns)
    assert d.metadata.deletion_timestamp is not None
    assert "foregroundDeletion" in (d.metadata.finalizers or [])

    apps.delete_namespaced_deployment("orph", ns, propagation_policy="Orphan")
    d = apps.read_namespaced_deployment("orph", ns)
    assert d.metadata.deletion_timestamp is not None
    assert "orphan" in (d.metadata.finalizers or [])

    with pytest.raises(ApiException) as e:
        apps.delete_namespaced_deployment("orph", ns, propagation_policy="Sideways")
    assert e.value.status in (400, 422)


def test_delete_collection_by_label(core, ns):
    for n, app in (("d1", "gone"), ("d2", "gone"), ("k1", "keep")):
        core.create_namespaced_config_map(ns, cm(n, {"app": app}))
    core.delete_collection_namespaced_config_map(ns, label_selector="app=gone")
    assert names(core.list_namespaced_config_map(ns).items) == ["k1"]


def test_status_subresource(apps, ns):
    d = apps.create_namespaced_deployment(ns, deployment("st", replicas=3))
    assert d.metadata.generation == 1
    d.status = client.V1DeploymentStatus(replicas=3, ready_replicas=2, updated_replicas=3,
                                         available_replicas=2, observed_generation=1)
    d.spec.replicas = 7  # ignored by the status endpoint
    out = apps.replace_namespaced_deployment_status("st", ns, d)
    assert out.status.ready_replicas == 2
    assert out.status.observed_generation == 1
    assert out.spec.replicas == 3
    assert out.metadata.generation == 1

    got = apps.read_namespaced_deployment_status("st", ns)
    assert got.status.replicas == 3 and got.status.available_replicas == 2

    # the main resource ignores status changes, and bumps generation on spec ones
    got.status.ready_replicas = 0
    got.spec.replicas = 4
    out = apps.replace_namespaced_deployment("st", ns, got)
    assert out.status.ready_replicas == 2
    assert out.spec.replicas == 4
    assert out.metadata.generation == 2


def test_stale_update_conflict(core, ns):
    a = core.create_namespaced_config_map(ns, cm("c"))
    b = core.read_namespaced_config_map("c", ns)
    b.data["k"] = "first"
    core.replace_namespaced_config_map("c", ns, b)
    a.data["k"] = "second"
    with pytest.raises(ApiException) as e:
        core.replace_namespaced_config_map("c", ns, a)
    assert e.value.status == 409
    assert core.read_namespaced_config_map("c", ns).data["k"] == "first"
