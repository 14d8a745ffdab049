/*
 * types_apps: the schema of apps/v1 (Deployment, ReplicaSet, DaemonSet,
 * StatefulSet, ControllerRevision) with their defaults
 * (pkg/apis/apps/v1/defaults.go upstream), validation and strategies, and the
 * workload rules the batch group shares: a selector that is required,
 * non-empty, immutable and matches the template's labels.
 */
#define CUBE_SCHEMA_TABLES
#include "api/internal.h"

#include <ctype.h>

/* ======================================================================= */
/* shared workload rules                                                   */
/* ======================================================================= */

void cube_schema_validate_selector_matches(cube_schema_ctx_t *c, const json_t *spec,
                                           const char *what)
{
    const json_t *sel = json_object_get(spec, "selector");
    if (!sel || json_is_null(sel)) {
        cube_field_required(c->fe, "spec.selector", NULL);
        return;
    }
    if (!json_is_object(sel))
        return; /* reported by the walk */
    cube_selector_t *s = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_label_selector_from_json(sel, &s, &err) < 0)
        return; /* syntax errors are reported by the LabelSelector hooks */
    if (cube_selector_empty(s)) {
        _cleanup_free_ char *r = cube_schema_render_selector(sel);
        char d[64];
        snprintf(d, sizeof(d), "empty selector is invalid for %s", what);
        cube_field_errors_add_rendered(c->fe, "FieldValueInvalid", "spec.selector", r, d);
    } else if (json_is_object(json_object_get(spec, "template"))) {
        const json_t *tl = cube_json_path(spec, "template", "metadata", "labels", NULL);
        if (!cube_selector_matches(s, json_is_object(tl) ? tl : NULL)) {
            _cleanup_free_ char *r = json_is_object(tl) ? cube_schema_render_value(tl)
                                                        : xstrdup("map[string]string(nil)");
            cube_field_errors_add_rendered(c->fe, "FieldValueInvalid",
                                           "spec.template.metadata.labels", r,
                                           "`selector` does not match template `labels`");
        }
    }
    cube_selector_free(s);
}

void cube_schema_selector_immutable(cube_schema_ctx_t *c, const json_t *obj, const json_t *old)
{
    if (c->op != CUBE_OP_UPDATE || !old)
        return;
    const json_t *a = cube_json_path(obj, "spec", "selector", NULL);
    const json_t *b = cube_json_path(old, "spec", "selector", NULL);
    if ((!a && !b) || (a && b && json_equal(a, b)))
        return;
    _cleanup_free_ char *r = json_is_object(a) ? cube_schema_render_selector(a) : NULL;
    cube_field_errors_add_rendered(c->fe, "FieldValueInvalid", "spec.selector", r,
                                   "field is immutable");
}

/* A template's restartPolicy must be one of valid (workloads: Always). */
void cube_schema_template_restart_policy(cube_schema_ctx_t *c, const json_t *spec,
                                         const char *const *valid)
{
    const json_t *rp = cube_json_path(spec, "template", "spec", "restartPolicy", NULL);
    if (!json_is_string(rp))
        return;
    for (size_t i = 0; valid[i]; i++)
        if (!strcmp(valid[i], json_string_value(rp)))
            return;
    cube_field_not_supported(c->fe, "spec.template.spec.restartPolicy", rp, valid);
}

/* IntOrString that must be a non-negative int or a percentage (ValidatePositiveIntOrPercent). */
static bool int_or_percent(cube_schema_ctx_t *c, const char *path, const json_t *v, long *ret)
{
    *ret = -1;
    if (!v)
        return true;
    if (json_is_integer(v)) {
        *ret = (long)json_integer_value(v);
        if (*ret < 0) {
            cube_field_invalid(c->fe, path, v, "must be greater than or equal to 0");
            return false;
        }
        return true;
    }
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    size_t n = strlen(s);
    bool ok = n >= 2 && s[n - 1] == '%';
    for (size_t i = 0; ok && i + 1 < n; i++)
        ok = isdigit((unsigned char)s[i]);
    if (!ok) {
        cube_field_invalid(c->fe, path, v,
                           "a valid percent string must be a numeric string followed by an "
                           "ending '%' (e.g. '1%',  or '93%', regex used for validation is "
                           "'[0-9]+%')");
        return false;
    }
    *ret = atol(s);
    if (*ret > 100) {
        cube_field_invalid(c->fe, path, v, "must not be greater than 100%");
        return false;
    }
    return true;
}

static void rolling_update_validate(cube_schema_ctx_t *c, const char *path, const json_t *ru,
                                    bool surge_zero_allowed)
{
    _cleanup_free_ char *up = cube_schema_path(path, "maxUnavailable");
    _cleanup_free_ char *sp = cube_schema_path(path, "maxSurge");
    long u, s;
    bool uok = int_or_percent(c, up, json_object_get(ru, "maxUnavailable"), &u);
    bool sok = int_or_percent(c, sp, json_object_get(ru, "maxSurge"), &s);
    if (uok && sok && u == 0 && (s == 0 || (s < 0 && surge_zero_allowed)))
        cube_field_invalid(c->fe, up, json_object_get(ru, "maxUnavailable"),
                           "may not be 0 when `maxSurge` is 0");
}

/* ======================================================================= */
/* Deployment                                                              */
/* ======================================================================= */

CUBE_FIELDS(rolling_update_deployment) = {
    F_IOS("maxUnavailable", "Pods that may be unavailable during the update (number or %)."),
    F_IOS("maxSurge", "Pods that may be created above the desired count (number or %)."),
    F_END,
};
CUBE_TYPE(rolling_update_deployment, "io.k8s.api.apps.v1.RollingUpdateDeployment",
          "Parameters of a rolling update.", NULL, NULL);

CUBE_FIELDS(deployment_strategy) = {
    F_STR("type", "Recreate or RollingUpdate.", O_ENUM("Recreate", "RollingUpdate")),
    F_OBJ("rollingUpdate", rolling_update_deployment, "Rolling update parameters."),
    F_END,
};
CUBE_TYPE(deployment_strategy, "io.k8s.api.apps.v1.DeploymentStrategy", "How pods are replaced.",
          NULL, NULL);

static void deployment_spec_defaults(json_t *spec)
{
    json_t *st = cube_json_obj(spec, "strategy");
    cube_json_set_default(st, "type", json_string("RollingUpdate"));
    const char *t = cube_json_str(st, "type", NULL);
    if (t && !strcmp(t, "RollingUpdate")) {
        json_t *ru = cube_json_obj(st, "rollingUpdate");
        cube_json_set_default(ru, "maxUnavailable", json_string("25%"));
        cube_json_set_default(ru, "maxSurge", json_string("25%"));
    }
}

CUBE_FIELDS(deployment_spec) = {
    F_I32("replicas", "Desired number of pods.", O_DEF("1"), O_FMT(NONNEG)),
    F_OBJ("selector", cube_schema_label_selector, "Pods the deployment manages."),
    F_OBJ("template", cube_schema_pod_template_spec, "Pods it creates.", O_REQ),
    F_OBJ("strategy", deployment_strategy, "How old pods are replaced.", O_RETAIN),
    F_I32("minReadySeconds", "Seconds a pod must be ready to count as available.", O_FMT(NONNEG)),
    F_I32("revisionHistoryLimit", "Old ReplicaSets kept for rollback.", O_DEF("10"), O_FMT(NONNEG)),
    F_BOOL("paused", "Pause rollouts."),
    F_I32("progressDeadlineSeconds", "Seconds before a rollout is reported stuck.", O_DEF("600")),
    F_END,
};
CUBE_TYPE(deployment_spec, "io.k8s.api.apps.v1.DeploymentSpec", "Desired state of a deployment.",
          deployment_spec_defaults, NULL);

CUBE_FIELDS(deployment_condition) = {
    F_STR("type", "Available, Progressing or ReplicaFailure.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastUpdateTime", "Last update."),
    F_TIME("lastTransitionTime", "Last change."),
    F_STR("reason", "Reason."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(deployment_condition, "io.k8s.api.apps.v1.DeploymentCondition",
          "A condition of a deployment.", NULL, NULL);

CUBE_FIELDS(deployment_status) = {
    F_I64("observedGeneration", "Generation observed by the controller."),
    F_I32("replicas", "Pods targeted."),
    F_I32("updatedReplicas", "Pods with the current template."),
    F_I32("readyReplicas", "Ready pods."),
    F_I32("availableReplicas", "Available pods."),
    F_I32("unavailableReplicas", "Unavailable pods."),
    F_I32("terminatingReplicas", "Terminating pods."),
    F_AOBJ("conditions", deployment_condition, "Conditions.", O_MERGE("type"), O_LMAP("type")),
    F_I32("collisionCount", "Hash collisions seen."),
    F_END,
};
CUBE_TYPE(deployment_status, "io.k8s.api.apps.v1.DeploymentStatus",
          "Observed state of a deployment.", NULL, NULL);

static void deployment_validate(cube_schema_ctx_t *c, const json_t *d, const json_t *old)
{
    const json_t *spec = json_object_get(d, "spec");
    if (!json_is_object(spec))
        return;
    cube_schema_validate_selector_matches(c, spec, "deployment");
    cube_schema_template_restart_policy(c, spec, CUBE_ENUM("Always"));
    if (cube_json_path(spec, "template", "spec", "activeDeadlineSeconds", NULL))
        cube_field_forbidden(c->fe, "spec.template.spec.activeDeadlineSeconds",
                             "activeDeadlineSeconds in ReplicaSet is not Supported");
    const json_t *st = json_object_get(spec, "strategy");
    const char *type = cube_json_str(st, "type", NULL);
    const json_t *ru = json_object_get(st, "rollingUpdate");
    if (type && !strcmp(type, "Recreate") && ru && !json_is_null(ru))
        cube_field_forbidden(c->fe, "spec.strategy.rollingUpdate",
                             "may not be specified when strategy `type` is 'Recreate'");
    if (type && !strcmp(type, "RollingUpdate") && json_is_object(ru))
        rolling_update_validate(c, "spec.strategy.rollingUpdate", ru, false);
    const json_t *pds = json_object_get(spec, "progressDeadlineSeconds");
    const json_t *mrs = json_object_get(spec, "minReadySeconds");
    if (json_is_integer(pds) && json_integer_value(pds) <= json_integer_value(mrs))
        cube_field_invalid(c->fe, "spec.progressDeadlineSeconds", pds,
                           "must be greater than minReadySeconds");
    cube_schema_selector_immutable(c, d, old);
}

CUBE_FIELDS(deployment) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", deployment_spec, "Desired state.", O_DEF("{}")),
    F_OBJ("status", deployment_status, "Observed state."),
    F_END,
};
CUBE_TYPE(deployment, "io.k8s.api.apps.v1.Deployment",
          "Declarative updates of pods through ReplicaSets.", NULL, NULL);

/* ======================================================================= */
/* ReplicaSet                                                              */
/* ======================================================================= */

CUBE_FIELDS(replica_set_spec) = {
    F_I32("replicas", "Desired number of pods.", O_DEF("1"), O_FMT(NONNEG)),
    F_I32("minReadySeconds", "Seconds a pod must be ready to count as available.", O_FMT(NONNEG)),
    F_OBJ("selector", cube_schema_label_selector, "Pods it manages."),
    F_OBJ("template", cube_schema_pod_template_spec, "Pods it creates."),
    F_END,
};
CUBE_TYPE(replica_set_spec, "io.k8s.api.apps.v1.ReplicaSetSpec", "Desired state of a ReplicaSet.",
          NULL, NULL);

CUBE_FIELDS(replica_set_condition) = {
    F_STR("type", "Condition type.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastTransitionTime", "Last change."),
    F_STR("reason", "Reason."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(replica_set_condition, "io.k8s.api.apps.v1.ReplicaSetCondition",
          "A condition of a ReplicaSet.", NULL, NULL);

CUBE_FIELDS(replica_set_status) = {
    F_I32("replicas", "Current pods."),
    F_I32("fullyLabeledReplicas", "Pods with all the template's labels."),
    F_I32("readyReplicas", "Ready pods."),
    F_I32("availableReplicas", "Available pods."),
    F_I32("terminatingReplicas", "Terminating pods."),
    F_I64("observedGeneration", "Generation observed."),
    F_AOBJ("conditions", replica_set_condition, "Conditions.", O_MERGE("type"), O_LMAP("type")),
    F_END,
};
CUBE_TYPE(replica_set_status, "io.k8s.api.apps.v1.ReplicaSetStatus",
          "Observed state of a ReplicaSet.", NULL, NULL);

static void replica_set_validate(cube_schema_ctx_t *c, const json_t *rs, const json_t *old)
{
    const json_t *spec = json_object_get(rs, "spec");
    if (!json_is_object(spec))
        return;
    cube_schema_validate_selector_matches(c, spec, "deployment");
    if (json_is_object(json_object_get(spec, "template")))
        cube_schema_template_restart_policy(c, spec, CUBE_ENUM("Always"));
    if (cube_json_path(spec, "template", "spec", "activeDeadlineSeconds", NULL))
        cube_field_forbidden(c->fe, "spec.template.spec.activeDeadlineSeconds",
                             "activeDeadlineSeconds in ReplicaSet is not Supported");
    cube_schema_selector_immutable(c, rs, old);
}

CUBE_FIELDS(replica_set) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", replica_set_spec, "Desired state.", O_DEF("{}")),
    F_OBJ("status", replica_set_status, "Observed state."),
    F_END,
};
CUBE_TYPE(replica_set, "io.k8s.api.apps.v1.ReplicaSet", "Keeps a number of pod replicas running.",
          NULL, NULL);

/* ======================================================================= */
/* DaemonSet                                                               */
/* ======================================================================= */

CUBE_FIELDS(rolling_update_daemon_set) = {
    F_IOS("maxUnavailable", "Nodes whose pod may be unavailable during the update."),
    F_IOS("maxSurge", "Nodes that may run an extra updated pod."),
    F_END,
};
CUBE_TYPE(rolling_update_daemon_set, "io.k8s.api.apps.v1.RollingUpdateDaemonSet",
          "Parameters of a rolling update.", NULL, NULL);

CUBE_FIELDS(daemon_set_update_strategy) = {
    F_STR("type", "RollingUpdate or OnDelete.", O_ENUM("RollingUpdate", "OnDelete")),
    F_OBJ("rollingUpdate", rolling_update_daemon_set, "Rolling update parameters."),
    F_END,
};
CUBE_TYPE(daemon_set_update_strategy, "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
          "How daemon pods are replaced.", NULL, NULL);

static void daemon_set_spec_defaults(json_t *spec)
{
    json_t *st = cube_json_obj(spec, "updateStrategy");
    cube_json_set_default(st, "type", json_string("RollingUpdate"));
    const char *t = cube_json_str(st, "type", NULL);
    if (t && !strcmp(t, "RollingUpdate")) {
        json_t *ru = cube_json_obj(st, "rollingUpdate");
        cube_json_set_default(ru, "maxUnavailable", json_integer(1));
        cube_json_set_default(ru, "maxSurge", json_integer(0));
    }
}

CUBE_FIELDS(daemon_set_spec) = {
    F_OBJ("selector", cube_schema_label_selector, "Pods it manages."),
    F_OBJ("template", cube_schema_pod_template_spec, "Pods it creates, one per node.", O_REQ),
    F_OBJ("updateStrategy", daemon_set_update_strategy, "How pods are replaced."),
    F_I32("minReadySeconds", "Seconds a pod must be ready to count as available.", O_FMT(NONNEG)),
    F_I32("revisionHistoryLimit", "Old revisions kept.", O_DEF("10"), O_FMT(NONNEG)),
    F_END,
};
CUBE_TYPE(daemon_set_spec, "io.k8s.api.apps.v1.DaemonSetSpec", "Desired state of a DaemonSet.",
          daemon_set_spec_defaults, NULL);

CUBE_FIELDS(daemon_set_condition) = {
    F_STR("type", "Condition type.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastTransitionTime", "Last change."),
    F_STR("reason", "Reason."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(daemon_set_condition, "io.k8s.api.apps.v1.DaemonSetCondition",
          "A condition of a DaemonSet.", NULL, NULL);

CUBE_FIELDS(daemon_set_status) = {
    F_I32("currentNumberScheduled", "Nodes running a daemon pod that should."),
    F_I32("numberMisscheduled", "Nodes running a daemon pod that should not."),
    F_I32("desiredNumberScheduled", "Nodes that should run a daemon pod."),
    F_I32("numberReady", "Nodes with a ready daemon pod."),
    F_I64("observedGeneration", "Generation observed."),
    F_I32("updatedNumberScheduled", "Nodes running the updated pod."),
    F_I32("numberAvailable", "Nodes with an available daemon pod."),
    F_I32("numberUnavailable", "Nodes without an available daemon pod."),
    F_I32("collisionCount", "Hash collisions seen."),
    F_AOBJ("conditions", daemon_set_condition, "Conditions.", O_MERGE("type"), O_LMAP("type")),
    F_END,
};
CUBE_TYPE(daemon_set_status, "io.k8s.api.apps.v1.DaemonSetStatus", "Observed state of a DaemonSet.",
          NULL, NULL);

static void daemon_set_validate(cube_schema_ctx_t *c, const json_t *ds, const json_t *old)
{
    const json_t *spec = json_object_get(ds, "spec");
    if (!json_is_object(spec))
        return;
    cube_schema_validate_selector_matches(c, spec, "daemonset");
    cube_schema_template_restart_policy(c, spec, CUBE_ENUM("Always"));
    if (cube_json_path(spec, "template", "spec", "activeDeadlineSeconds", NULL))
        cube_field_forbidden(c->fe, "spec.template.spec.activeDeadlineSeconds",
                             "activeDeadlineSeconds in DaemonSet is not Supported");
    const json_t *ru = cube_json_path(spec, "updateStrategy", "rollingUpdate", NULL);
    const char *type = cube_json_str(spec, "updateStrategy", "type", NULL);
    if (type && !strcmp(type, "RollingUpdate") && json_is_object(ru))
        rolling_update_validate(c, "spec.updateStrategy.rollingUpdate", ru, true);
    cube_schema_selector_immutable(c, ds, old);
}

CUBE_FIELDS(daemon_set) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", daemon_set_spec, "Desired state.", O_DEF("{}")),
    F_OBJ("status", daemon_set_status, "Observed state."),
    F_END,
};
CUBE_TYPE(daemon_set, "io.k8s.api.apps.v1.DaemonSet", "Runs a copy of a pod on each node.", NULL,
          NULL);

/* ======================================================================= */
/* StatefulSet                                                             */
/* ======================================================================= */

CUBE_FIELDS(rolling_update_stateful_set) = {
    F_I32("partition", "Ordinals below it keep the old revision.", O_FMT(NONNEG)),
    F_IOS("maxUnavailable", "Pods that may be unavailable during the update."),
    F_END,
};
CUBE_TYPE(rolling_update_stateful_set, "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy",
          "Parameters of a rolling update.", NULL, NULL);

CUBE_FIELDS(stateful_set_update_strategy) = {
    F_STR("type", "RollingUpdate or OnDelete.", O_ENUM("RollingUpdate", "OnDelete")),
    F_OBJ("rollingUpdate", rolling_update_stateful_set, "Rolling update parameters."),
    F_END,
};
CUBE_TYPE(stateful_set_update_strategy, "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
          "How pods are replaced.", NULL, NULL);

CUBE_FIELDS(pvc_retention_policy) = {
    F_STR("whenDeleted", "Retain or Delete claims when the set is deleted.", O_DEF("\"Retain\""),
          O_ENUM("Retain", "Delete")),
    F_STR("whenScaled", "Retain or Delete claims when the set scales down.", O_DEF("\"Retain\""),
          O_ENUM("Retain", "Delete")),
    F_END,
};
CUBE_TYPE(pvc_retention_policy,
          "io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
          "What happens to claims of the set.", NULL, NULL);

CUBE_FIELDS(stateful_set_ordinals) = {
    F_I32("start", "First replica index.", O_FMT(NONNEG)),
    F_END,
};
CUBE_TYPE(stateful_set_ordinals, "io.k8s.api.apps.v1.StatefulSetOrdinals", "Numbering of replicas.",
          NULL, NULL);

static void stateful_set_spec_defaults(json_t *spec)
{
    json_t *st = cube_json_obj(spec, "updateStrategy");
    if (!cube_json_str(st, "type", NULL)) {
        json_object_set_new(st, "type", json_string("RollingUpdate"));
        cube_json_obj(st, "rollingUpdate");
    }
    const char *t = cube_json_str(st, "type", NULL);
    json_t *ru = json_object_get(st, "rollingUpdate");
    if (!strcmp(t, "RollingUpdate") && json_is_object(ru))
        cube_json_set_default(ru, "partition", json_integer(0));
}

CUBE_FIELDS(stateful_set_spec) = {
    F_I32("replicas", "Desired number of pods.", O_DEF("1"), O_FMT(NONNEG)),
    F_OBJ("selector", cube_schema_label_selector, "Pods it manages."),
    F_OBJ("template", cube_schema_pod_template_spec, "Pods it creates.", O_REQ),
    F_AOBJ("volumeClaimTemplates", cube_schema_pvc, "Claims created for each pod.", O_ATOMIC),
    F_STR("serviceName", "Governing headless service."),
    F_STR("podManagementPolicy", "OrderedReady or Parallel.", O_DEF("\"OrderedReady\""),
          O_ENUM("OrderedReady", "Parallel")),
    F_OBJ("updateStrategy", stateful_set_update_strategy, "How pods are replaced."),
    F_I32("revisionHistoryLimit", "Old revisions kept.", O_DEF("10"), O_FMT(NONNEG)),
    F_I32("minReadySeconds", "Seconds a pod must be ready to count as available.", O_FMT(NONNEG)),
    F_OBJ("persistentVolumeClaimRetentionPolicy", pvc_retention_policy,
          "What happens to the claims.", O_DEF("{}")),
    F_OBJ("ordinals", stateful_set_ordinals, "Numbering of replicas."),
    F_END,
};
CUBE_TYPE(stateful_set_spec, "io.k8s.api.apps.v1.StatefulSetSpec",
          "Desired state of a StatefulSet.", stateful_set_spec_defaults, NULL);

CUBE_FIELDS(stateful_set_condition) = {
    F_STR("type", "Condition type.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastTransitionTime", "Last change."),
    F_STR("reason", "Reason."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(stateful_set_condition, "io.k8s.api.apps.v1.StatefulSetCondition",
          "A condition of a StatefulSet.", NULL, NULL);

CUBE_FIELDS(stateful_set_status) = {
    F_I64("observedGeneration", "Generation observed."),
    F_I32("replicas", "Pods created."),
    F_I32("readyReplicas", "Ready pods."),
    F_I32("currentReplicas", "Pods at currentRevision."),
    F_I32("updatedReplicas", "Pods at updateRevision."),
    F_STR("currentRevision", "Revision of the current pods."),
    F_STR("updateRevision", "Revision being rolled out."),
    F_I32("collisionCount", "Hash collisions seen."),
    F_AOBJ("conditions", stateful_set_condition, "Conditions.", O_MERGE("type"), O_LMAP("type")),
    F_I32("availableReplicas", "Available pods."),
    F_END,
};
CUBE_TYPE(stateful_set_status, "io.k8s.api.apps.v1.StatefulSetStatus",
          "Observed state of a StatefulSet.", NULL, NULL);

static void stateful_set_validate(cube_schema_ctx_t *c, const json_t *ss, const json_t *old)
{
    const json_t *spec = json_object_get(ss, "spec");
    if (!json_is_object(spec))
        return;
    cube_schema_validate_selector_matches(c, spec, "statefulset");
    cube_schema_template_restart_policy(c, spec, CUBE_ENUM("Always"));
    if (cube_json_path(spec, "template", "spec", "activeDeadlineSeconds", NULL))
        cube_field_forbidden(c->fe, "spec.template.spec.activeDeadlineSeconds",
                             "activeDeadlineSeconds in StatefulSet is not Supported");
    if (c->op != CUBE_OP_UPDATE || !old)
        return;
    json_auto_t *a = json_deep_copy(spec);
    json_auto_t *b = json_deep_copy(json_object_get(old, "spec"));
    static const char *const mutable_keys[] = {"replicas",
                                               "ordinals",
                                               "template",
                                               "updateStrategy",
                                               "persistentVolumeClaimRetentionPolicy",
                                               "minReadySeconds",
                                               "revisionHistoryLimit"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(mutable_keys) && a && b; i++) {
        json_object_del(a, mutable_keys[i]);
        json_object_del(b, mutable_keys[i]);
    }
    if (a && b && !json_equal(a, b))
        cube_field_forbidden(c->fe, "spec",
                             "updates to statefulset spec for fields other than 'replicas', "
                             "'ordinals', 'template', 'updateStrategy', "
                             "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                             "forbidden");
}

CUBE_FIELDS(stateful_set) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", stateful_set_spec, "Desired state.", O_DEF("{}")),
    F_OBJ("status", stateful_set_status, "Observed state."),
    F_END,
};
CUBE_TYPE(stateful_set, "io.k8s.api.apps.v1.StatefulSet",
          "Pods with stable identities and storage.", NULL, NULL);

/* ======================================================================= */
/* ControllerRevision                                                      */
/* ======================================================================= */

CUBE_FIELDS(controller_revision) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_ANY("data", "Serialized state of the revision.", O_IMM),
    F_I64("revision", "Revision number.", O_REQ, O_FMT(NONNEG)),
    F_END,
};
CUBE_TYPE(controller_revision, "io.k8s.api.apps.v1.ControllerRevision",
          "An immutable snapshot of a controller's state.", NULL, NULL);

/* ======================================================================= */
/* kinds                                                                   */
/* ======================================================================= */

const cube_schema_kind_t cube_schema_kinds_apps[] = {
    CUBE_KIND("apps", NULL, "ControllerRevision", controller_revision),
    CUBE_KIND("apps", NULL, "DaemonSet", daemon_set,
              .status_on_create = "{\"currentNumberScheduled\":0,\"numberMisscheduled\":0,"
                                  "\"desiredNumberScheduled\":0,\"numberReady\":0}",
              .validate = daemon_set_validate),
    CUBE_KIND("apps", NULL, "Deployment", deployment, .status_on_create = "{}",
              .validate = deployment_validate),
    CUBE_KIND("apps", NULL, "ReplicaSet", replica_set, .status_on_create = "{\"replicas\":0}",
              .validate = replica_set_validate),
    CUBE_KIND("apps", NULL, "StatefulSet", stateful_set,
              .status_on_create = "{\"replicas\":0,\"availableReplicas\":0}",
              .validate = stateful_set_validate),
};
const size_t cube_schema_kinds_apps_n = CUBE_ARRAY_SIZE(cube_schema_kinds_apps);
