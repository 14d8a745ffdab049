"""The served OpenAPI v3 schemas against Debian's python3-kubernetes models.

python3-kubernetes is generated from Kubernetes' own OpenAPI document: each
model class lists its fields (`attribute_map`: python name -> JSON name) and
their types (`openapi_types`). For every kind cube serves, this walks the
kind's served schema and the matching model class side by side, recursively
through every referenced model, and fails on a field served under a wrong
JSON name or with a wrong type.

Python's models are Kubernetes 1.22's (python3-kubernetes 22.x), cube serves
1.32: fields newer than python are served and not checked. Fields python
has that cube does not model are allowed only when ALLOWED_MISSING lists
them with a reason, and kinds python does not know only when MISSING_KINDS
does.
"""

import json
import subprocess

import pytest
from kubernetes.client import models

# "<ModelClass>.<jsonName>": why cube does not serve it.
ALLOWED_MISSING = {
    "V1ObjectMeta.clusterName": "removed from Kubernetes in 1.25",
    "V1NodeSpec.configSource": "dynamic kubelet config, removed in 1.24 (field deprecated)",
    "V1NodeStatus.config": "dynamic kubelet config, removed in 1.24 (field deprecated)",
    "V1Volume.gitRepo": "deprecated volume type; cube's kubelet has no plugin for it",
    # a map of string lists: the schema tables have no nested containers, so it is kept as sent
    "V1UserInfo.extra": "map[string][]string, kept unmodelled",
    "V1SubjectAccessReviewSpec.extra": "map[string][]string, kept unmodelled",
}
# In-tree volume plugins of clouds and storage vendors: deprecated, their drivers moved to CSI,
# and cube's kubelet has none of them, so the API does not model them.
for _plugin in ("awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc",
                "flexVolume", "flocker", "gcePersistentDisk", "glusterfs", "iscsi",
                "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO",
                "storageos", "vsphereVolume"):
    for _owner in ("V1Volume", "V1PersistentVolumeSpec"):
        ALLOWED_MISSING["%s.%s" % (_owner, _plugin)] = "in-tree volume plugin (moved to CSI)"

# Kinds python3-kubernetes 22 has no model for (their API is newer than 1.22).
MISSING_KINDS = {
    ("autoscaling", "v2"): "autoscaling/v2 is GA since 1.23",
    ("authentication.k8s.io", "v1", "SelfSubjectReview"): "GA since 1.28",
    ("flowcontrol.apiserver.k8s.io", "v1"): "flowcontrol v1 is GA since 1.29",
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy"): "GA since 1.30",
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyList"): "GA since 1.30",
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding"): "GA since 1.30",
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBindingList"):
        "GA since 1.30",
}

SCALAR = {"str", "int", "float", "bool", "datetime", "object", "date"}
INTSTR = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
TIMES = ("io.k8s.apimachinery.pkg.apis.meta.v1.Time",
         "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime")


def raw(cube, path):
    r = subprocess.run(["kubectl", "--kubeconfig", cube.kubeconfig, "get", "--raw", path],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def documents(cube):
    index = raw(cube, "/openapi/v3")
    return {gv: raw(cube, p["serverRelativeURL"]) for gv, p in index["paths"].items()}


def ref_of(schema):
    """The schema name a field refers to ($ref or allOf: [$ref]), or None."""
    ref = schema.get("$ref")
    if ref is None and len(schema.get("allOf", [])) == 1:
        ref = schema["allOf"][0].get("$ref")
    return ref.rsplit("/", 1)[1] if ref else None


def split_generic(t, prefix):
    return t[len(prefix):-1]


class Comparison:
    def __init__(self, schemas):
        self.schemas = schemas
        self.problems = []
        self.missing = set()
        self.done = set()
        self.fields = 0

    def type_ok(self, py, schema, path, owner):
        """Whether the served schema can hold python's type py; recurses into models."""
        ref = ref_of(schema)
        if (ref is None and schema.get("type") == "object"
                and schema.get("x-kubernetes-preserve-unknown-fields") and py not in SCALAR):
            # a subtree cube keeps as sent without modelling it
            self.missing.add((path, owner))
            return True
        if py.startswith("list["):
            if schema.get("type") != "array":
                return False
            return self.type_ok(split_generic(py, "list["), schema.get("items", {}), path + "[]",
                                owner)
        if py.startswith("dict("):
            inner = py[len("dict("):-1].split(", ", 1)[1]
            if schema.get("type") != "object" or "additionalProperties" not in schema:
                return False
            return self.type_ok(inner, schema["additionalProperties"], path + "{}", owner)
        if py == "str":
            return ref == QUANTITY or (ref is None and schema.get("type") == "string"
                                       and schema.get("format") != "date-time")
        if py == "int":
            return ref is None and schema.get("type") == "integer"
        if py == "float":
            return ref is None and schema.get("type") == "number"
        if py == "bool":
            return ref is None and schema.get("type") == "boolean"
        if py == "datetime":
            return ref in TIMES or schema.get("format") == "date-time"
        if py == "object":
            # IntOrString, RawExtension and free-form JSON
            return ref == INTSTR or (ref is None and schema.get("type") == "object")
        # a model class
        if ref is None:
            return False
        target = self.schemas.get(ref)
        if target is None:
            self.problems.append("%s: $ref %s does not resolve" % (path, ref))
            return True
        self.compare(py, target, path)
        return True

    def compare(self, cls_name, schema, path):
        key = (cls_name, id(schema))
        if key in self.done:
            return
        self.done.add(key)
        cls = getattr(models, cls_name, None)
        if cls is None:
            self.problems.append("%s: python has no model %s" % (path, cls_name))
            return
        props = schema.get("properties", {})
        for py_name, json_name in cls.attribute_map.items():
            py_type = cls.openapi_types[py_name]
            field_path = "%s.%s" % (path, json_name) if path else json_name
            if json_name not in props:
                self.missing.add((field_path, "%s.%s" % (cls_name, json_name)))
                continue
            self.fields += 1
            if not self.type_ok(py_type, props[json_name], field_path,
                                "%s.%s" % (cls_name, json_name)):
                self.problems.append("%s (%s.%s): python type %s, served %s" % (
                    field_path, cls_name, json_name, py_type,
                    json.dumps(props[json_name], sort_keys=True)[:200]))


def model_for(group, version, kind):
    """The python model class name of a served kind, or None."""
    v = version[0].upper() + version[1:]
    g = "".join(p[:1].upper() + p[1:]
                for p in (group or "core").replace(".k8s.io", "").split("."))
    for name in (v + kind, g + v + kind):
        if hasattr(models, name):
            return name
    return None


def kinds_of(documents):
    for gv, doc in sorted(documents.items()):
        schemas = doc["components"]["schemas"]
        for name, s in sorted(schemas.items()):
            for gvk in s.get("x-kubernetes-group-version-kind", []):
                if gv != ("api/v1" if not gvk["group"] else
                          "apis/%s/%s" % (gvk["group"], gvk["version"])):
                    continue  # meta kinds (Status) appear in every document
                yield gv, schemas, name, gvk


def test_every_served_kind_matches_python_models(documents):
    cmp_ = None
    problems = []
    checked = []
    missing = set()
    fields = 0
    for gv, schemas, name, gvk in kinds_of(documents):
        g, v, k = gvk["group"], gvk["version"], gvk["kind"]
        cls = model_for(g, v, k)
        if cls is None:
            if (g, v) not in MISSING_KINDS and (g, v, k) not in MISSING_KINDS:
                problems.append("%s %s: no python model and not in MISSING_KINDS" % (gv, k))
            continue
        cmp_ = Comparison(schemas)
        cmp_.compare(cls, schemas[name], k)
        problems += cmp_.problems
        missing |= cmp_.missing
        fields += cmp_.fields
        checked.append(k)
    unexplained = sorted({"%s (at %s)" % (m, p) for p, m in missing
                          if m not in ALLOWED_MISSING})
    # one line per model field, not per path
    seen, lines = set(), []
    for u in unexplained:
        m = u.split(" ", 1)[0]
        if m not in seen:
            seen.add(m)
            lines.append(u)
    assert len(checked) > 40, checked
    assert fields > 500
    assert not problems and not lines, (
        "wrong names or types:\n" + "\n".join(problems) + "\nfields python has that cube "
        "does not serve (model them in src/api/types_*.c or list them in ALLOWED_MISSING):\n"
        + "\n".join(lines))


def test_allow_lists_are_still_needed(documents):
    """An entry of ALLOWED_MISSING that cube now serves must go."""
    missing = set()
    for gv, schemas, name, gvk in kinds_of(documents):
        cls = model_for(gvk["group"], gvk["version"], gvk["kind"])
        if cls:
            c = Comparison(schemas)
            c.compare(cls, schemas[name], gvk["kind"])
            missing |= {m for _, m in c.missing}
    stale = sorted(set(ALLOWED_MISSING) - missing)
    assert not stale, "ALLOWED_MISSING entries no longer missing: %s" % stale


def test_comparison_catches_wrong_name_and_type():
    """The checker itself: a renamed field and a wrong type are reported."""
    schemas = {
        "io.k8s.api.core.v1.ContainerPort": {
            "type": "object",
            "properties": {
                "containerPort": {"type": "string"},  # wrong type
                "hostIp": {"type": "string"},  # wrong name (hostIP)
                "hostPort": {"type": "integer"},
                "name": {"type": "string"},
                "protocol": {"type": "string"},
            },
        },
    }
    c = Comparison(schemas)
    c.compare("V1ContainerPort", schemas["io.k8s.api.core.v1.ContainerPort"], "p")
    assert any("p.containerPort" in p for p in c.problems), c.problems
    assert ("p.hostIP", "V1ContainerPort.hostIP") in c.missing
