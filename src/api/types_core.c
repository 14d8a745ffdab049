/*
 * types_core: the schema of the core/v1 group (and the metav1 types every
 * group embeds): one table per Kubernetes type, plus the hooks for what a
 * table cannot say (pkg/apis/core/v1/defaults.go and
 * pkg/apis/core/validation of upstream, rewritten against JSON trees), and
 * the strategies of pods, services, namespaces, nodes, volumes and claims.
 *
 * Tables are written leaf types first. Descriptions are short on purpose:
 * they feed `kubectl explain` later and say what the field is for.
 */
#define CUBE_SCHEMA_TABLES
#include "api/internal.h"

#include <arpa/inet.h>
#include <ctype.h>

/* ======================================================================= */
/* metav1                                                                  */
/* ======================================================================= */

CUBE_FIELDS(managed_fields_entry) = {
    F_STR("manager", "Workflow that manages these fields."),
    F_STR("operation", "Update or Apply."),
    F_STR("apiVersion", "Version of the resource the fieldset applies to."),
    F_TIME("time", "When the fields were last changed."),
    F_STR("fieldsType", "Format of fieldsV1 (FieldsV1)."),
    F_ANY("fieldsV1", "The set of fields managed."),
    F_STR("subresource", "Subresource used to update the object."),
    F_END,
};
CUBE_TYPE(managed_fields_entry, "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
          "A set of fields a workflow manages.", NULL, NULL);

CUBE_FIELDS(owner_reference) = {
    F_STR("apiVersion", "API version of the owner.", O_REQ),
    F_STR("kind", "Kind of the owner.", O_REQ),
    F_STR("name", "Name of the owner.", O_REQ),
    F_STR("uid", "UID of the owner.", O_REQ),
    F_BOOL("controller", "True if the owner is the managing controller."),
    F_BOOL("blockOwnerDeletion", "Foreground deletion waits for this object."),
    F_END,
};
CUBE_TYPE(owner_reference, "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
          "Identifies an owning object.", NULL, NULL);

static void object_meta_validate(cube_schema_ctx_t *c, const char *path, const json_t *obj,
                                 const json_t *old)
{
    /* The object's own metadata is checked by cube_api_validate_meta. */
    if (strcmp(path, "metadata") != 0)
        cube_schema_validate_meta_maps(c->fe, path, obj);
}

CUBE_FIELDS(cube_schema_object_meta) = {
    F_STR("name", "Unique name within a namespace."),
    F_STR("generateName", "Prefix for a server-generated name."),
    F_STR("namespace", "Namespace the object lives in."),
    F_STR("selfLink", "Deprecated, never set."),
    F_STR("uid", "Unique identifier set by the server."),
    F_STR("resourceVersion", "Opaque version for concurrency control and watches."),
    F_I64("generation", "Sequence number of the desired state."),
    F_TIME("creationTimestamp", "When the object was created."),
    F_TIME("deletionTimestamp", "When the object will be deleted."),
    F_I64("deletionGracePeriodSeconds", "Grace period of a pending deletion."),
    F_MSTR("labels", "Key/value pairs for selection."),
    F_MSTR("annotations", "Arbitrary non-identifying metadata."),
    F_AOBJ("ownerReferences", owner_reference, "Objects this one depends on.", O_MERGE("uid"),
           O_LMAP("uid")),
    F_ASTR("finalizers", "Conditions to meet before deletion.", .patch_strategy = "merge", O_SET),
    F_AOBJ("managedFields", managed_fields_entry, "Field ownership for server-side apply."),
    F_END,
};
CUBE_XTYPE(cube_schema_object_meta, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
           "Metadata every persisted object has.", NULL, object_meta_validate);

CUBE_FIELDS(cube_schema_list_meta) = {
    F_STR("selfLink", "Deprecated, never set."),
    F_STR("resourceVersion", "Version of the list."),
    F_STR("continue", "Token for the next page."),
    F_I64("remainingItemCount", "Items left after this page."),
    F_END,
};
CUBE_XTYPE(cube_schema_list_meta, "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
           "Metadata of lists.", NULL, NULL);

CUBE_FIELDS(label_selector_requirement) = {
    F_STR("key", "Label key the selector applies to.", O_REQ, O_FMT(QUALIFIED_NAME)),
    F_STR("operator", "In, NotIn, Exists or DoesNotExist.", O_REQ),
    F_ASTR("values", "Values for In and NotIn.", O_ATOMIC),
    F_END,
};

static void label_selector_requirement_validate(cube_schema_ctx_t *c, const char *path,
                                                const json_t *obj, const json_t *old)
{
    const char *op = cube_json_str(obj, "operator", NULL);
    const json_t *vals = json_object_get(obj, "values");
    size_t n = json_is_array(vals) ? json_array_size(vals) : 0;
    _cleanup_free_ char *vp = cube_schema_path(path, "values");
    _cleanup_free_ char *opp = cube_schema_path(path, "operator");
    if (!op || !op[0])
        return;
    if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
        if (n == 0)
            cube_field_required(c->fe, vp, "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
        if (n > 0)
            cube_field_forbidden(c->fe, vp,
                                 "may not be specified when `operator` is 'Exists' or "
                                 "'DoesNotExist'");
    } else {
        cube_field_invalid(c->fe, opp, json_object_get(obj, "operator"),
                           "not a valid selector operator");
    }
}
CUBE_TYPE(label_selector_requirement,
          "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
          "A key, an operator and values.", NULL, label_selector_requirement_validate);

static void label_selector_validate(cube_schema_ctx_t *c, const char *path, const json_t *obj,
                                    const json_t *old)
{
    _cleanup_free_ char *p = cube_schema_path(path, "matchLabels");
    cube_schema_validate_labels(c->fe, p, json_object_get(obj, "matchLabels"));
}

CUBE_FIELDS(cube_schema_label_selector) = {
    F_MSTR("matchLabels", "Labels that must all match."),
    F_AOBJ("matchExpressions", label_selector_requirement, "Requirements that must all match.",
           O_ATOMIC),
    F_END,
};
CUBE_XTYPE(cube_schema_label_selector, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
           "A label query over a set of objects.", NULL, label_selector_validate);

CUBE_FIELDS(cube_schema_condition) = {
    F_STR("type", "Type of condition in CamelCase.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ, O_ENUM("True", "False", "Unknown")),
    F_I64("observedGeneration", "Generation the condition was set for."),
    F_TIME("lastTransitionTime", "When the status last changed.", O_REQ),
    F_STR("reason", "Machine-readable reason in CamelCase.", O_REQ),
    F_STR("message", "Human-readable details."),
    F_END,
};
CUBE_XTYPE(cube_schema_condition, "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
           "One aspect of an object's state.", NULL, NULL);

/* ======================================================================= */
/* references                                                              */
/* ======================================================================= */

CUBE_FIELDS(cube_schema_object_reference) = {
    F_STR("kind", "Kind of the referent."),
    F_STR("namespace", "Namespace of the referent."),
    F_STR("name", "Name of the referent."),
    F_STR("uid", "UID of the referent."),
    F_STR("apiVersion", "API version of the referent."),
    F_STR("resourceVersion", "Version of the referent this refers to."),
    F_STR("fieldPath", "A piece of the referent, e.g. spec.containers{name}."),
    F_END,
};
CUBE_XTYPE(cube_schema_object_reference, "io.k8s.api.core.v1.ObjectReference",
           "A reference to another object.", NULL, NULL);

CUBE_FIELDS(local_object_reference) = {
    F_STR("name", "Name of the referent in the same namespace."),
    F_END,
};
CUBE_TYPE(local_object_reference, "io.k8s.api.core.v1.LocalObjectReference",
          "A reference to an object in the same namespace.", NULL, NULL);

CUBE_FIELDS(cube_schema_typed_local_object_reference) = {
    F_STR("apiGroup", "Group of the referent; empty for core."),
    F_STR("kind", "Kind of the referent.", O_REQ),
    F_STR("name", "Name of the referent.", O_REQ),
    F_END,
};
CUBE_XTYPE(cube_schema_typed_local_object_reference, "io.k8s.api.core.v1.TypedLocalObjectReference",
           "A typed reference in the same namespace.", NULL, NULL);

CUBE_FIELDS(typed_object_reference) = {
    F_STR("apiGroup", "Group of the referent."),
    F_STR("kind", "Kind of the referent.", O_REQ),
    F_STR("name", "Name of the referent.", O_REQ),
    F_STR("namespace", "Namespace of the referent."),
    F_END,
};
CUBE_TYPE(typed_object_reference, "io.k8s.api.core.v1.TypedObjectReference",
          "A typed reference, possibly across namespaces.", NULL, NULL);

CUBE_FIELDS(cube_schema_event_source) = {
    F_STR("component", "Component that made the event."),
    F_STR("host", "Node the event came from."),
    F_END,
};
CUBE_XTYPE(cube_schema_event_source, "io.k8s.api.core.v1.EventSource", "Where an event came from.",
           NULL, NULL);

/* ======================================================================= */
/* volumes                                                                 */
/* ======================================================================= */

CUBE_FIELDS(key_to_path) = {
    F_STR("key", "Key to project.", O_REQ),
    F_STR("path", "Relative file path to write the key to.", O_REQ),
    F_I32("mode", "File mode bits (0-0777).", O_FMT(FILE_MODE)),
    F_END,
};
CUBE_TYPE(key_to_path, "io.k8s.api.core.v1.KeyToPath", "Maps a key to a file path.", NULL, NULL);

CUBE_FIELDS(config_map_volume_source) = {
    F_STR("name", "Name of the ConfigMap."),
    F_AOBJ("items", key_to_path, "Keys to project; all when empty.", O_ATOMIC),
    F_I32("defaultMode", "Mode bits of created files.", O_DEF("420"), O_FMT(FILE_MODE)),
    F_BOOL("optional", "Whether the ConfigMap may be missing."),
    F_END,
};
CUBE_TYPE(config_map_volume_source, "io.k8s.api.core.v1.ConfigMapVolumeSource",
          "A ConfigMap's data as files.", NULL, NULL);

CUBE_FIELDS(secret_volume_source) = {
    F_STR("secretName", "Name of the Secret.", O_FMT(DNS1123_SUBDOMAIN)),
    F_AOBJ("items", key_to_path, "Keys to project; all when empty.", O_ATOMIC),
    F_I32("defaultMode", "Mode bits of created files.", O_DEF("420"), O_FMT(FILE_MODE)),
    F_BOOL("optional", "Whether the Secret may be missing."),
    F_END,
};
CUBE_TYPE(secret_volume_source, "io.k8s.api.core.v1.SecretVolumeSource",
          "A Secret's data as files.", NULL, NULL);

CUBE_FIELDS(empty_dir_volume_source) = {
    F_STR("medium", "Storage medium: \"\" (node default) or Memory."),
    F_QTY("sizeLimit", "Maximum size of the directory."),
    F_END,
};
CUBE_TYPE(empty_dir_volume_source, "io.k8s.api.core.v1.EmptyDirVolumeSource",
          "A temporary directory that lives as long as the pod.", NULL, NULL);

CUBE_FIELDS(host_path_volume_source) = {
    F_STR("path", "Path on the host.", O_REQ),
    F_STR("type", "What must exist at the path.", O_DEF("\"\""),
          O_ENUM("", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket",
                 "CharDevice", "BlockDevice")),
    F_END,
};
CUBE_TYPE(host_path_volume_source, "io.k8s.api.core.v1.HostPathVolumeSource",
          "A file or directory of the host.", NULL, NULL);

CUBE_FIELDS(pvc_volume_source) = {
    F_STR("claimName", "Name of the PersistentVolumeClaim.", O_REQ),
    F_BOOL("readOnly", "Mount read-only."),
    F_END,
};
CUBE_TYPE(pvc_volume_source, "io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource",
          "A reference to a claim in the same namespace.", NULL, NULL);

CUBE_FIELDS(object_field_selector) = {
    F_STR("apiVersion", "Schema version of fieldPath.", O_DEF("\"v1\"")),
    F_STR("fieldPath", "Path of the field to select.", O_REQ),
    F_END,
};
CUBE_TYPE(object_field_selector, "io.k8s.api.core.v1.ObjectFieldSelector",
          "Selects a field of the pod.", NULL, NULL);

CUBE_FIELDS(resource_field_selector) = {
    F_STR("containerName", "Container whose resource is selected."),
    F_STR("resource", "Resource to select (limits.cpu, requests.memory, ...).", O_REQ),
    F_QTY("divisor", "Output unit."),
    F_END,
};
CUBE_TYPE(resource_field_selector, "io.k8s.api.core.v1.ResourceFieldSelector",
          "Selects a container resource.", NULL, NULL);

CUBE_FIELDS(downward_api_volume_file) = {
    F_STR("path", "Relative path of the file.", O_REQ),
    F_OBJ("fieldRef", object_field_selector, "Pod field to write."),
    F_OBJ("resourceFieldRef", resource_field_selector, "Container resource to write."),
    F_I32("mode", "File mode bits.", O_FMT(FILE_MODE)),
    F_END,
};
CUBE_TYPE(downward_api_volume_file, "io.k8s.api.core.v1.DownwardAPIVolumeFile",
          "One file of pod information.", NULL, NULL);

CUBE_FIELDS(downward_api_volume_source) = {
    F_AOBJ("items", downward_api_volume_file, "Files to write.", O_ATOMIC),
    F_I32("defaultMode", "Mode bits of created files.", O_DEF("420"), O_FMT(FILE_MODE)),
    F_END,
};
CUBE_TYPE(downward_api_volume_source, "io.k8s.api.core.v1.DownwardAPIVolumeSource",
          "Pod information as files.", NULL, NULL);

CUBE_FIELDS(downward_api_projection) = {
    F_AOBJ("items", downward_api_volume_file, "Files to write.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(downward_api_projection, "io.k8s.api.core.v1.DownwardAPIProjection",
          "Pod information in a projected volume.", NULL, NULL);

CUBE_FIELDS(secret_projection) = {
    F_STR("name", "Name of the Secret."),
    F_AOBJ("items", key_to_path, "Keys to project.", O_ATOMIC),
    F_BOOL("optional", "Whether the Secret may be missing."),
    F_END,
};
CUBE_TYPE(secret_projection, "io.k8s.api.core.v1.SecretProjection",
          "A Secret in a projected volume.", NULL, NULL);

CUBE_FIELDS(config_map_projection) = {
    F_STR("name", "Name of the ConfigMap."),
    F_AOBJ("items", key_to_path, "Keys to project.", O_ATOMIC),
    F_BOOL("optional", "Whether the ConfigMap may be missing."),
    F_END,
};
CUBE_TYPE(config_map_projection, "io.k8s.api.core.v1.ConfigMapProjection",
          "A ConfigMap in a projected volume.", NULL, NULL);

CUBE_FIELDS(sa_token_projection) = {
    F_STR("audience", "Intended audience of the token."),
    F_I64("expirationSeconds", "Requested lifetime of the token.", O_DEF("3600")),
    F_STR("path", "Relative path of the token file.", O_REQ),
    F_END,
};
CUBE_TYPE(sa_token_projection, "io.k8s.api.core.v1.ServiceAccountTokenProjection",
          "A service account token in a projected volume.", NULL, NULL);

CUBE_FIELDS(cluster_trust_bundle_projection) = {
    F_STR("name", "Bundle to project by name."),
    F_STR("signerName", "Select bundles by signer."),
    F_OBJ("labelSelector", cube_schema_label_selector, "Select bundles by labels."),
    F_BOOL("optional", "Whether the bundle may be missing."),
    F_STR("path", "Relative path of the file.", O_REQ),
    F_END,
};
CUBE_TYPE(cluster_trust_bundle_projection, "io.k8s.api.core.v1.ClusterTrustBundleProjection",
          "Trust anchors in a projected volume.", NULL, NULL);

CUBE_FIELDS(volume_projection) = {
    F_OBJ("secret", secret_projection, "A Secret to project."),
    F_OBJ("downwardAPI", downward_api_projection, "Pod information to project."),
    F_OBJ("configMap", config_map_projection, "A ConfigMap to project."),
    F_OBJ("serviceAccountToken", sa_token_projection, "A token to project."),
    F_OBJ("clusterTrustBundle", cluster_trust_bundle_projection, "Trust anchors to project."),
    F_END,
};
CUBE_TYPE(volume_projection, "io.k8s.api.core.v1.VolumeProjection",
          "One source of a projected volume.", NULL, NULL);

CUBE_FIELDS(projected_volume_source) = {
    F_AOBJ("sources", volume_projection, "The sources to project.", O_ATOMIC),
    F_I32("defaultMode", "Mode bits of created files.", O_DEF("420"), O_FMT(FILE_MODE)),
    F_END,
};
CUBE_TYPE(projected_volume_source, "io.k8s.api.core.v1.ProjectedVolumeSource",
          "Several sources in one directory.", NULL, NULL);

CUBE_FIELDS(nfs_volume_source) = {
    F_STR("server", "NFS server host.", O_REQ),
    F_STR("path", "Exported path.", O_REQ),
    F_BOOL("readOnly", "Mount read-only."),
    F_END,
};
CUBE_TYPE(nfs_volume_source, "io.k8s.api.core.v1.NFSVolumeSource", "An NFS mount.", NULL, NULL);

CUBE_FIELDS(csi_volume_source) = {
    F_STR("driver", "Name of the CSI driver.", O_REQ),
    F_BOOL("readOnly", "Mount read-only."),
    F_STR("fsType", "Filesystem type."),
    F_MSTR("volumeAttributes", "Driver-specific properties."),
    F_OBJ("nodePublishSecretRef", local_object_reference, "Secret for the publish calls."),
    F_END,
};
CUBE_TYPE(csi_volume_source, "io.k8s.api.core.v1.CSIVolumeSource",
          "An inline volume of a CSI driver.", NULL, NULL);

CUBE_FIELDS(image_volume_source) = {
    F_STR("reference", "Image or artifact reference."),
    F_STR("pullPolicy", "Always, Never or IfNotPresent.",
          O_ENUM("Always", "IfNotPresent", "Never")),
    F_END,
};
CUBE_TYPE(image_volume_source, "io.k8s.api.core.v1.ImageVolumeSource",
          "An OCI image mounted as a volume.", NULL, NULL);

static const cube_schema_type_t pvc_template;
CUBE_FIELDS(ephemeral_volume_source) = {
    F_OBJ("volumeClaimTemplate", pvc_template, "Claim created for the pod."),
    F_END,
};
CUBE_TYPE(ephemeral_volume_source, "io.k8s.api.core.v1.EphemeralVolumeSource",
          "A volume backed by a claim that lives with the pod.", NULL, NULL);

/* Every source key of a Volume, to count them. */
static const char *const volume_sources[] = {
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
};

static void volume_defaults(json_t *v)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(volume_sources); i++) {
        json_t *s = json_object_get(v, volume_sources[i]);
        if (s && !json_is_null(s))
            return;
    }
    json_object_set_new(v, "emptyDir", json_object());
}

static void volume_validate(cube_schema_ctx_t *c, const char *path, const json_t *v,
                            const json_t *old)
{
    size_t n = 0;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(volume_sources); i++) {
        json_t *s = json_object_get(v, volume_sources[i]);
        if (!s || json_is_null(s))
            continue;
        if (n++ > 0) {
            _cleanup_free_ char *p = cube_schema_path(path, volume_sources[i]);
            cube_field_forbidden(c->fe, p, "may not specify more than 1 volume type");
        }
    }
    if (n == 0)
        cube_field_required(c->fe, path, "must specify a volume type");
}

CUBE_FIELDS(volume) = {
    F_STR("name", "Name of the volume, unique in the pod.", O_REQ, O_FMT(DNS1123_LABEL)),
    F_OBJ("hostPath", host_path_volume_source, "A host directory."),
    F_OBJ("emptyDir", empty_dir_volume_source, "A temporary directory."),
    F_OBJ("secret", secret_volume_source, "A Secret."),
    F_OBJ("nfs", nfs_volume_source, "An NFS export."),
    F_OBJ("persistentVolumeClaim", pvc_volume_source, "A claim."),
    F_OBJ("downwardAPI", downward_api_volume_source, "Pod information."),
    F_OBJ("configMap", config_map_volume_source, "A ConfigMap."),
    F_OBJ("projected", projected_volume_source, "Several sources in one directory."),
    F_OBJ("csi", csi_volume_source, "A CSI inline volume."),
    F_OBJ("ephemeral", ephemeral_volume_source, "A claim that lives with the pod."),
    F_OBJ("image", image_volume_source, "An OCI image."),
    /* in-tree and deprecated sources: accepted as they are */
    F_ANY("gcePersistentDisk", "Deprecated GCE disk."),
    F_ANY("awsElasticBlockStore", "Deprecated AWS disk."),
    F_ANY("gitRepo", "Deprecated git repository."),
    F_ANY("iscsi", "An iSCSI disk."),
    F_ANY("glusterfs", "Removed Glusterfs mount."),
    F_ANY("rbd", "Deprecated Ceph RBD."),
    F_ANY("flexVolume", "Deprecated FlexVolume."),
    F_ANY("cinder", "Deprecated Cinder volume."),
    F_ANY("cephfs", "Deprecated CephFS."),
    F_ANY("flocker", "Deprecated Flocker."),
    F_ANY("fc", "A Fibre Channel disk."),
    F_ANY("azureFile", "Deprecated Azure File."),
    F_ANY("vsphereVolume", "Deprecated vSphere volume."),
    F_ANY("quobyte", "Deprecated Quobyte."),
    F_ANY("azureDisk", "Deprecated Azure disk."),
    F_ANY("photonPersistentDisk", "Deprecated Photon disk."),
    F_ANY("portworxVolume", "Deprecated Portworx."),
    F_ANY("scaleIO", "Deprecated ScaleIO."),
    F_ANY("storageos", "Deprecated StorageOS."),
    F_END,
};
CUBE_TYPE(volume, "io.k8s.api.core.v1.Volume", "A named volume containers can mount.",
          volume_defaults, volume_validate);

/* ======================================================================= */
/* containers                                                              */
/* ======================================================================= */

#define PROTOCOLS O_ENUM("SCTP", "TCP", "UDP")

CUBE_FIELDS(container_port) = {
    F_STR("name", "IANA service name of the port, unique in the pod.", O_FMT(IANA_SVC_NAME)),
    F_I32("hostPort", "Port exposed on the host.", O_FMT(PORT_OR_ZERO)),
    F_I32("containerPort", "Port the container listens on.", O_REQ, O_FMT(PORT)),
    F_STR("protocol", "TCP, UDP or SCTP.", O_DEF("\"TCP\""), PROTOCOLS),
    F_STR("hostIP", "Host address to bind the host port to."),
    F_END,
};
CUBE_TYPE(container_port, "io.k8s.api.core.v1.ContainerPort", "A network port of a container.",
          NULL, NULL);

CUBE_FIELDS(config_map_key_selector) = {
    F_STR("name", "Name of the ConfigMap."),
    F_STR("key", "Key to select.", O_REQ),
    F_BOOL("optional", "Whether it may be missing."),
    F_END,
};
CUBE_TYPE(config_map_key_selector, "io.k8s.api.core.v1.ConfigMapKeySelector",
          "A key of a ConfigMap.", NULL, NULL);

CUBE_FIELDS(secret_key_selector) = {
    F_STR("name", "Name of the Secret."),
    F_STR("key", "Key to select.", O_REQ),
    F_BOOL("optional", "Whether it may be missing."),
    F_END,
};
CUBE_TYPE(secret_key_selector, "io.k8s.api.core.v1.SecretKeySelector", "A key of a Secret.", NULL,
          NULL);

CUBE_FIELDS(env_var_source) = {
    F_OBJ("fieldRef", object_field_selector, "A field of the pod."),
    F_OBJ("resourceFieldRef", resource_field_selector, "A resource of a container."),
    F_OBJ("configMapKeyRef", config_map_key_selector, "A key of a ConfigMap."),
    F_OBJ("secretKeyRef", secret_key_selector, "A key of a Secret."),
    F_END,
};
CUBE_TYPE(env_var_source, "io.k8s.api.core.v1.EnvVarSource",
          "Where an environment variable's value comes from.", NULL, NULL);

CUBE_FIELDS(env_var) = {
    F_STR("name", "Name of the variable.", O_REQ),
    F_STR("value", "Value, with $(VAR) references expanded."),
    F_OBJ("valueFrom", env_var_source, "Source of the value."),
    F_END,
};
CUBE_TYPE(env_var, "io.k8s.api.core.v1.EnvVar", "An environment variable.", NULL, NULL);

CUBE_FIELDS(config_map_env_source) = {
    F_STR("name", "Name of the ConfigMap."),
    F_BOOL("optional", "Whether it may be missing."),
    F_END,
};
CUBE_TYPE(config_map_env_source, "io.k8s.api.core.v1.ConfigMapEnvSource",
          "All keys of a ConfigMap as variables.", NULL, NULL);

CUBE_FIELDS(secret_env_source) = {
    F_STR("name", "Name of the Secret."),
    F_BOOL("optional", "Whether it may be missing."),
    F_END,
};
CUBE_TYPE(secret_env_source, "io.k8s.api.core.v1.SecretEnvSource",
          "All keys of a Secret as variables.", NULL, NULL);

CUBE_FIELDS(env_from_source) = {
    F_STR("prefix", "Prefix added to each name."),
    F_OBJ("configMapRef", config_map_env_source, "The ConfigMap."),
    F_OBJ("secretRef", secret_env_source, "The Secret."),
    F_END,
};
CUBE_TYPE(env_from_source, "io.k8s.api.core.v1.EnvFromSource", "A set of environment variables.",
          NULL, NULL);

CUBE_FIELDS(resource_claim) = {
    F_STR("name", "Name of an entry of pod.spec.resourceClaims.", O_REQ),
    F_STR("request", "Request inside the claim."),
    F_END,
};
CUBE_TYPE(resource_claim, "io.k8s.api.core.v1.ResourceClaim", "A claim a container uses.", NULL,
          NULL);

static bool standard_resource(const char *name)
{
    static const char *const std[] = {"cpu", "memory", "ephemeral-storage", "storage", "pods"};
    if (strchr(name, '/'))
        return true;
    if (!strncmp(name, "hugepages-", 10) || !strncmp(name, "requests.", 9) ||
        !strncmp(name, "limits.", 7))
        return true;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(std); i++)
        if (!strcmp(std[i], name))
            return true;
    return false;
}

/* Resource names of limits/requests, and requests <= limits. */
static void resources_validate(cube_schema_ctx_t *c, const char *path, const json_t *obj,
                               const json_t *old)
{
    static const char *const maps[] = {"limits", "requests"};
    for (size_t m = 0; m < 2; m++) {
        const json_t *rl = json_object_get(obj, maps[m]);
        const char *k;
        json_t *v;
        if (!json_is_object(rl))
            continue;
        json_object_foreach((json_t *)rl, k, v)
        {
            if (standard_resource(k))
                continue;
            _cleanup_free_ char *mp = cube_schema_path(path, maps[m]);
            _cleanup_free_ char *p = cube_schema_path_key(mp, k);
            json_auto_t *kv = json_string(k);
            cube_field_invalid(c->fe, p, kv, "must be a standard resource type or fully qualified");
        }
    }
    const json_t *req = json_object_get(obj, "requests"), *lim = json_object_get(obj, "limits");
    if (!json_is_object(req) || !json_is_object(lim))
        return;
    const char *k;
    json_t *rv;
    json_object_foreach((json_t *)req, k, rv)
    {
        const json_t *lv = json_object_get(lim, k);
        int64_t r, l;
        if (!lv || !cube_schema_quantity_milli(rv, &r) || !cube_schema_quantity_milli(lv, &l))
            continue;
        bool overcommit = strncmp(k, "hugepages-", 10) != 0 &&
                          (!strchr(k, '/') || !strncmp(k, "kubernetes.io/", 14));
        if (r == l || (overcommit && r < l))
            continue;
        _cleanup_free_ char *p = cube_schema_path(path, "requests");
        char d[256];
        snprintf(d, sizeof(d), "must be %s %s limit of %s",
                 overcommit ? "less than or equal to" : "equal to", k,
                 json_is_string(lv) ? json_string_value(lv) : "?");
        cube_field_invalid(c->fe, p, rv, d);
    }
}

CUBE_FIELDS(resource_requirements) = {
    F_MQTY("limits", "Maximum amount of compute resources allowed."),
    F_MQTY("requests", "Minimum amount of compute resources required."),
    F_AOBJ("claims", resource_claim, "Dynamic resource claims used.", O_LMAP("name")),
    F_END,
};
CUBE_TYPE(resource_requirements, "io.k8s.api.core.v1.ResourceRequirements",
          "Compute resource requests and limits.", NULL, resources_validate);

CUBE_FIELDS(volume_mount) = {
    F_STR("name", "Name of the volume to mount.", O_REQ),
    F_BOOL("readOnly", "Mount read-only."),
    F_STR("recursiveReadOnly", "Disabled, IfPossible or Enabled.",
          O_ENUM("Disabled", "IfPossible", "Enabled")),
    F_STR("mountPath", "Path in the container; must not contain ':'.", O_REQ),
    F_STR("subPath", "Sub-path of the volume to mount."),
    F_STR("mountPropagation", "None, HostToContainer or Bidirectional.",
          O_ENUM("None", "HostToContainer", "Bidirectional")),
    F_STR("subPathExpr", "Sub-path with $(VAR) expansion."),
    F_END,
};
CUBE_TYPE(volume_mount, "io.k8s.api.core.v1.VolumeMount", "A volume mounted in a container.", NULL,
          NULL);

CUBE_FIELDS(volume_device) = {
    F_STR("name", "Name of a block-mode claim of the pod.", O_REQ),
    F_STR("devicePath", "Device path in the container.", O_REQ),
    F_END,
};
CUBE_TYPE(volume_device, "io.k8s.api.core.v1.VolumeDevice", "A raw block device.", NULL, NULL);

CUBE_FIELDS(exec_action) = {
    F_ASTR("command", "Command run in the container (no shell).", O_ATOMIC),
    F_END,
};
CUBE_TYPE(exec_action, "io.k8s.api.core.v1.ExecAction", "Run a command.", NULL, NULL);

CUBE_FIELDS(http_header) = {
    F_STR("name", "Header name.", O_REQ),
    F_STR("value", "Header value."),
    F_END,
};
CUBE_TYPE(http_header, "io.k8s.api.core.v1.HTTPHeader", "An HTTP header.", NULL, NULL);

CUBE_FIELDS(http_get_action) = {
    F_STR("path", "Path to request.", O_DEF("\"/\"")),
    F_IOS("port", "Port number or name.", O_REQ, O_FMT(PORT_OR_NAME)),
    F_STR("host", "Host to connect to; the pod IP by default."),
    F_STR("scheme", "HTTP or HTTPS.", O_DEF("\"HTTP\""), O_ENUM("HTTP", "HTTPS")),
    F_AOBJ("httpHeaders", http_header, "Extra request headers.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(http_get_action, "io.k8s.api.core.v1.HTTPGetAction", "An HTTP GET request.", NULL, NULL);

CUBE_FIELDS(tcp_socket_action) = {
    F_IOS("port", "Port number or name.", O_REQ, O_FMT(PORT_OR_NAME)),
    F_STR("host", "Host to connect to; the pod IP by default."),
    F_END,
};
CUBE_TYPE(tcp_socket_action, "io.k8s.api.core.v1.TCPSocketAction", "A TCP connection.", NULL, NULL);

CUBE_FIELDS(grpc_action) = {
    F_I32("port", "Port of the gRPC health service.", O_REQ, O_FMT(PORT)),
    F_STR("service", "Service name sent in the health request.", O_DEF("\"\"")),
    F_END,
};
CUBE_TYPE(grpc_action, "io.k8s.api.core.v1.GRPCAction", "A gRPC health check.", NULL, NULL);

CUBE_FIELDS(sleep_action) = {
    F_I64("seconds", "Seconds to sleep.", O_REQ, O_FMT(NONNEG)),
    F_END,
};
CUBE_TYPE(sleep_action, "io.k8s.api.core.v1.SleepAction", "Sleep for a while.", NULL, NULL);

/* Exactly one handler of the given keys. */
static void one_handler(cube_schema_ctx_t *c, const char *path, const json_t *obj,
                        const char *const *keys, size_t nkeys)
{
    size_t n = 0;
    for (size_t i = 0; i < nkeys; i++) {
        json_t *h = json_object_get(obj, keys[i]);
        if (!h || json_is_null(h))
            continue;
        if (n++ > 0) {
            _cleanup_free_ char *p = cube_schema_path(path, keys[i]);
            cube_field_forbidden(c->fe, p, "may not specify more than 1 handler type");
        }
    }
    if (n == 0)
        cube_field_required(c->fe, path, "must specify a handler type");
}

static void probe_validate(cube_schema_ctx_t *c, const char *path, const json_t *obj,
                           const json_t *old)
{
    static const char *const keys[] = {"exec", "httpGet", "tcpSocket", "grpc"};
    one_handler(c, path, obj, keys, CUBE_ARRAY_SIZE(keys));
}

static void handler_validate(cube_schema_ctx_t *c, const char *path, const json_t *obj,
                             const json_t *old)
{
    static const char *const keys[] = {"exec", "httpGet", "tcpSocket", "sleep"};
    one_handler(c, path, obj, keys, CUBE_ARRAY_SIZE(keys));
}

CUBE_FIELDS(probe) = {
    F_OBJ("exec", exec_action, "Run a command."),
    F_OBJ("httpGet", http_get_action, "Send an HTTP GET."),
    F_OBJ("tcpSocket", tcp_socket_action, "Open a TCP connection."),
    F_OBJ("grpc", grpc_action, "Call the gRPC health service."),
    F_I32("initialDelaySeconds", "Delay before the first probe.", O_FMT(NONNEG)),
    F_I32("timeoutSeconds", "Timeout of one probe.", O_DEF("1"), O_FMT(NONNEG)),
    F_I32("periodSeconds", "Interval between probes.", O_DEF("10"), O_FMT(NONNEG)),
    F_I32("successThreshold", "Successes needed after a failure.", O_DEF("1"), O_FMT(NONNEG)),
    F_I32("failureThreshold", "Failures needed to give up.", O_DEF("3"), O_FMT(NONNEG)),
    F_I64("terminationGracePeriodSeconds", "Grace period after a failed probe."),
    F_END,
};
CUBE_TYPE(probe, "io.k8s.api.core.v1.Probe", "A health check of a container.", NULL,
          probe_validate);

CUBE_FIELDS(lifecycle_handler) = {
    F_OBJ("exec", exec_action, "Run a command."),
    F_OBJ("httpGet", http_get_action, "Send an HTTP GET."),
    F_OBJ("tcpSocket", tcp_socket_action, "Deprecated; not run."),
    F_OBJ("sleep", sleep_action, "Sleep."),
    F_END,
};
CUBE_TYPE(lifecycle_handler, "io.k8s.api.core.v1.LifecycleHandler",
          "An action of a lifecycle hook.", NULL, handler_validate);

CUBE_FIELDS(lifecycle) = {
    F_OBJ("postStart", lifecycle_handler, "Run right after the container starts."),
    F_OBJ("preStop", lifecycle_handler, "Run before the container is stopped."),
    F_STR("stopSignal", "Signal used to stop the container."),
    F_END,
};
CUBE_TYPE(lifecycle, "io.k8s.api.core.v1.Lifecycle", "Lifecycle hooks of a container.", NULL, NULL);

CUBE_FIELDS(capabilities) = {
    F_ASTR("add", "Capabilities to add.", O_ATOMIC),
    F_ASTR("drop", "Capabilities to drop.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(capabilities, "io.k8s.api.core.v1.Capabilities", "POSIX capabilities.", NULL, NULL);

CUBE_FIELDS(se_linux_options) = {
    F_STR("user", "SELinux user."),
    F_STR("role", "SELinux role."),
    F_STR("type", "SELinux type."),
    F_STR("level", "SELinux level."),
    F_END,
};
CUBE_TYPE(se_linux_options, "io.k8s.api.core.v1.SELinuxOptions", "SELinux labels.", NULL, NULL);

CUBE_FIELDS(seccomp_profile) = {
    F_STR("type", "RuntimeDefault, Unconfined or Localhost.", O_REQ,
          O_ENUM("Localhost", "RuntimeDefault", "Unconfined")),
    F_STR("localhostProfile", "Profile file on the node, for Localhost."),
    F_END,
};
CUBE_TYPE(seccomp_profile, "io.k8s.api.core.v1.SeccompProfile", "A seccomp profile.", NULL, NULL);

CUBE_FIELDS(app_armor_profile) = {
    F_STR("type", "RuntimeDefault, Unconfined or Localhost.", O_REQ,
          O_ENUM("Localhost", "RuntimeDefault", "Unconfined")),
    F_STR("localhostProfile", "Profile loaded on the node, for Localhost."),
    F_END,
};
CUBE_TYPE(app_armor_profile, "io.k8s.api.core.v1.AppArmorProfile", "An AppArmor profile.", NULL,
          NULL);

CUBE_FIELDS(windows_options) = {
    F_STR("gmsaCredentialSpecName", "Name of the GMSA credential spec."),
    F_STR("gmsaCredentialSpec", "Inline GMSA credential spec."),
    F_STR("runAsUserName", "Windows user name."),
    F_BOOL("hostProcess", "Run as a host process."),
    F_END,
};
CUBE_TYPE(windows_options, "io.k8s.api.core.v1.WindowsSecurityContextOptions",
          "Windows-specific options.", NULL, NULL);

CUBE_FIELDS(security_context) = {
    F_OBJ("capabilities", capabilities, "Capabilities to add or drop."),
    F_BOOL("privileged", "Run privileged."),
    F_OBJ("seLinuxOptions", se_linux_options, "SELinux context."),
    F_OBJ("windowsOptions", windows_options, "Windows options."),
    F_I64("runAsUser", "UID of the entrypoint."),
    F_I64("runAsGroup", "GID of the entrypoint."),
    F_BOOL("runAsNonRoot", "Refuse to run as root."),
    F_BOOL("readOnlyRootFilesystem", "Read-only root filesystem."),
    F_BOOL("allowPrivilegeEscalation", "Allow no_new_privs to be unset."),
    F_STR("procMount", "Default or Unmasked.", O_ENUM("Default", "Unmasked")),
    F_OBJ("seccompProfile", seccomp_profile, "Seccomp profile."),
    F_OBJ("appArmorProfile", app_armor_profile, "AppArmor profile."),
    F_END,
};
CUBE_TYPE(security_context, "io.k8s.api.core.v1.SecurityContext",
          "Security settings of a container.", NULL, NULL);

CUBE_FIELDS(container_resize_policy) = {
    F_STR("resourceName", "cpu or memory.", O_REQ),
    F_STR("restartPolicy", "NotRequired or RestartContainer.", O_REQ),
    F_END,
};
CUBE_TYPE(container_resize_policy, "io.k8s.api.core.v1.ContainerResizePolicy",
          "How a container reacts to a resize.", NULL, NULL);

/* imagePullPolicy from the image's tag (SetDefaults_Container). */
static void container_defaults(json_t *c)
{
    if (cube_json_str(c, "imagePullPolicy", NULL))
        return;
    const char *img = cube_json_str(c, "image", NULL);
    const char *pol = "IfNotPresent";
    if (img && img[0]) {
        const char *last = strrchr(img, '/');
        last = last ? last + 1 : img;
        const char *at = strchr(last, '@');
        size_t n = at ? (size_t)(at - last) : strlen(last);
        const char *colon = memchr(last, ':', n);
        if (colon)
            pol = (n - (size_t)(colon + 1 - last) == 6 && !strncmp(colon + 1, "latest", 6))
                      ? "Always"
                      : "IfNotPresent";
        else if (!at)
            pol = "Always";
    }
    json_object_set_new(c, "imagePullPolicy", json_string(pol));
}

static void container_validate(cube_schema_ctx_t *c, const char *path, const json_t *obj,
                               const json_t *old)
{
    bool init = strstr(path, "initContainers[") != NULL;
    /* port names unique inside the container */
    const json_t *ports = json_object_get(obj, "ports");
    size_t i;
    json_t *p;
    json_array_foreach(ports, i, p)
    {
        const char *name = cube_json_str(p, "name", NULL);
        if (!name || !name[0])
            continue;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(name, cube_json_str(json_array_get(ports, j), "name", NULL) ?: "")) {
                _cleanup_free_ char *ports_path = cube_schema_path(path, "ports");
                _cleanup_free_ char *ip = cube_schema_path_index(ports_path, i);
                _cleanup_free_ char *np = cube_schema_path(ip, "name");
                cube_field_duplicate(c->fe, np, json_object_get(p, "name"));
                break;
            }
    }
    /* mount paths unique inside the container */
    const json_t *mounts = json_object_get(obj, "volumeMounts");
    json_array_foreach(mounts, i, p)
    {
        const char *mp = cube_json_str(p, "mountPath", NULL);
        if (!mp || !mp[0])
            continue;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(mp, cube_json_str(json_array_get(mounts, j), "mountPath", NULL) ?: "")) {
                _cleanup_free_ char *vp = cube_schema_path(path, "volumeMounts");
                _cleanup_free_ char *ip = cube_schema_path_index(vp, i);
                _cleanup_free_ char *pp = cube_schema_path(ip, "mountPath");
                cube_field_invalid(c->fe, pp, json_object_get(p, "mountPath"), "must be unique");
                break;
            }
    }
    /* liveness and startup probes need successThreshold 1 */
    static const char *const one[] = {"livenessProbe", "startupProbe"};
    for (size_t k = 0; k < CUBE_ARRAY_SIZE(one); k++) {
        const json_t *st = cube_json_path(obj, one[k], "successThreshold", NULL);
        if (json_is_integer(st) && json_integer_value(st) != 1) {
            _cleanup_free_ char *pp = cube_schema_path(path, one[k]);
            _cleanup_free_ char *sp = cube_schema_path(pp, "successThreshold");
            cube_field_invalid(c->fe, sp, st, "must be 1");
        }
    }
    const json_t *rp = json_object_get(obj, "restartPolicy");
    if (rp && !json_is_null(rp)) {
        _cleanup_free_ char *pp = cube_schema_path(path, "restartPolicy");
        if (!init && !strstr(path, "ephemeralContainers["))
            cube_field_forbidden(c->fe, pp, "may not be set for non-init containers");
        else if (init && json_is_string(rp) && strcmp(json_string_value(rp), "Always"))
            cube_field_not_supported(c->fe, pp, rp, CUBE_ENUM("Always"));
    }
}

/* The fields of Container, shared with EphemeralContainer. */
#define CONTAINER_FIELDS(image_flags)                                                              \
    F_STR("name", "Name of the container, a DNS label unique in the pod.", O_REQ,                  \
          O_FMT(DNS1123_LABEL)),                                                                   \
        F_STR("image", "Container image name.", image_flags),                                      \
        F_ASTR("command", "Entrypoint array; the image's ENTRYPOINT if empty.", O_ATOMIC),         \
        F_ASTR("args", "Arguments to the entrypoint; the image's CMD if empty.", O_ATOMIC),        \
        F_STR("workingDir", "Working directory."),                                                 \
        F_AOBJ("ports", container_port, "Ports to expose.", O_MERGE("containerPort"),              \
               O_LMAP("containerPort", "protocol")),                                               \
        F_AOBJ("envFrom", env_from_source, "Sources of environment variables.", O_ATOMIC),         \
        F_AOBJ("env", env_var, "Environment variables.", O_MERGE("name"), O_LMAP("name")),         \
        F_OBJ("resources", resource_requirements, "Compute resources.", O_DEF("{}")),              \
        F_AOBJ("resizePolicy", container_resize_policy, "Resize policy per resource.", O_ATOMIC),  \
        F_STR("restartPolicy", "Always, for sidecar init containers."),                            \
        F_AOBJ("volumeMounts", volume_mount, "Volumes to mount.", O_MERGE("mountPath"),            \
               O_LMAP("mountPath")),                                                               \
        F_AOBJ("volumeDevices", volume_device, "Block devices to use.", O_MERGE("devicePath"),     \
               O_LMAP("devicePath")),                                                              \
        F_OBJ("livenessProbe", probe, "Restart the container when it fails."),                     \
        F_OBJ("readinessProbe", probe, "Remove from endpoints when it fails."),                    \
        F_OBJ("startupProbe", probe, "Other probes wait until it succeeds."),                      \
        F_OBJ("lifecycle", lifecycle, "Lifecycle hooks."),                                         \
        F_STR("terminationMessagePath", "File the termination message is read from.",              \
              O_DEF("\"/dev/termination-log\"")),                                                  \
        F_STR("terminationMessagePolicy", "File or FallbackToLogsOnError.", O_DEF("\"File\""),     \
              O_ENUM("File", "FallbackToLogsOnError")),                                            \
        F_STR("imagePullPolicy", "Always, Never or IfNotPresent.",                                 \
              O_ENUM("Always", "IfNotPresent", "Never")),                                          \
        F_OBJ("securityContext", security_context, "Security options."),                           \
        F_BOOL("stdin", "Allocate a stdin buffer."),                                               \
        F_BOOL("stdinOnce", "Close stdin after one attach."), F_BOOL("tty", "Allocate a TTY.")

CUBE_FIELDS(container) = {
    CONTAINER_FIELDS(O_REQ),
    F_END,
};
CUBE_TYPE(container, "io.k8s.api.core.v1.Container", "A container of a pod.", container_defaults,
          container_validate);

CUBE_FIELDS(ephemeral_container) = {
    CONTAINER_FIELDS(O_REQ),
    F_STR("targetContainerName", "Container whose namespaces to join."),
    F_END,
};
CUBE_TYPE(ephemeral_container, "io.k8s.api.core.v1.EphemeralContainer",
          "A debugging container added to a running pod.", container_defaults, container_validate);

/* ======================================================================= */
/* pod spec                                                                */
/* ======================================================================= */

CUBE_FIELDS(sysctl) = {
    F_STR("name", "Name of the sysctl.", O_REQ),
    F_STR("value", "Value to set.", O_REQ),
    F_END,
};
CUBE_TYPE(sysctl, "io.k8s.api.core.v1.Sysctl", "A kernel parameter.", NULL, NULL);

CUBE_FIELDS(pod_security_context) = {
    F_OBJ("seLinuxOptions", se_linux_options, "SELinux context of all containers."),
    F_OBJ("windowsOptions", windows_options, "Windows options."),
    F_I64("runAsUser", "UID of the containers' entrypoints."),
    F_I64("runAsGroup", "GID of the containers' entrypoints."),
    F_BOOL("runAsNonRoot", "Refuse to run as root."),
    F_AI64("supplementalGroups", "Extra groups of the first process.", O_ATOMIC),
    F_STR("supplementalGroupsPolicy", "Merge or Strict.", O_ENUM("Merge", "Strict")),
    F_I64("fsGroup", "Group owning the volumes."),
    F_AOBJ("sysctls", sysctl, "Namespaced sysctls.", O_ATOMIC),
    F_STR("fsGroupChangePolicy", "OnRootMismatch or Always.", O_ENUM("OnRootMismatch", "Always")),
    F_OBJ("seccompProfile", seccomp_profile, "Seccomp profile."),
    F_OBJ("appArmorProfile", app_armor_profile, "AppArmor profile."),
    F_STR("seLinuxChangePolicy", "Recursive or MountOption."),
    F_END,
};
CUBE_TYPE(pod_security_context, "io.k8s.api.core.v1.PodSecurityContext",
          "Security settings of the whole pod.", NULL, NULL);

CUBE_FIELDS(cube_schema_toleration) = {
    F_STR("key", "Taint key; empty matches all keys."),
    F_STR("operator", "Exists or Equal.", O_ENUM("Equal", "Exists")),
    F_STR("value", "Taint value for Equal."),
    F_STR("effect", "Taint effect to match; empty matches all.",
          O_ENUM("NoSchedule", "PreferNoSchedule", "NoExecute")),
    F_I64("tolerationSeconds", "How long a NoExecute taint is tolerated."),
    F_END,
};
CUBE_XTYPE(cube_schema_toleration, "io.k8s.api.core.v1.Toleration", "Tolerates a taint.", NULL,
           NULL);

CUBE_FIELDS(node_selector_requirement) = {
    F_STR("key", "Label key.", O_REQ),
    F_STR("operator", "In, NotIn, Exists, DoesNotExist, Gt or Lt.", O_REQ,
          O_ENUM("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")),
    F_ASTR("values", "Values to compare with.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(node_selector_requirement, "io.k8s.api.core.v1.NodeSelectorRequirement",
          "A node label or field requirement.", NULL, NULL);

CUBE_FIELDS(node_selector_term) = {
    F_AOBJ("matchExpressions", node_selector_requirement, "Requirements on labels.", O_ATOMIC),
    F_AOBJ("matchFields", node_selector_requirement, "Requirements on fields.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(node_selector_term, "io.k8s.api.core.v1.NodeSelectorTerm",
          "Requirements that must all hold.", NULL, NULL);

CUBE_FIELDS(cube_schema_node_selector) = {
    F_AOBJ("nodeSelectorTerms", node_selector_term, "Terms, any of which must hold.", O_REQ,
           O_ATOMIC),
    F_END,
};
CUBE_XTYPE(cube_schema_node_selector, "io.k8s.api.core.v1.NodeSelector",
           "A node query: OR of terms.", NULL, NULL);

CUBE_FIELDS(topology_selector_requirement) = {
    F_STR("key", "Label key.", O_REQ),
    F_ASTR("values", "Values to match.", O_REQ, O_ATOMIC),
    F_END,
};
CUBE_TYPE(topology_selector_requirement, "io.k8s.api.core.v1.TopologySelectorLabelRequirement",
          "A topology label requirement.", NULL, NULL);

CUBE_FIELDS(cube_schema_topology_selector_term) = {
    F_AOBJ("matchLabelExpressions", topology_selector_requirement, "Requirements.", O_ATOMIC),
    F_END,
};
CUBE_XTYPE(cube_schema_topology_selector_term, "io.k8s.api.core.v1.TopologySelectorTerm",
           "A topology query.", NULL, NULL);

CUBE_FIELDS(preferred_scheduling_term) = {
    F_I32("weight", "Weight, 1-100.", O_REQ),
    F_OBJ("preference", node_selector_term, "The preferred term.", O_REQ),
    F_END,
};
CUBE_TYPE(preferred_scheduling_term, "io.k8s.api.core.v1.PreferredSchedulingTerm",
          "A weighted node preference.", NULL, NULL);

CUBE_FIELDS(node_affinity) = {
    F_OBJ("requiredDuringSchedulingIgnoredDuringExecution", cube_schema_node_selector,
          "Nodes the pod must run on."),
    F_AOBJ("preferredDuringSchedulingIgnoredDuringExecution", preferred_scheduling_term,
           "Nodes the pod prefers.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(node_affinity, "io.k8s.api.core.v1.NodeAffinity", "Node affinity rules.", NULL, NULL);

CUBE_FIELDS(pod_affinity_term) = {
    F_OBJ("labelSelector", cube_schema_label_selector, "Pods to be near (or away from)."),
    F_ASTR("namespaces", "Namespaces of those pods.", O_ATOMIC),
    F_STR("topologyKey", "Node label defining co-location.", O_REQ, O_FMT(QUALIFIED_NAME)),
    F_OBJ("namespaceSelector", cube_schema_label_selector, "Namespaces by label."),
    F_ASTR("matchLabelKeys", "Label keys merged into the selector.", O_ATOMIC),
    F_ASTR("mismatchLabelKeys", "Label keys merged as NotIn.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(pod_affinity_term, "io.k8s.api.core.v1.PodAffinityTerm",
          "Pods and the topology they share.", NULL, NULL);

CUBE_FIELDS(weighted_pod_affinity_term) = {
    F_I32("weight", "Weight, 1-100.", O_REQ),
    F_OBJ("podAffinityTerm", pod_affinity_term, "The term.", O_REQ),
    F_END,
};
CUBE_TYPE(weighted_pod_affinity_term, "io.k8s.api.core.v1.WeightedPodAffinityTerm",
          "A weighted pod affinity term.", NULL, NULL);

CUBE_FIELDS(pod_affinity) = {
    F_AOBJ("requiredDuringSchedulingIgnoredDuringExecution", pod_affinity_term,
           "Terms that must hold.", O_ATOMIC),
    F_AOBJ("preferredDuringSchedulingIgnoredDuringExecution", weighted_pod_affinity_term,
           "Terms preferred.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(pod_affinity, "io.k8s.api.core.v1.PodAffinity", "Inter-pod affinity.", NULL, NULL);

CUBE_FIELDS(pod_anti_affinity) = {
    F_AOBJ("requiredDuringSchedulingIgnoredDuringExecution", pod_affinity_term,
           "Terms that must hold.", O_ATOMIC),
    F_AOBJ("preferredDuringSchedulingIgnoredDuringExecution", weighted_pod_affinity_term,
           "Terms preferred.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(pod_anti_affinity, "io.k8s.api.core.v1.PodAntiAffinity", "Inter-pod anti-affinity.", NULL,
          NULL);

CUBE_FIELDS(affinity) = {
    F_OBJ("nodeAffinity", node_affinity, "Node affinity."),
    F_OBJ("podAffinity", pod_affinity, "Pod affinity."),
    F_OBJ("podAntiAffinity", pod_anti_affinity, "Pod anti-affinity."),
    F_END,
};
CUBE_TYPE(affinity, "io.k8s.api.core.v1.Affinity", "Scheduling constraints.", NULL, NULL);

CUBE_FIELDS(host_alias) = {
    F_STR("ip", "IP address of the entries.", O_REQ),
    F_ASTR("hostnames", "Host names for the address.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(host_alias, "io.k8s.api.core.v1.HostAlias", "An /etc/hosts entry.", NULL, NULL);

CUBE_FIELDS(pod_dns_config_option) = {
    F_STR("name", "Option name."),
    F_STR("value", "Option value."),
    F_END,
};
CUBE_TYPE(pod_dns_config_option, "io.k8s.api.core.v1.PodDNSConfigOption", "A resolver option.",
          NULL, NULL);

CUBE_FIELDS(pod_dns_config) = {
    F_ASTR("nameservers", "Extra name servers.", O_ATOMIC),
    F_ASTR("searches", "Extra search domains.", O_ATOMIC),
    F_AOBJ("options", pod_dns_config_option, "Resolver options.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(pod_dns_config, "io.k8s.api.core.v1.PodDNSConfig", "DNS settings of a pod.", NULL, NULL);

CUBE_FIELDS(pod_readiness_gate) = {
    F_STR("conditionType", "Pod condition that must be true.", O_REQ),
    F_END,
};
CUBE_TYPE(pod_readiness_gate, "io.k8s.api.core.v1.PodReadinessGate", "An extra readiness gate.",
          NULL, NULL);

CUBE_FIELDS(topology_spread_constraint) = {
    F_I32("maxSkew", "Allowed uneven distribution.", O_REQ, O_FMT(POSITIVE)),
    F_STR("topologyKey", "Node label key of the domains.", O_REQ, O_FMT(QUALIFIED_NAME)),
    F_STR("whenUnsatisfiable", "DoNotSchedule or ScheduleAnyway.", O_REQ,
          O_ENUM("DoNotSchedule", "ScheduleAnyway")),
    F_OBJ("labelSelector", cube_schema_label_selector, "Pods counted."),
    F_I32("minDomains", "Minimum number of eligible domains."),
    F_STR("nodeAffinityPolicy", "Honor or Ignore.", O_ENUM("Honor", "Ignore")),
    F_STR("nodeTaintsPolicy", "Honor or Ignore.", O_ENUM("Honor", "Ignore")),
    F_ASTR("matchLabelKeys", "Label keys merged into the selector.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(topology_spread_constraint, "io.k8s.api.core.v1.TopologySpreadConstraint",
          "How to spread pods over domains.", NULL, NULL);

CUBE_FIELDS(pod_os) = {
    F_STR("name", "linux or windows.", O_REQ, O_ENUM("linux", "windows")),
    F_END,
};
CUBE_TYPE(pod_os, "io.k8s.api.core.v1.PodOS", "The pod's operating system.", NULL, NULL);

CUBE_FIELDS(pod_scheduling_gate) = {
    F_STR("name", "Name of the gate.", O_REQ, O_FMT(QUALIFIED_NAME)),
    F_END,
};
CUBE_TYPE(pod_scheduling_gate, "io.k8s.api.core.v1.PodSchedulingGate",
          "A gate that holds scheduling.", NULL, NULL);

CUBE_FIELDS(pod_resource_claim) = {
    F_STR("name", "Name of the claim in the pod.", O_REQ, O_FMT(DNS1123_LABEL)),
    F_STR("resourceClaimName", "An existing ResourceClaim."),
    F_STR("resourceClaimTemplateName", "A template to create the claim from."),
    F_END,
};
CUBE_TYPE(pod_resource_claim, "io.k8s.api.core.v1.PodResourceClaim", "A resource claim of the pod.",
          NULL, NULL);

static const json_t *array_find_name(const json_t *arr, const char *key, const char *name)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        const char *n = cube_json_str(x, key, NULL);
        if (n && !strcmp(n, name))
            return x;
    }
    return NULL;
}

static bool claim_template_named(const json_t *templates, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(templates, i, t)
    {
        const char *n = cube_json_str(t, "metadata", "name", NULL);
        if (n && !strcmp(n, name))
            return true;
    }
    return false;
}

static void pod_spec_validate(cube_schema_ctx_t *c, const char *path, const json_t *spec,
                              const json_t *old)
{
    static const char *const lists[] = {"initContainers", "containers"};
    const json_t *volumes = json_object_get(spec, "volumes");
    /* A StatefulSet's pods also get a volume per volumeClaimTemplate, named after it. */
    const json_t *claim_templates =
        !strcmp(c->r->kind, "StatefulSet")
            ? cube_json_path(c->obj, "spec", "volumeClaimTemplates", NULL)
            : NULL;
    size_t i;
    json_t *x;
    /* unique volume names */
    json_array_foreach(volumes, i, x)
    {
        const char *n = cube_json_str(x, "name", NULL);
        if (!n || !n[0])
            continue;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(n, cube_json_str(json_array_get(volumes, j), "name", NULL) ?: "")) {
                _cleanup_free_ char *vp = cube_schema_path(path, "volumes");
                _cleanup_free_ char *ip = cube_schema_path_index(vp, i);
                _cleanup_free_ char *np = cube_schema_path(ip, "name");
                cube_field_duplicate(c->fe, np, json_object_get(x, "name"));
                break;
            }
    }
    /* unique container names across init and regular containers; mounts name volumes */
    bool host_network = json_is_true(json_object_get(spec, "hostNetwork"));
    json_auto_t *host_ports = json_object();
    for (size_t l = 0; l < CUBE_ARRAY_SIZE(lists); l++) {
        const json_t *arr = json_object_get(spec, lists[l]);
        _cleanup_free_ char *lp = cube_schema_path(path, lists[l]);
        json_array_foreach(arr, i, x)
        {
            _cleanup_free_ char *cp = cube_schema_path_index(lp, i);
            const char *n = cube_json_str(x, "name", NULL);
            bool dup = false;
            if (n && n[0]) {
                for (size_t l2 = 0; l2 <= l && !dup; l2++) {
                    const json_t *arr2 = json_object_get(spec, lists[l2]);
                    size_t lim = l2 == l ? i : json_array_size(arr2);
                    for (size_t j = 0; j < lim && !dup; j++)
                        dup =
                            !strcmp(n, cube_json_str(json_array_get(arr2, j), "name", NULL) ?: "");
                }
            }
            if (dup) {
                _cleanup_free_ char *np = cube_schema_path(cp, "name");
                cube_field_duplicate(c->fe, np, json_object_get(x, "name"));
            }
            size_t k;
            json_t *m;
            json_array_foreach(json_object_get(x, "volumeMounts"), k, m)
            {
                const char *vn = cube_json_str(m, "name", NULL);
                if (!vn || !vn[0] || array_find_name(volumes, "name", vn) ||
                    claim_template_named(claim_templates, vn))
                    continue;
                _cleanup_free_ char *mp = cube_schema_path(cp, "volumeMounts");
                _cleanup_free_ char *ip = cube_schema_path_index(mp, k);
                _cleanup_free_ char *np = cube_schema_path(ip, "name");
                cube_field_errors_add(c->fe, "FieldValueNotFound", np, json_object_get(m, "name"),
                                      NULL);
            }
            json_array_foreach(json_object_get(x, "ports"), k, m)
            {
                json_int_t hp = json_integer_value(json_object_get(m, "hostPort"));
                json_int_t cport = json_integer_value(json_object_get(m, "containerPort"));
                _cleanup_free_ char *pp = cube_schema_path(cp, "ports");
                _cleanup_free_ char *ip = cube_schema_path_index(pp, k);
                _cleanup_free_ char *hpp = cube_schema_path(ip, "hostPort");
                if (host_network && hp && hp != cport)
                    cube_field_invalid(c->fe, hpp, json_object_get(m, "hostPort"),
                                       "must match `containerPort` when `hostNetwork` is true");
                if (!hp)
                    continue;
                const char *proto = cube_json_str(m, "protocol", NULL) ?: "TCP";
                _cleanup_free_ char *key = xasprintf("%" JSON_INTEGER_FORMAT "/%s", hp, proto);
                if (json_object_get(host_ports, key)) {
                    json_auto_t *kv = json_string(key);
                    cube_field_duplicate(c->fe, hpp, kv);
                } else {
                    json_object_set_new(host_ports, key, json_true());
                }
            }
        }
    }
    const char *dns = cube_json_str(spec, "dnsPolicy", NULL);
    if (dns && !strcmp(dns, "None") && !json_is_object(json_object_get(spec, "dnsConfig"))) {
        _cleanup_free_ char *p = cube_schema_path(path, "dnsConfig");
        cube_field_required(c->fe, p, "must provide `dnsConfig` when `dnsPolicy` is None");
    }
    _cleanup_free_ char *nsp = cube_schema_path(path, "nodeSelector");
    cube_schema_validate_labels(c->fe, nsp, json_object_get(spec, "nodeSelector"));
}

CUBE_FIELDS(pod_spec) = {
    F_AOBJ("volumes", volume, "Volumes containers can mount.", O_MERGE_RETAIN("name"),
           O_LMAP("name")),
    F_AOBJ("initContainers", container, "Containers run to completion before the others.",
           O_MERGE("name"), O_LMAP("name")),
    F_AOBJ("containers", container, "The pod's containers; at least one.", O_REQ, O_MERGE("name"),
           O_LMAP("name")),
    F_AOBJ("ephemeralContainers", ephemeral_container, "Debugging containers.", O_MERGE("name"),
           O_LMAP("name")),
    F_STR("restartPolicy", "Always, OnFailure or Never.", O_DEF("\"Always\""),
          O_ENUM("Always", "OnFailure", "Never")),
    F_I64("terminationGracePeriodSeconds", "Seconds between SIGTERM and SIGKILL.", O_DEF("30")),
    F_I64("activeDeadlineSeconds", "Seconds the pod may stay active.", O_FMT(POSITIVE)),
    F_STR("dnsPolicy", "ClusterFirst, ClusterFirstWithHostNet, Default or None.",
          O_DEF("\"ClusterFirst\""),
          O_ENUM("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")),
    F_MSTR("nodeSelector", "Labels a node must have."),
    F_STR("serviceAccountName", "Service account the pod runs as.", O_FMT(DNS1123_SUBDOMAIN)),
    F_STR("serviceAccount", "Deprecated alias of serviceAccountName."),
    F_BOOL("automountServiceAccountToken", "Mount the service account token."),
    F_STR("nodeName", "Node the pod is bound to."),
    F_BOOL("hostNetwork", "Use the host's network namespace."),
    F_BOOL("hostPID", "Use the host's PID namespace."),
    F_BOOL("hostIPC", "Use the host's IPC namespace."),
    F_BOOL("shareProcessNamespace", "One PID namespace for all containers."),
    F_OBJ("securityContext", pod_security_context, "Pod-level security settings.", O_DEF("{}")),
    F_AOBJ("imagePullSecrets", local_object_reference, "Secrets for pulling images.",
           O_MERGE("name"), O_LMAP("name")),
    F_STR("hostname", "Host name of the pod.", O_FMT(DNS1123_LABEL)),
    F_STR("subdomain", "Subdomain: <hostname>.<subdomain>.<ns>.svc.", O_FMT(DNS1123_LABEL)),
    F_OBJ("affinity", affinity, "Scheduling constraints."),
    F_STR("schedulerName", "Scheduler that places the pod.", O_DEF("\"default-scheduler\"")),
    F_AOBJ("tolerations", cube_schema_toleration, "Taints the pod tolerates.", O_ATOMIC),
    F_AOBJ("hostAliases", host_alias, "Extra /etc/hosts entries.", O_MERGE("ip"), O_LMAP("ip")),
    F_STR("priorityClassName", "Priority class of the pod.", O_FMT(DNS1123_SUBDOMAIN)),
    F_I32("priority", "Priority value, set from the class."),
    F_OBJ("dnsConfig", pod_dns_config, "DNS settings."),
    F_AOBJ("readinessGates", pod_readiness_gate, "Extra readiness conditions.", O_ATOMIC),
    F_STR("runtimeClassName", "RuntimeClass to run with."),
    F_BOOL("enableServiceLinks", "Inject service environment variables."),
    F_STR("preemptionPolicy", "PreemptLowerPriority or Never.",
          O_ENUM("Never", "PreemptLowerPriority")),
    F_MQTY("overhead", "Resource overhead of the runtime."),
    F_AOBJ("topologySpreadConstraints", topology_spread_constraint, "Spreading rules.",
           O_MERGE("topologyKey"), O_LMAP("topologyKey", "whenUnsatisfiable")),
    F_BOOL("setHostnameAsFQDN", "Host name is the FQDN."),
    F_OBJ("os", pod_os, "Operating system of the pod."),
    F_BOOL("hostUsers", "Use the host's user namespace."),
    F_AOBJ("schedulingGates", pod_scheduling_gate, "Gates holding scheduling.", O_MERGE("name"),
           O_LMAP("name")),
    F_AOBJ("resourceClaims", pod_resource_claim, "Dynamic resource claims.", O_MERGE_RETAIN("name"),
           O_LMAP("name")),
    F_OBJ("resources", resource_requirements, "Pod-level resources."),
    F_END,
};
static const cube_schema_type_t pod_spec = {"io.k8s.api.core.v1.PodSpec", "Desired state of a pod.",
                                            pod_spec_f, NULL, pod_spec_validate};

CUBE_FIELDS(cube_schema_pod_template_spec) = {
    F_OBJ("metadata", cube_schema_object_meta, "Metadata of created pods."),
    F_OBJ("spec", pod_spec, "Spec of created pods."),
    F_END,
};
CUBE_XTYPE(cube_schema_pod_template_spec, "io.k8s.api.core.v1.PodTemplateSpec",
           "What pods created from a template look like.", NULL, NULL);

/* ======================================================================= */
/* pod status and Pod                                                      */
/* ======================================================================= */

CUBE_FIELDS(pod_condition) = {
    F_STR("type", "Condition type.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastProbeTime", "Last time it was probed."),
    F_TIME("lastTransitionTime", "Last time the status changed."),
    F_STR("reason", "Reason in CamelCase."),
    F_STR("message", "Human-readable details."),
    F_I64("observedGeneration", "Generation it was set for."),
    F_END,
};
CUBE_TYPE(pod_condition, "io.k8s.api.core.v1.PodCondition", "A condition of a pod.", NULL, NULL);

CUBE_FIELDS(container_state_waiting) = {
    F_STR("reason", "Why it is waiting."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(container_state_waiting, "io.k8s.api.core.v1.ContainerStateWaiting", "Waiting.", NULL,
          NULL);

CUBE_FIELDS(container_state_running) = {
    F_TIME("startedAt", "When it started."),
    F_END,
};
CUBE_TYPE(container_state_running, "io.k8s.api.core.v1.ContainerStateRunning", "Running.", NULL,
          NULL);

CUBE_FIELDS(container_state_terminated) = {
    F_I32("exitCode", "Exit status."),       F_I32("signal", "Signal that ended it."),
    F_STR("reason", "Why it ended."),        F_STR("message", "Details."),
    F_TIME("startedAt", "When it started."), F_TIME("finishedAt", "When it ended."),
    F_STR("containerID", "Runtime ID."),     F_END,
};
CUBE_TYPE(container_state_terminated, "io.k8s.api.core.v1.ContainerStateTerminated", "Terminated.",
          NULL, NULL);

CUBE_FIELDS(container_state) = {
    F_OBJ("waiting", container_state_waiting, "Waiting details."),
    F_OBJ("running", container_state_running, "Running details."),
    F_OBJ("terminated", container_state_terminated, "Termination details."),
    F_END,
};
CUBE_TYPE(container_state, "io.k8s.api.core.v1.ContainerState", "State of a container.", NULL,
          NULL);

CUBE_FIELDS(container_status) = {
    F_STR("name", "Container name.", O_REQ),
    F_OBJ("state", container_state, "Current state."),
    F_OBJ("lastState", container_state, "Previous termination."),
    F_BOOL("ready", "Passed its readiness probe."),
    F_I32("restartCount", "Restarts so far."),
    F_STR("image", "Image it runs."),
    F_STR("imageID", "Image ID."),
    F_STR("containerID", "Runtime ID: <type>://<id>."),
    F_BOOL("started", "Passed its startup probe."),
    F_MQTY("allocatedResources", "Resources allocated by the node."),
    F_OBJ("resources", resource_requirements, "Resources applied."),
    F_AANY("volumeMounts", "Mounts as applied."),
    F_ANY("user", "Identity of the first process."),
    F_AANY("allocatedResourcesStatus", "Health of allocated resources."),
    F_STR("stopSignal", "Signal used to stop it."),
    F_END,
};
CUBE_TYPE(container_status, "io.k8s.api.core.v1.ContainerStatus", "Status of a container.", NULL,
          NULL);

CUBE_FIELDS(ip_entry) = {
    F_STR("ip", "The address.", O_REQ),
    F_END,
};
CUBE_TYPE(ip_entry, "io.k8s.api.core.v1.PodIP", "An IP address.", NULL, NULL);

CUBE_FIELDS(pod_status) = {
    F_STR("phase", "Pending, Running, Succeeded, Failed or Unknown."),
    F_AOBJ("conditions", pod_condition, "Current conditions.", O_MERGE("type"), O_LMAP("type")),
    F_STR("message", "Why the pod is in this state."),
    F_STR("reason", "Reason in CamelCase, e.g. Evicted."),
    F_STR("nominatedNodeName", "Node the pod may preempt on."),
    F_STR("hostIP", "IP of the node."),
    F_AOBJ("hostIPs", ip_entry, "IPs of the node.", O_ATOMIC),
    F_STR("podIP", "IP of the pod."),
    F_AOBJ("podIPs", ip_entry, "IPs of the pod.", O_MERGE("ip"), O_LMAP("ip")),
    F_TIME("startTime", "When the kubelet acknowledged the pod."),
    F_AOBJ("initContainerStatuses", container_status, "Init containers.", O_ATOMIC),
    F_AOBJ("containerStatuses", container_status, "Containers.", O_ATOMIC),
    F_STR("qosClass", "Guaranteed, Burstable or BestEffort."),
    F_AOBJ("ephemeralContainerStatuses", container_status, "Ephemeral containers.", O_ATOMIC),
    F_STR("resize", "Status of a resize."),
    F_AANY("resourceClaimStatuses", "Generated claims."),
    F_I64("observedGeneration", "Generation observed by the kubelet."),
    F_END,
};
CUBE_TYPE(pod_status, "io.k8s.api.core.v1.PodStatus", "Observed state of a pod.", NULL, NULL);

/* requests default to limits (pods only, not templates). */
static void requests_from_limits(json_t *containers)
{
    size_t i;
    json_t *c;
    json_array_foreach(containers, i, c)
    {
        json_t *res = json_object_get(c, "resources");
        json_t *lim = json_object_get(res, "limits");
        if (!json_is_object(lim))
            continue;
        json_t *req = cube_json_obj(res, "requests");
        const char *k;
        json_t *v;
        json_object_foreach(lim, k, v)
        {
            if (!json_object_get(req, k))
                json_object_set_new(req, k, json_deep_copy(v));
        }
    }
}

static void host_network_ports(json_t *containers)
{
    size_t i, j;
    json_t *c, *p;
    json_array_foreach(containers, i, c)
    {
        json_array_foreach(json_object_get(c, "ports"), j, p)
        {
            json_t *hp = json_object_get(p, "hostPort");
            if (!hp || (json_is_integer(hp) && json_integer_value(hp) == 0))
                json_object_set(p, "hostPort", json_object_get(p, "containerPort"));
        }
    }
}

/* SetDefaults_Pod, plus what the Priority admission plugin fills in for pods
   without a priority class. */
static void pod_defaults(json_t *pod)
{
    json_t *spec = json_object_get(pod, "spec");
    if (!json_is_object(spec))
        return;
    requests_from_limits(json_object_get(spec, "containers"));
    requests_from_limits(json_object_get(spec, "initContainers"));
    cube_json_set_default(spec, "enableServiceLinks", json_true());
    if (json_is_true(json_object_get(spec, "hostNetwork"))) {
        host_network_ports(json_object_get(spec, "containers"));
        host_network_ports(json_object_get(spec, "initContainers"));
    }
    const char *pcn = cube_json_str(spec, "priorityClassName", NULL);
    if (!pcn || !pcn[0]) {
        cube_json_set_default(spec, "priority", json_integer(0));
        cube_json_set_default(spec, "preemptionPolicy", json_string("PreemptLowerPriority"));
    }
}

/* Kubernetes' GetPodQOS. */
static const char *pod_qos(const json_t *spec)
{
    static const char *const lists[] = {"initContainers", "containers"};
    static const char *const compute[] = {"cpu", "memory"};
    bool best_effort = true, guaranteed = true;
    for (size_t l = 0; l < CUBE_ARRAY_SIZE(lists); l++) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(spec, lists[l]), i, c)
        {
            const json_t *req = cube_json_path(c, "resources", "requests", NULL);
            const json_t *lim = cube_json_path(c, "resources", "limits", NULL);
            size_t nlim = 0;
            for (size_t k = 0; k < 2; k++) {
                int64_t r = 0, q = 0;
                bool has_r =
                    cube_schema_quantity_milli(json_object_get(req, compute[k]), &r) && r != 0;
                bool has_l =
                    cube_schema_quantity_milli(json_object_get(lim, compute[k]), &q) && q != 0;
                if (has_r || has_l)
                    best_effort = false;
                if (has_l)
                    nlim++;
                if (has_r && (!has_l || r != q))
                    guaranteed = false;
            }
            if (nlim != 2)
                guaranteed = false;
        }
    }
    if (best_effort)
        return "BestEffort";
    return guaranteed ? "Guaranteed" : "Burstable";
}

static void pod_prepare(cube_api_op_t op, json_t *pod, const json_t *old)
{
    if (op != CUBE_OP_CREATE)
        return;
    json_t *spec = json_object_get(pod, "spec");
    json_t *st = cube_json_obj(pod, "status");
    json_object_set_new(st, "qosClass", json_string(pod_qos(spec)));
    if (json_array_size(json_object_get(spec, "schedulingGates")) > 0) {
        json_t *cond =
            json_pack("{s:s, s:s, s:n, s:n, s:s, s:s}", "type", "PodScheduled", "status", "False",
                      "lastProbeTime", "lastTransitionTime", "reason", "SchedulingGated", "message",
                      "Scheduling is blocked due to non-empty scheduling gates");
        json_object_set_new(st, "conditions", json_pack("[o]", cond));
    }
}

static const char pod_update_forbidden[] =
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
    "to 1 if it was previously negative)";

/* Copies containers[i].image of `from` into `to` where both have container i. */
static void copy_images(json_t *to, const json_t *from, const char *list)
{
    json_t *a = json_object_get(to, list);
    const json_t *b = json_object_get(from, list);
    if (!json_is_array(a) || !json_is_array(b) || json_array_size(a) != json_array_size(b))
        return;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *img = json_object_get(json_array_get(b, i), "image");
        if (json_is_object(json_array_get(a, i)) && img)
            json_object_set(json_array_get(a, i), "image", img);
    }
}

static void pod_validate(cube_schema_ctx_t *c, const json_t *pod, const json_t *old)
{
    if (c->op != CUBE_OP_UPDATE || !old)
        return;
    const json_t *spec = json_object_get(pod, "spec");
    const json_t *ospec = json_object_get(old, "spec");
    if (!json_is_object(spec) || !json_is_object(ospec))
        return;
    /* old spec with every field a pod update may change taken from the new one */
    json_auto_t *munged = json_deep_copy(ospec);
    copy_images(munged, spec, "containers");
    copy_images(munged, spec, "initContainers");
    static const char *const free_keys[] = {"activeDeadlineSeconds", "tolerations"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(free_keys); i++) {
        json_t *v = json_object_get(spec, free_keys[i]);
        if (v)
            json_object_set(munged, free_keys[i], v);
        else
            json_object_del(munged, free_keys[i]);
    }
    const json_t *otgp = json_object_get(ospec, "terminationGracePeriodSeconds");
    const json_t *ntgp = json_object_get(spec, "terminationGracePeriodSeconds");
    if (json_is_integer(otgp) && json_integer_value(otgp) < 0 && json_is_integer(ntgp) &&
        json_integer_value(ntgp) == 1)
        json_object_set(munged, "terminationGracePeriodSeconds", (json_t *)ntgp);
    if (!json_equal(munged, spec))
        cube_field_forbidden(c->fe, "spec", pod_update_forbidden);
    /* tolerations: only additions */
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(ospec, "tolerations"), i, t)
    {
        bool kept = false;
        size_t j;
        json_t *u;
        json_array_foreach(json_object_get(spec, "tolerations"), j, u)
        {
            kept = kept || json_equal(t, u);
        }
        if (!kept) {
            cube_field_forbidden(c->fe, "spec.tolerations",
                                 "existing toleration can not be modified except its "
                                 "tolerationSeconds");
            break;
        }
    }
}

CUBE_FIELDS(pod) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", pod_spec, "Desired state of the pod.", O_DEF("{}")),
    F_OBJ("status", pod_status, "Observed state of the pod."),
    F_END,
};
CUBE_TYPE(pod, "io.k8s.api.core.v1.Pod", "A group of containers run together on a node.",
          pod_defaults, NULL);

CUBE_FIELDS(pod_template) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("template", cube_schema_pod_template_spec, "The pod template."),
    F_END,
};
CUBE_TYPE(pod_template, "io.k8s.api.core.v1.PodTemplate", "A stored pod template.", NULL, NULL);

/* ======================================================================= */
/* Service and Endpoints                                                   */
/* ======================================================================= */

CUBE_FIELDS(service_port) = {
    F_STR("name", "Name of the port; required with several ports.", O_FMT(DNS1123_LABEL)),
    F_STR("protocol", "TCP, UDP or SCTP.", O_DEF("\"TCP\""), PROTOCOLS),
    F_STR("appProtocol", "Application protocol of the port."),
    F_I32("port", "Port the service exposes.", O_REQ, O_FMT(PORT)),
    F_IOS("targetPort", "Port (number or name) on the pods.", O_FMT(PORT_OR_NAME)),
    F_I32("nodePort", "Port on every node for NodePort and LoadBalancer.", O_FMT(PORT_OR_ZERO)),
    F_END,
};
CUBE_TYPE(service_port, "io.k8s.api.core.v1.ServicePort", "A port of a service.", NULL, NULL);

CUBE_FIELDS(client_ip_config) = {
    F_I32("timeoutSeconds", "Session stickiness time.", O_DEF("10800")),
    F_END,
};
CUBE_TYPE(client_ip_config, "io.k8s.api.core.v1.ClientIPConfig", "ClientIP affinity settings.",
          NULL, NULL);

CUBE_FIELDS(session_affinity_config) = {
    F_OBJ("clientIP", client_ip_config, "ClientIP settings."),
    F_END,
};
CUBE_TYPE(session_affinity_config, "io.k8s.api.core.v1.SessionAffinityConfig",
          "Session affinity settings.", NULL, NULL);

static const char *svc_type(const json_t *spec)
{
    const char *t = cube_json_str(spec, "type", NULL);
    return t && t[0] ? t : "ClusterIP";
}

/* SetDefaults_Service, plus the single-stack IP family the allocator sets. */
static void service_spec_defaults(json_t *spec)
{
    const char *type = svc_type(spec);
    bool ext_name = !strcmp(type, "ExternalName");
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(spec, "ports"), i, p)
    {
        json_t *tp = json_object_get(p, "targetPort");
        bool zero = !tp || json_is_null(tp) || (json_is_integer(tp) && !json_integer_value(tp)) ||
                    (json_is_string(tp) && !json_string_value(tp)[0]);
        if (zero && json_object_get(p, "port"))
            json_object_set(p, "targetPort", json_object_get(p, "port"));
    }
    const char *aff = cube_json_str(spec, "sessionAffinity", NULL);
    if (aff && !strcmp(aff, "ClientIP"))
        cube_json_set_default(spec, "sessionAffinityConfig", json_pack("{s:{}}", "clientIP"));
    if (!strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer"))
        cube_json_set_default(spec, "externalTrafficPolicy", json_string("Cluster"));
    if (!strcmp(type, "LoadBalancer"))
        cube_json_set_default(spec, "allocateLoadBalancerNodePorts", json_true());
    if (!ext_name) {
        cube_json_set_default(spec, "internalTrafficPolicy", json_string("Cluster"));
        cube_json_set_default(spec, "ipFamilyPolicy", json_string("SingleStack"));
        cube_json_set_default(spec, "ipFamilies", json_pack("[s]", "IPv4"));
    }
}

static bool valid_ip(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static void service_spec_validate(cube_schema_ctx_t *c, const char *path, const json_t *spec,
                                  const json_t *old)
{
    const char *type = svc_type(spec);
    const char *cip = cube_json_str(spec, "clusterIP", NULL);
    bool headless = cip && !strcmp(cip, "None");
    bool ext_name = !strcmp(type, "ExternalName");
    const json_t *ports = json_object_get(spec, "ports");
    if (json_array_size(ports) == 0 && !headless && !ext_name) {
        _cleanup_free_ char *p = cube_schema_path(path, "ports");
        cube_field_required(c->fe, p, NULL);
    }
    if (ext_name) {
        const char *en = cube_json_str(spec, "externalName", NULL);
        _cleanup_free_ char *p = cube_schema_path(path, "externalName");
        if (!en || !en[0])
            cube_field_required(c->fe, p, NULL);
        else
            cube_schema_invalid_msgs(c->fe, p, json_object_get(spec, "externalName"),
                                     cube_name_dns1123_subdomain(en));
    }
    if (cip && cip[0] && !headless && !valid_ip(cip)) {
        _cleanup_free_ char *p = cube_schema_path(path, "clusterIPs[0]");
        cube_field_invalid(c->fe, p, json_object_get(spec, "clusterIP"),
                           "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    }
    size_t i;
    json_t *p;
    _cleanup_free_ char *pp = cube_schema_path(path, "ports");
    json_array_foreach(ports, i, p)
    {
        _cleanup_free_ char *ip = cube_schema_path_index(pp, i);
        const char *name = cube_json_str(p, "name", NULL);
        if (json_array_size(ports) > 1 && (!name || !name[0])) {
            _cleanup_free_ char *np = cube_schema_path(ip, "name");
            cube_field_required(c->fe, np, NULL);
        } else if (name && name[0]) {
            for (size_t j = 0; j < i; j++)
                if (!strcmp(name, cube_json_str(json_array_get(ports, j), "name", NULL) ?: "")) {
                    _cleanup_free_ char *np = cube_schema_path(ip, "name");
                    cube_field_duplicate(c->fe, np, json_object_get(p, "name"));
                    break;
                }
        }
        json_t *np = json_object_get(p, "nodePort");
        if (!strcmp(type, "ClusterIP") && json_is_integer(np) && json_integer_value(np)) {
            _cleanup_free_ char *npp = cube_schema_path(ip, "nodePort");
            cube_field_forbidden(c->fe, npp, "may not be used when `type` is 'ClusterIP'");
        }
    }
    _cleanup_free_ char *sp = cube_schema_path(path, "selector");
    cube_schema_validate_labels(c->fe, sp, json_object_get(spec, "selector"));
}

CUBE_FIELDS(service_spec) = {
    F_AOBJ("ports", service_port, "Ports the service exposes.", O_MERGE("port"),
           O_LMAP("port", "protocol")),
    F_MSTR("selector", "Pods with these labels back the service."),
    F_STR("clusterIP", "Virtual IP; None for a headless service."),
    F_ASTR("clusterIPs", "Virtual IPs, one per family.", O_ATOMIC),
    F_STR("type", "ClusterIP, NodePort, LoadBalancer or ExternalName.", O_DEF("\"ClusterIP\""),
          O_ENUM("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")),
    F_ASTR("externalIPs", "Extra IPs nodes accept traffic for.", O_ATOMIC),
    F_STR("sessionAffinity", "ClientIP or None.", O_DEF("\"None\""), O_ENUM("ClientIP", "None")),
    F_STR("loadBalancerIP", "Deprecated requested load balancer IP."),
    F_ASTR("loadBalancerSourceRanges", "Client ranges allowed.", O_ATOMIC),
    F_STR("externalName", "DNS name for ExternalName services."),
    F_STR("externalTrafficPolicy", "Cluster or Local.", O_ENUM("Cluster", "Local")),
    F_I32("healthCheckNodePort", "Health check port for Local traffic policy."),
    F_BOOL("publishNotReadyAddresses", "Publish endpoints of unready pods."),
    F_OBJ("sessionAffinityConfig", session_affinity_config, "Session affinity settings."),
    F_ASTR("ipFamilies", "IPv4 and/or IPv6.", O_ATOMIC),
    F_STR("ipFamilyPolicy", "SingleStack, PreferDualStack or RequireDualStack.",
          O_ENUM("SingleStack", "PreferDualStack", "RequireDualStack")),
    F_BOOL("allocateLoadBalancerNodePorts", "Allocate node ports for load balancers."),
    F_STR("loadBalancerClass", "Load balancer implementation."),
    F_STR("internalTrafficPolicy", "Cluster or Local.", O_ENUM("Cluster", "Local")),
    F_STR("trafficDistribution", "Preference for routing, e.g. PreferClose."),
    F_END,
};
CUBE_TYPE(service_spec, "io.k8s.api.core.v1.ServiceSpec", "Desired state of a service.",
          service_spec_defaults, service_spec_validate);

CUBE_FIELDS(port_status) = {
    F_I32("port", "Port number.", O_REQ),
    F_STR("protocol", "TCP, UDP or SCTP.", O_REQ),
    F_STR("error", "Problem with this port."),
    F_END,
};
CUBE_TYPE(port_status, "io.k8s.api.core.v1.PortStatus", "Status of a port.", NULL, NULL);

CUBE_FIELDS(lb_ingress) = {
    F_STR("ip", "IP of the load balancer."),
    F_STR("hostname", "Host name of the load balancer."),
    F_STR("ipMode", "VIP or Proxy."),
    F_AOBJ("ports", port_status, "Port statuses.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(lb_ingress, "io.k8s.api.core.v1.LoadBalancerIngress", "A load balancer endpoint.", NULL,
          NULL);

CUBE_FIELDS(cube_schema_load_balancer_status) = {
    F_AOBJ("ingress", lb_ingress, "Load balancer endpoints.", O_ATOMIC),
    F_END,
};
CUBE_XTYPE(cube_schema_load_balancer_status, "io.k8s.api.core.v1.LoadBalancerStatus",
           "Status of a load balancer.", NULL, NULL);

CUBE_FIELDS(service_status) = {
    F_OBJ("loadBalancer", cube_schema_load_balancer_status, "Load balancer status."),
    F_AOBJ("conditions", cube_schema_condition, "Current conditions.", O_MERGE("type"),
           O_LMAP("type")),
    F_END,
};
CUBE_TYPE(service_status, "io.k8s.api.core.v1.ServiceStatus", "Observed state of a service.", NULL,
          NULL);

/* Values a PUT may omit that the allocators own: kept from old (patchAllocatedValues). */
static void service_prepare(cube_api_op_t op, json_t *svc, const json_t *old)
{
    if (op != CUBE_OP_UPDATE || !old)
        return;
    json_t *spec = json_object_get(svc, "spec");
    const json_t *ospec = json_object_get(old, "spec");
    if (!json_is_object(spec) || !json_is_object(ospec))
        return;
    if (!strcmp(svc_type(spec), "ExternalName") || !strcmp(svc_type(ospec), "ExternalName"))
        return;
    const char *cip = cube_json_str(spec, "clusterIP", NULL);
    if (!cip || !cip[0]) {
        static const char *const keys[] = {"clusterIP", "clusterIPs"};
        for (size_t i = 0; i < 2; i++)
            if (json_object_get(ospec, keys[i]))
                json_object_set_new(spec, keys[i], json_deep_copy(json_object_get(ospec, keys[i])));
    } else if (!json_object_get(spec, "clusterIPs") && json_object_get(ospec, "clusterIPs")) {
        json_object_set_new(spec, "clusterIPs", json_pack("[s]", cip));
    }
    size_t i, j;
    json_t *p, *op2;
    json_array_foreach(json_object_get(spec, "ports"), i, p)
    {
        json_t *np = json_object_get(p, "nodePort");
        if (np && !(json_is_integer(np) && json_integer_value(np) == 0))
            continue;
        json_array_foreach(json_object_get(ospec, "ports"), j, op2)
        {
            if (json_equal(json_object_get(p, "port"), json_object_get(op2, "port")) &&
                json_object_get(op2, "nodePort")) {
                json_object_set(p, "nodePort", json_object_get(op2, "nodePort"));
                break;
            }
        }
    }
    if (!json_object_get(spec, "healthCheckNodePort") &&
        json_object_get(ospec, "healthCheckNodePort"))
        json_object_set(spec, "healthCheckNodePort", json_object_get(ospec, "healthCheckNodePort"));
}

static void service_validate(cube_schema_ctx_t *c, const json_t *svc, const json_t *old)
{
    if (c->op != CUBE_OP_UPDATE || !old)
        return;
    const json_t *spec = json_object_get(svc, "spec"), *ospec = json_object_get(old, "spec");
    if (!strcmp(svc_type(spec), "ExternalName") || !strcmp(svc_type(ospec), "ExternalName"))
        return;
    const char *a = cube_json_str(spec, "clusterIP", NULL);
    const char *b = cube_json_str(ospec, "clusterIP", NULL);
    if (a && b && a[0] && b[0] && strcmp(a, b)) {
        const json_t *ips = json_object_get(spec, "clusterIPs");
        json_auto_t *v = json_is_array(ips) ? json_incref((json_t *)ips) : json_pack("[s]", a);
        cube_field_invalid(c->fe, "spec.clusterIPs[0]", v, "may not change once set");
    }
}

CUBE_FIELDS(service) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", service_spec, "Desired state of the service.", O_DEF("{}")),
    F_OBJ("status", service_status, "Observed state of the service."),
    F_END,
};
CUBE_TYPE(service, "io.k8s.api.core.v1.Service",
          "A named abstraction of pods with a virtual IP and ports.", NULL, NULL);

CUBE_FIELDS(endpoint_address) = {
    F_STR("ip", "IP of the endpoint.", O_REQ),
    F_STR("hostname", "Host name of the endpoint."),
    F_STR("nodeName", "Node hosting the endpoint."),
    F_OBJ("targetRef", cube_schema_object_reference, "Object providing the endpoint."),
    F_END,
};
CUBE_TYPE(endpoint_address, "io.k8s.api.core.v1.EndpointAddress", "One endpoint address.", NULL,
          NULL);

CUBE_FIELDS(endpoint_port) = {
    F_STR("name", "Name of the port; matches the service port.", O_FMT(DNS1123_LABEL)),
    F_I32("port", "Port number.", O_REQ, O_FMT(PORT)),
    F_STR("protocol", "TCP, UDP or SCTP.", O_DEF("\"TCP\""), PROTOCOLS),
    F_STR("appProtocol", "Application protocol."),
    F_END,
};
CUBE_TYPE(endpoint_port, "io.k8s.api.core.v1.EndpointPort", "A port of endpoints.", NULL, NULL);

CUBE_FIELDS(endpoint_subset) = {
    F_AOBJ("addresses", endpoint_address, "Ready addresses.", O_ATOMIC),
    F_AOBJ("notReadyAddresses", endpoint_address, "Addresses not ready yet.", O_ATOMIC),
    F_AOBJ("ports", endpoint_port, "Ports of all addresses.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(endpoint_subset, "io.k8s.api.core.v1.EndpointSubset", "Addresses sharing ports.", NULL,
          NULL);

CUBE_FIELDS(endpoints) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_AOBJ("subsets", endpoint_subset, "Address and port sets.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(endpoints, "io.k8s.api.core.v1.Endpoints", "The endpoints of a service.", NULL, NULL);

/* ======================================================================= */
/* ConfigMap, Secret, ServiceAccount                                       */
/* ======================================================================= */

#define MAX_DATA_SIZE (1024 * 1024)

/* Keys of configmaps and secrets: [-._a-zA-Z0-9]+, at most 253, not . or .. */
static void validate_data_keys(cube_schema_ctx_t *c, const char *field, const json_t *data,
                               size_t *total, bool bytes)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)data, k, v)
    {
        _cleanup_free_ char *p = cube_schema_path_key(field, k);
        json_auto_t *kv = json_string(k);
        bool ok = k[0] != '\0';
        for (const char *s = k; *s && ok; s++)
            ok = isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == '.';
        if (strlen(k) > 253)
            cube_field_invalid(c->fe, p, kv, "must be no more than 253 characters");
        if (!ok)
            cube_field_invalid(c->fe, p, kv,
                               "a valid config key must consist of alphanumeric characters, '-', "
                               "'_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', "
                               "regex used for validation is '[-._a-zA-Z0-9]+')");
        if (!strcmp(k, "."))
            cube_field_invalid(c->fe, p, kv, "must not be '.'");
        else if (!strcmp(k, ".."))
            cube_field_invalid(c->fe, p, kv, "must not be '..'");
        else if (!strncmp(k, "..", 2))
            cube_field_invalid(c->fe, p, kv, "must not start with '..'");
        if (json_is_string(v))
            *total += bytes ? strlen(json_string_value(v)) / 4 * 3 : strlen(json_string_value(v));
    }
}

static void immutable_data(cube_schema_ctx_t *c, const json_t *obj, const json_t *old,
                           const char *const *keys, size_t nkeys)
{
    if (c->op != CUBE_OP_UPDATE || !old || !json_is_true(json_object_get(old, "immutable")))
        return;
    if (!json_is_true(json_object_get(obj, "immutable")))
        cube_field_forbidden(c->fe, "immutable", "field is immutable when `immutable` is set");
    for (size_t i = 0; i < nkeys; i++) {
        const json_t *a = json_object_get(obj, keys[i]), *b = json_object_get(old, keys[i]);
        bool ea = !a || json_is_null(a) || (json_is_object(a) && !json_object_size(a));
        bool eb = !b || json_is_null(b) || (json_is_object(b) && !json_object_size(b));
        if ((ea && eb) || (a && b && json_equal(a, b)))
            continue;
        cube_field_forbidden(c->fe, keys[i], "field is immutable when `immutable` is set");
    }
}

static void config_map_validate(cube_schema_ctx_t *c, const json_t *cm, const json_t *old)
{
    size_t total = 0;
    const json_t *data = json_object_get(cm, "data"), *bin = json_object_get(cm, "binaryData");
    if (json_is_object(data))
        validate_data_keys(c, "data", data, &total, false);
    if (json_is_object(bin))
        validate_data_keys(c, "binaryData", bin, &total, true);
    const char *k;
    json_t *v;
    if (json_is_object(data) && json_is_object(bin))
        json_object_foreach((json_t *)data, k, v)
        {
            if (!json_object_get(bin, k))
                continue;
            _cleanup_free_ char *p = cube_schema_path_key("data", k);
            json_auto_t *kv = json_string(k);
            cube_field_invalid(c->fe, p, kv, "duplicate of key present in binaryData");
        }
    if (total > MAX_DATA_SIZE) {
        char d[64];
        snprintf(d, sizeof(d), "may not be more than %d bytes", MAX_DATA_SIZE);
        cube_field_errors_add_rendered(c->fe, "FieldValueTooLong", "", NULL, d);
    }
    static const char *const keys[] = {"data", "binaryData"};
    immutable_data(c, cm, old, keys, 2);
}

CUBE_FIELDS(config_map) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_BOOL("immutable", "Data can no longer change once true."),
    F_MSTR("data", "UTF-8 configuration data."),
    F_MBYTES("binaryData", "Binary configuration data, base64."),
    F_END,
};
CUBE_TYPE(config_map, "io.k8s.api.core.v1.ConfigMap", "Non-confidential configuration data.", NULL,
          NULL);

static char *base64_encode(const unsigned char *s, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        *o++ = tab[(v >> 18) & 63];
        *o++ = tab[(v >> 12) & 63];
        *o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* stringData is write-only: it is merged into data (base64) on decode. */
static void secret_defaults(json_t *s)
{
    json_t *sd = json_object_get(s, "stringData");
    if (json_is_object(sd)) {
        json_t *data = cube_json_obj(s, "data");
        const char *k;
        json_t *v;
        json_object_foreach(sd, k, v)
        {
            if (!json_is_string(v))
                continue;
            _cleanup_free_ char *b =
                base64_encode((const unsigned char *)json_string_value(v), json_string_length(v));
            json_object_set_new(data, k, json_string(b));
        }
    }
    json_object_del(s, "stringData");
}

static void secret_validate(cube_schema_ctx_t *c, const json_t *s, const json_t *old)
{
    size_t total = 0;
    const json_t *data = json_object_get(s, "data");
    if (json_is_object(data))
        validate_data_keys(c, "data", data, &total, true);
    if (total > MAX_DATA_SIZE) {
        char d[64];
        snprintf(d, sizeof(d), "may not be more than %d bytes", MAX_DATA_SIZE);
        cube_field_errors_add_rendered(c->fe, "FieldValueTooLong", "data", NULL, d);
    }
    const char *type = cube_json_str(s, "type", NULL);
    static const struct {
        const char *type;
        const char *keys[2];
    } required[] = {
        {"kubernetes.io/dockerconfigjson", {".dockerconfigjson"}},
        {"kubernetes.io/dockercfg", {".dockercfg"}},
        {"kubernetes.io/tls", {"tls.crt", "tls.key"}},
        {"kubernetes.io/ssh-auth", {"ssh-privatekey"}},
    };
    for (size_t i = 0; type && i < CUBE_ARRAY_SIZE(required); i++) {
        if (strcmp(type, required[i].type))
            continue;
        for (size_t k = 0; k < 2 && required[i].keys[k]; k++)
            if (!json_object_get(data, required[i].keys[k])) {
                _cleanup_free_ char *p = cube_schema_path_key("data", required[i].keys[k]);
                cube_field_required(c->fe, p, NULL);
            }
    }
    if (type && !strcmp(type, "kubernetes.io/service-account-token") &&
        !cube_json_str(s, "metadata", "annotations", "kubernetes.io/service-account.name", NULL))
        cube_field_required(c->fe, "metadata.annotations[kubernetes.io/service-account.name]",
                            NULL);
    if (type && !strcmp(type, "kubernetes.io/basic-auth") && !json_object_get(data, "username") &&
        !json_object_get(data, "password"))
        cube_field_required(c->fe, "data[username]", NULL);
    static const char *const keys[] = {"data"};
    immutable_data(c, s, old, keys, 1);
}

CUBE_FIELDS(secret) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_BOOL("immutable", "Data can no longer change once true."),
    F_MBYTES("data", "Secret data, base64.", .flags = CUBE_SFL_SECRET),
    F_MSTR("stringData", "Write-only plain-text data merged into data."),
    F_STR("type", "Type of the secret, e.g. Opaque or kubernetes.io/tls.", O_DEF("\"Opaque\""),
          O_IMM),
    F_END,
};
CUBE_TYPE(secret, "io.k8s.api.core.v1.Secret", "Confidential data.", secret_defaults, NULL);

CUBE_FIELDS(service_account) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_AOBJ("secrets", cube_schema_object_reference, "Secrets pods may use.", O_MERGE("name")),
    F_AOBJ("imagePullSecrets", local_object_reference, "Secrets for pulling images.", O_ATOMIC),
    F_BOOL("automountServiceAccountToken", "Mount the token into pods by default."),
    F_END,
};
CUBE_TYPE(service_account, "io.k8s.api.core.v1.ServiceAccount",
          "An identity for processes in pods.", NULL, NULL);

/* ======================================================================= */
/* Namespace, Node                                                         */
/* ======================================================================= */

CUBE_FIELDS(namespace_spec) = {
    F_ASTR("finalizers", "What must run before the namespace is removed.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(namespace_spec, "io.k8s.api.core.v1.NamespaceSpec", "Desired state of a namespace.", NULL,
          NULL);

CUBE_FIELDS(namespace_condition) = {
    F_STR("type", "Condition type.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastTransitionTime", "Last change."),
    F_STR("reason", "Reason."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(namespace_condition, "io.k8s.api.core.v1.NamespaceCondition",
          "A condition of a namespace.", NULL, NULL);

CUBE_FIELDS(namespace_status) = {
    F_STR("phase", "Active or Terminating.", O_DEF("\"Active\""), O_ENUM("Active", "Terminating")),
    F_AOBJ("conditions", namespace_condition, "Current conditions.", O_MERGE("type"),
           O_LMAP("type")),
    F_END,
};
CUBE_TYPE(namespace_status, "io.k8s.api.core.v1.NamespaceStatus", "Observed state of a namespace.",
          NULL, NULL);

/* The immutable kubernetes.io/metadata.name label (SetDefaults_Namespace). */
static void namespace_defaults(json_t *ns)
{
    const char *name = cube_json_str(ns, "metadata", "name", NULL);
    if (!name || !name[0])
        return;
    json_t *labels = cube_json_obj(cube_json_obj(ns, "metadata"), "labels");
    json_object_set_new(labels, "kubernetes.io/metadata.name", json_string(name));
}

static void namespace_prepare(cube_api_op_t op, json_t *ns, const json_t *old)
{
    json_t *spec = cube_json_obj(ns, "spec");
    if (op == CUBE_OP_CREATE) {
        json_t *fin = json_object_get(spec, "finalizers");
        bool has = false;
        size_t i;
        json_t *x;
        json_array_foreach(fin, i, x)
        {
            has = has || (json_is_string(x) && !strcmp(json_string_value(x), "kubernetes"));
        }
        if (!json_is_array(fin)) {
            fin = json_array();
            json_object_set_new(spec, "finalizers", fin);
        }
        if (!has)
            json_array_append_new(fin, json_string("kubernetes"));
    } else if (op == CUBE_OP_UPDATE && old) {
        /* finalizers change only through /finalize */
        json_t *of = cube_json_path(old, "spec", "finalizers", NULL);
        if (of)
            json_object_set_new(spec, "finalizers", json_deep_copy(of));
        else
            json_object_del(spec, "finalizers");
    }
}

CUBE_FIELDS(namespace) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", namespace_spec, "Desired state of the namespace."),
    F_OBJ("status", namespace_status, "Observed state of the namespace.", O_DEF("{}")),
    F_END,
};
CUBE_TYPE(namespace, "io.k8s.api.core.v1.Namespace", "A scope for names.", namespace_defaults,
          NULL);

CUBE_FIELDS(taint) = {
    F_STR("key", "Taint key.", O_REQ, O_FMT(QUALIFIED_NAME)),
    F_STR("value", "Taint value.", O_FMT(LABEL_VALUE)),
    F_STR("effect", "NoSchedule, PreferNoSchedule or NoExecute.", O_REQ,
          O_ENUM("NoSchedule", "PreferNoSchedule", "NoExecute")),
    F_TIME("timeAdded", "When a NoExecute taint was added."),
    F_END,
};
CUBE_TYPE(taint, "io.k8s.api.core.v1.Taint", "Repels pods that do not tolerate it.", NULL, NULL);

CUBE_FIELDS(node_spec) = {
    F_STR("podCIDR", "Pod IP range of the node."),
    F_ASTR("podCIDRs", "Pod IP ranges, one per family.", .patch_strategy = "merge", O_SET),
    F_STR("providerID", "Cloud provider's ID of the node."),
    F_BOOL("unschedulable", "No new pods are scheduled here."),
    F_AOBJ("taints", taint, "Taints of the node.", O_ATOMIC),
    F_ANY("configSource", "Deprecated dynamic kubelet config."),
    F_STR("externalID", "Deprecated."),
    F_END,
};
CUBE_TYPE(node_spec, "io.k8s.api.core.v1.NodeSpec", "Desired state of a node.", NULL, NULL);

CUBE_FIELDS(node_condition) = {
    F_STR("type", "Ready, MemoryPressure, DiskPressure, PIDPressure, ...", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastHeartbeatTime", "Last heartbeat."),
    F_TIME("lastTransitionTime", "Last change."),
    F_STR("reason", "Reason."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(node_condition, "io.k8s.api.core.v1.NodeCondition", "A condition of a node.", NULL, NULL);

CUBE_FIELDS(node_address) = {
    F_STR("type", "Hostname, InternalIP, ExternalIP, ...", O_REQ),
    F_STR("address", "The address.", O_REQ),
    F_END,
};
CUBE_TYPE(node_address, "io.k8s.api.core.v1.NodeAddress", "An address of a node.", NULL, NULL);

CUBE_FIELDS(daemon_endpoint) = {
    F_I32("Port", "Port number.", O_REQ),
    F_END,
};
CUBE_TYPE(daemon_endpoint, "io.k8s.api.core.v1.DaemonEndpoint", "A port of a node daemon.", NULL,
          NULL);

CUBE_FIELDS(node_daemon_endpoints) = {
    F_OBJ("kubeletEndpoint", daemon_endpoint, "The kubelet's port."),
    F_END,
};
CUBE_TYPE(node_daemon_endpoints, "io.k8s.api.core.v1.NodeDaemonEndpoints",
          "Ports of the node's daemons.", NULL, NULL);

CUBE_FIELDS(node_system_info) = {
    F_STR("machineID", "Machine ID."),
    F_STR("systemUUID", "System UUID."),
    F_STR("bootID", "Boot ID."),
    F_STR("kernelVersion", "Kernel version."),
    F_STR("osImage", "OS image."),
    F_STR("containerRuntimeVersion", "Runtime and version."),
    F_STR("kubeletVersion", "Kubelet version."),
    F_STR("kubeProxyVersion", "Deprecated."),
    F_STR("operatingSystem", "Operating system."),
    F_STR("architecture", "CPU architecture."),
    F_END,
};
CUBE_TYPE(node_system_info, "io.k8s.api.core.v1.NodeSystemInfo", "What the node runs.", NULL, NULL);

CUBE_FIELDS(container_image) = {
    F_ASTR("names", "Names of the image.", O_ATOMIC),
    F_I64("sizeBytes", "Size of the image."),
    F_END,
};
CUBE_TYPE(container_image, "io.k8s.api.core.v1.ContainerImage", "An image on the node.", NULL,
          NULL);

CUBE_FIELDS(attached_volume) = {
    F_STR("name", "Name of the volume.", O_REQ),
    F_STR("devicePath", "Where it is attached.", O_REQ),
    F_END,
};
CUBE_TYPE(attached_volume, "io.k8s.api.core.v1.AttachedVolume", "An attached volume.", NULL, NULL);

/* Allocatable defaults to capacity (SetDefaults_NodeStatus). */
static void node_status_defaults(json_t *st)
{
    json_t *cap = json_object_get(st, "capacity");
    if (json_is_object(cap) && !json_object_get(st, "allocatable"))
        json_object_set_new(st, "allocatable", json_deep_copy(cap));
}

CUBE_FIELDS(node_status) = {
    F_MQTY("capacity", "Total resources of the node."),
    F_MQTY("allocatable", "Resources available to pods."),
    F_STR("phase", "Deprecated."),
    F_AOBJ("conditions", node_condition, "Current conditions.", O_MERGE("type"), O_LMAP("type")),
    F_AOBJ("addresses", node_address, "Addresses of the node.", O_MERGE("type"), O_LMAP("type")),
    F_OBJ("daemonEndpoints", node_daemon_endpoints, "Daemon ports."),
    F_OBJ("nodeInfo", node_system_info, "System information."),
    F_AOBJ("images", container_image, "Images on the node.", O_ATOMIC),
    F_ASTR("volumesInUse", "Volumes in use.", O_ATOMIC),
    F_AOBJ("volumesAttached", attached_volume, "Volumes attached.", O_ATOMIC),
    F_ANY("config", "Deprecated dynamic config status."),
    F_AANY("runtimeHandlers", "Runtime handlers available.", O_ATOMIC),
    F_ANY("features", "Features the node supports."),
    F_END,
};
CUBE_TYPE(node_status, "io.k8s.api.core.v1.NodeStatus", "Observed state of a node.",
          node_status_defaults, NULL);

CUBE_FIELDS(node) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", node_spec, "Desired state of the node."),
    F_OBJ("status", node_status, "Observed state of the node."),
    F_END,
};
CUBE_TYPE(node, "io.k8s.api.core.v1.Node", "A worker machine.", NULL, NULL);

/* ======================================================================= */
/* Event                                                                   */
/* ======================================================================= */

CUBE_FIELDS(event_series) = {
    F_I32("count", "Occurrences so far."),
    F_MTIME("lastObservedTime", "Last occurrence."),
    F_END,
};
CUBE_TYPE(event_series, "io.k8s.api.core.v1.EventSeries", "A series of repeated events.", NULL,
          NULL);

CUBE_FIELDS(event) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("involvedObject", cube_schema_object_reference, "Object the event is about.",
          O_DEF("{}")),
    F_STR("reason", "Short machine-readable reason."),
    F_STR("message", "Human-readable description."),
    F_OBJ("source", cube_schema_event_source, "Component reporting the event.", O_DEF("{}")),
    F_TIME("firstTimestamp", "First occurrence."),
    F_TIME("lastTimestamp", "Latest occurrence."),
    F_I32("count", "Occurrences."),
    F_STR("type", "Normal or Warning."),
    F_MTIME("eventTime", "When the event was first observed."),
    F_OBJ("series", event_series, "Series data."),
    F_STR("action", "What was done."),
    F_OBJ("related", cube_schema_object_reference, "A secondary object."),
    F_STR("reportingComponent", "Controller that emitted it."),
    F_STR("reportingInstance", "Instance of that controller."),
    F_END,
};
CUBE_TYPE(event, "io.k8s.api.core.v1.Event", "A report of something that happened.", NULL, NULL);

/* ======================================================================= */
/* ReplicationController, LimitRange, ResourceQuota                       */
/* ======================================================================= */

/* Selector and labels default to the template's labels (SetDefaults_ReplicationController). */
static void rc_defaults(json_t *rc)
{
    json_t *spec = json_object_get(rc, "spec");
    if (!json_is_object(spec))
        return;
    json_t *tl = cube_json_path(spec, "template", "metadata", "labels", NULL);
    if (json_is_object(tl) && json_object_size(tl)) {
        json_t *sel = json_object_get(spec, "selector");
        if (!json_is_object(sel) || !json_object_size(sel))
            json_object_set_new(spec, "selector", json_deep_copy(tl));
        json_t *meta = cube_json_obj(rc, "metadata");
        json_t *l = json_object_get(meta, "labels");
        if (!json_is_object(l) || !json_object_size(l))
            json_object_set_new(meta, "labels", json_deep_copy(tl));
    }
    cube_json_set_default(spec, "replicas", json_integer(1));
}

static void rc_validate(cube_schema_ctx_t *c, const json_t *rc, const json_t *old)
{
    const json_t *spec = json_object_get(rc, "spec");
    const json_t *sel = json_object_get(spec, "selector");
    const json_t *tl = cube_json_path(spec, "template", "metadata", "labels", NULL);
    if (!json_is_object(sel) || !json_object_size(sel)) {
        cube_field_required(c->fe, "spec.selector", NULL);
        return;
    }
    cube_schema_validate_labels(c->fe, "spec.selector", sel);
    const char *k;
    json_t *v;
    bool match = json_is_object(tl);
    json_object_foreach((json_t *)sel, k, v)
    {
        match = match && json_equal(v, json_object_get(tl, k));
    }
    if (json_is_object(json_object_get(spec, "template")) && !match) {
        _cleanup_free_ char *r =
            json_is_object(tl) ? cube_schema_render_value(tl) : xstrdup("map[string]string(nil)");
        cube_field_errors_add_rendered(c->fe, "FieldValueInvalid", "spec.template.metadata.labels",
                                       r, "`selector` does not match template `labels`");
    }
}

CUBE_FIELDS(rc_spec) = {
    F_I32("replicas", "Desired number of pods.", O_FMT(NONNEG)),
    F_I32("minReadySeconds", "Seconds a pod must be ready to count as available.", O_FMT(NONNEG)),
    F_MSTR("selector", "Labels of the pods it manages."),
    F_OBJ("template", cube_schema_pod_template_spec, "Pods it creates."),
    F_END,
};
CUBE_TYPE(rc_spec, "io.k8s.api.core.v1.ReplicationControllerSpec",
          "Desired state of a replication controller.", NULL, NULL);

CUBE_FIELDS(rc_condition) = {
    F_STR("type", "Condition type.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastTransitionTime", "Last change."),
    F_STR("reason", "Reason."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(rc_condition, "io.k8s.api.core.v1.ReplicationControllerCondition",
          "A condition of a replication controller.", NULL, NULL);

CUBE_FIELDS(rc_status) = {
    F_I32("replicas", "Current pods."),
    F_I32("fullyLabeledReplicas", "Pods with all the template's labels."),
    F_I32("readyReplicas", "Ready pods."),
    F_I32("availableReplicas", "Available pods."),
    F_I64("observedGeneration", "Generation observed."),
    F_AOBJ("conditions", rc_condition, "Conditions.", O_MERGE("type"), O_LMAP("type")),
    F_END,
};
CUBE_TYPE(rc_status, "io.k8s.api.core.v1.ReplicationControllerStatus",
          "Observed state of a replication controller.", NULL, NULL);

CUBE_FIELDS(replication_controller) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", rc_spec, "Desired state."),
    F_OBJ("status", rc_status, "Observed state."),
    F_END,
};
CUBE_TYPE(replication_controller, "io.k8s.api.core.v1.ReplicationController",
          "Keeps a number of pod replicas running (legacy).", rc_defaults, NULL);

static void merge_missing(json_t *dst, const json_t *src)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)src, k, v)
    {
        if (!json_object_get(dst, k))
            json_object_set_new(dst, k, json_deep_copy(v));
    }
}

/* SetDefaults_LimitRangeItem: for Container items, default from max, request from default/min. */
static void limit_range_item_defaults(json_t *it)
{
    const char *type = cube_json_str(it, "type", NULL);
    if (!type || strcmp(type, "Container"))
        return;
    json_auto_t *def = json_object(), *req = json_object();
    if (json_is_object(json_object_get(it, "default")))
        json_object_update(def, json_object_get(it, "default"));
    if (json_is_object(json_object_get(it, "defaultRequest")))
        json_object_update(req, json_object_get(it, "defaultRequest"));
    merge_missing(def, json_object_get(it, "max"));
    merge_missing(req, def);
    merge_missing(req, json_object_get(it, "min"));
    if (json_object_size(def))
        json_object_set(it, "default", def);
    if (json_object_size(req))
        json_object_set(it, "defaultRequest", req);
}

CUBE_FIELDS(limit_range_item) = {
    F_STR("type", "Pod, Container or PersistentVolumeClaim.", O_REQ),
    F_MQTY("max", "Maximum usage."),
    F_MQTY("min", "Minimum usage."),
    F_MQTY("default", "Default limits."),
    F_MQTY("defaultRequest", "Default requests."),
    F_MQTY("maxLimitRequestRatio", "Maximum limit/request ratio."),
    F_END,
};
CUBE_TYPE(limit_range_item, "io.k8s.api.core.v1.LimitRangeItem", "Limits of one kind.",
          limit_range_item_defaults, NULL);

CUBE_FIELDS(limit_range_spec) = {
    F_AOBJ("limits", limit_range_item, "The limits.", O_REQ, O_ATOMIC),
    F_END,
};
CUBE_TYPE(limit_range_spec, "io.k8s.api.core.v1.LimitRangeSpec", "Limits enforced.", NULL, NULL);

CUBE_FIELDS(limit_range) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", limit_range_spec, "The limits."),
    F_END,
};
CUBE_TYPE(limit_range, "io.k8s.api.core.v1.LimitRange",
          "Per-namespace resource limits and defaults.", NULL, NULL);

CUBE_FIELDS(scoped_resource_selector_requirement) = {
    F_STR("scopeName", "Scope the selector applies to.", O_REQ),
    F_STR("operator", "In, NotIn, Exists or DoesNotExist.", O_REQ),
    F_ASTR("values", "Values.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(scoped_resource_selector_requirement,
          "io.k8s.api.core.v1.ScopedResourceSelectorRequirement", "A scope requirement.", NULL,
          NULL);

CUBE_FIELDS(scope_selector) = {
    F_AOBJ("matchExpressions", scoped_resource_selector_requirement, "Requirements.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(scope_selector, "io.k8s.api.core.v1.ScopeSelector", "Scopes a quota applies to.", NULL,
          NULL);

CUBE_FIELDS(resource_quota_spec) = {
    F_MQTY("hard", "Hard limits per resource."),
    F_ASTR("scopes", "Scopes that must match.", O_ATOMIC),
    F_OBJ("scopeSelector", scope_selector, "Scope expressions."),
    F_END,
};
CUBE_TYPE(resource_quota_spec, "io.k8s.api.core.v1.ResourceQuotaSpec", "Desired quota.", NULL,
          NULL);

CUBE_FIELDS(resource_quota_status) = {
    F_MQTY("hard", "Enforced limits."),
    F_MQTY("used", "Current usage."),
    F_END,
};
CUBE_TYPE(resource_quota_status, "io.k8s.api.core.v1.ResourceQuotaStatus", "Quota usage.", NULL,
          NULL);

CUBE_FIELDS(resource_quota) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", resource_quota_spec, "Desired quota."),
    F_OBJ("status", resource_quota_status, "Actual usage."),
    F_END,
};
CUBE_TYPE(resource_quota, "io.k8s.api.core.v1.ResourceQuota",
          "Aggregate resource limits of a namespace.", NULL, NULL);

/* ======================================================================= */
/* PersistentVolume, PersistentVolumeClaim                                 */
/* ======================================================================= */

#define ACCESS_MODES O_ENUM("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")

CUBE_FIELDS(volume_resource_requirements) = {
    F_MQTY("limits", "Maximum storage."),
    F_MQTY("requests", "Minimum storage."),
    F_END,
};
CUBE_TYPE(volume_resource_requirements, "io.k8s.api.core.v1.VolumeResourceRequirements",
          "Storage requests and limits.", NULL, NULL);

CUBE_FIELDS(pvc_spec) = {
    F_ASTR("accessModes", "Desired access modes.", ACCESS_MODES, O_ATOMIC),
    F_OBJ("selector", cube_schema_label_selector, "Volumes to consider."),
    F_OBJ("resources", volume_resource_requirements, "Minimum resources.", O_DEF("{}")),
    F_STR("volumeName", "Volume bound to the claim."),
    F_STR("storageClassName", "StorageClass of the claim."),
    F_STR("volumeMode", "Filesystem or Block.", O_DEF("\"Filesystem\""),
          O_ENUM("Block", "Filesystem")),
    F_OBJ("dataSource", cube_schema_typed_local_object_reference, "Populate from this object."),
    F_OBJ("dataSourceRef", typed_object_reference, "Populate from this object."),
    F_STR("volumeAttributesClassName", "VolumeAttributesClass of the claim."),
    F_END,
};
static void pvc_spec_validate(cube_schema_ctx_t *c, const char *path, const json_t *spec,
                              const json_t *old);
CUBE_TYPE(pvc_spec, "io.k8s.api.core.v1.PersistentVolumeClaimSpec", "Desired storage.", NULL,
          pvc_spec_validate);

static void pvc_spec_validate(cube_schema_ctx_t *c, const char *path, const json_t *spec,
                              const json_t *old)
{
    if (json_array_size(json_object_get(spec, "accessModes")) == 0) {
        _cleanup_free_ char *p = cube_schema_path(path, "accessModes");
        cube_field_required(c->fe, p, "at least 1 access mode is required");
    }
    if (!cube_json_path(spec, "resources", "requests", "storage", NULL)) {
        _cleanup_free_ char *p = cube_schema_path(path, "resources[storage]");
        cube_field_required(c->fe, p, NULL);
    }
}

CUBE_FIELDS(pvc_condition) = {
    F_STR("type", "Condition type.", O_REQ),
    F_STR("status", "True, False or Unknown.", O_REQ),
    F_TIME("lastProbeTime", "Last probe."),
    F_TIME("lastTransitionTime", "Last change."),
    F_STR("reason", "Reason."),
    F_STR("message", "Details."),
    F_END,
};
CUBE_TYPE(pvc_condition, "io.k8s.api.core.v1.PersistentVolumeClaimCondition",
          "A condition of a claim.", NULL, NULL);

CUBE_FIELDS(pvc_status) = {
    F_STR("phase", "Pending, Bound or Lost.", O_DEF("\"Pending\"")),
    F_ASTR("accessModes", "Actual access modes.", O_ATOMIC),
    F_MQTY("capacity", "Actual resources."),
    F_AOBJ("conditions", pvc_condition, "Conditions.", O_MERGE("type"), O_LMAP("type")),
    F_MQTY("allocatedResources", "Resources allocated."),
    F_MSTR("allocatedResourceStatuses", "State of resize operations."),
    F_STR("currentVolumeAttributesClassName", "Current VolumeAttributesClass."),
    F_ANY("modifyVolumeStatus", "State of a modify operation."),
    F_END,
};
CUBE_TYPE(pvc_status, "io.k8s.api.core.v1.PersistentVolumeClaimStatus",
          "Observed state of a claim.", NULL, NULL);

CUBE_FIELDS(cube_schema_pvc) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", pvc_spec, "Desired storage.", O_DEF("{}")),
    F_OBJ("status", pvc_status, "Observed state.", O_DEF("{}")),
    F_END,
};
CUBE_XTYPE(cube_schema_pvc, "io.k8s.api.core.v1.PersistentVolumeClaim",
           "A user's request for storage.", NULL, NULL);

CUBE_FIELDS(pvc_template) = {
    F_OBJ("metadata", cube_schema_object_meta, "Labels and annotations of the claim."),
    F_OBJ("spec", pvc_spec, "Spec of the claim.", O_REQ),
    F_END,
};
static const cube_schema_type_t pvc_template = {"io.k8s.api.core.v1.PersistentVolumeClaimTemplate",
                                                "A claim created for an ephemeral volume.",
                                                pvc_template_f, NULL, NULL};

static void pvc_validate(cube_schema_ctx_t *c, const json_t *pvc, const json_t *old)
{
    if (c->op != CUBE_OP_UPDATE || !old)
        return;
    /* Only requests (expansion), volumeAttributesClassName and a first volumeName may change. */
    json_auto_t *a = json_deep_copy(json_object_get(pvc, "spec"));
    json_auto_t *b = json_deep_copy(json_object_get(old, "spec"));
    if (!json_is_object(a) || !json_is_object(b))
        return;
    static const char *const keys[] = {"volumeAttributesClassName"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(keys); i++) {
        json_object_del(a, keys[i]);
        json_object_del(b, keys[i]);
    }
    json_t *ra = json_object_get(a, "resources"), *rb = json_object_get(b, "resources");
    if (json_is_object(ra))
        json_object_del(ra, "requests");
    if (json_is_object(rb))
        json_object_del(rb, "requests");
    const char *ovn = cube_json_str(b, "volumeName", NULL);
    if (!ovn || !ovn[0]) {
        json_object_del(a, "volumeName");
        json_object_del(b, "volumeName");
    }
    if (!json_equal(a, b))
        cube_field_forbidden(c->fe, "spec",
                             "spec is immutable after creation except resources.requests and "
                             "volumeAttributesClassName for bound claims");
}

CUBE_FIELDS(local_volume_source) = {
    F_STR("path", "Path on the node.", O_REQ),
    F_STR("fsType", "Filesystem type."),
    F_END,
};
CUBE_TYPE(local_volume_source, "io.k8s.api.core.v1.LocalVolumeSource", "A local disk.", NULL, NULL);

CUBE_FIELDS(secret_reference) = {
    F_STR("name", "Secret name."),
    F_STR("namespace", "Secret namespace."),
    F_END,
};
CUBE_TYPE(secret_reference, "io.k8s.api.core.v1.SecretReference", "A Secret in any namespace.",
          NULL, NULL);

CUBE_FIELDS(csi_pv_source) = {
    F_STR("driver", "CSI driver name.", O_REQ),
    F_STR("volumeHandle", "Volume ID of the driver.", O_REQ),
    F_BOOL("readOnly", "Mount read-only."),
    F_STR("fsType", "Filesystem type."),
    F_MSTR("volumeAttributes", "Driver attributes."),
    F_OBJ("controllerPublishSecretRef", secret_reference, "Secret for ControllerPublish."),
    F_OBJ("nodeStageSecretRef", secret_reference, "Secret for NodeStage."),
    F_OBJ("nodePublishSecretRef", secret_reference, "Secret for NodePublish."),
    F_OBJ("controllerExpandSecretRef", secret_reference, "Secret for ControllerExpand."),
    F_OBJ("nodeExpandSecretRef", secret_reference, "Secret for NodeExpand."),
    F_END,
};
CUBE_TYPE(csi_pv_source, "io.k8s.api.core.v1.CSIPersistentVolumeSource", "A CSI volume.", NULL,
          NULL);

CUBE_FIELDS(volume_node_affinity) = {
    F_OBJ("required", cube_schema_node_selector, "Nodes the volume can be used from."),
    F_END,
};
CUBE_TYPE(volume_node_affinity, "io.k8s.api.core.v1.VolumeNodeAffinity",
          "Where a volume is reachable.", NULL, NULL);

CUBE_FIELDS(pv_spec) = {
    F_MQTY("capacity", "Capacity of the volume."),
    F_ASTR("accessModes", "Ways it can be mounted.", ACCESS_MODES, O_ATOMIC),
    F_OBJ("claimRef", cube_schema_object_reference, "Claim bound to it."),
    F_STR("persistentVolumeReclaimPolicy", "Retain, Delete or Recycle.", O_DEF("\"Retain\""),
          O_ENUM("Delete", "Recycle", "Retain")),
    F_STR("storageClassName", "StorageClass of the volume."),
    F_ASTR("mountOptions", "Mount options.", O_ATOMIC),
    F_STR("volumeMode", "Filesystem or Block.", O_DEF("\"Filesystem\""),
          O_ENUM("Block", "Filesystem")),
    F_OBJ("nodeAffinity", volume_node_affinity, "Node constraints."),
    F_STR("volumeAttributesClassName", "VolumeAttributesClass."),
    F_OBJ("hostPath", host_path_volume_source, "A host directory (testing only)."),
    F_OBJ("nfs", nfs_volume_source, "An NFS export."),
    F_OBJ("local", local_volume_source, "A local disk."),
    F_OBJ("csi", csi_pv_source, "A CSI volume."),
    F_ANY("gcePersistentDisk", "Deprecated."),
    F_ANY("awsElasticBlockStore", "Deprecated."),
    F_ANY("iscsi", "An iSCSI disk."),
    F_ANY("glusterfs", "Removed."),
    F_ANY("rbd", "Deprecated."),
    F_ANY("cinder", "Deprecated."),
    F_ANY("cephfs", "Deprecated."),
    F_ANY("fc", "Fibre Channel."),
    F_ANY("flocker", "Deprecated."),
    F_ANY("flexVolume", "Deprecated."),
    F_ANY("azureFile", "Deprecated."),
    F_ANY("vsphereVolume", "Deprecated."),
    F_ANY("quobyte", "Deprecated."),
    F_ANY("azureDisk", "Deprecated."),
    F_ANY("photonPersistentDisk", "Deprecated."),
    F_ANY("portworxVolume", "Deprecated."),
    F_ANY("scaleIO", "Deprecated."),
    F_ANY("storageos", "Deprecated."),
    F_END,
};
CUBE_TYPE(pv_spec, "io.k8s.api.core.v1.PersistentVolumeSpec", "A volume's description.", NULL,
          NULL);

CUBE_FIELDS(pv_status) = {
    F_STR("phase", "Pending, Available, Bound, Released or Failed.", O_DEF("\"Pending\"")),
    F_STR("message", "Why it is in this phase."),
    F_STR("reason", "Reason in CamelCase."),
    F_TIME("lastPhaseTransitionTime", "When the phase last changed."),
    F_END,
};
CUBE_TYPE(pv_status, "io.k8s.api.core.v1.PersistentVolumeStatus", "Observed state of a volume.",
          NULL, NULL);

static void pv_prepare(cube_api_op_t op, json_t *pv, const json_t *old)
{
    if (op != CUBE_OP_CREATE)
        return;
    char ts[32];
    cube_time_rfc3339(time(NULL), ts);
    json_object_set_new(cube_json_obj(pv, "status"), "lastPhaseTransitionTime", json_string(ts));
}

CUBE_FIELDS(persistent_volume) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", pv_spec, "The volume.", O_DEF("{}")),
    F_OBJ("status", pv_status, "Observed state.", O_DEF("{}")),
    F_END,
};
CUBE_TYPE(persistent_volume, "io.k8s.api.core.v1.PersistentVolume",
          "A piece of storage in the cluster.", NULL, NULL);

/* ======================================================================= */
/* kinds                                                                   */
/* ======================================================================= */

const cube_schema_kind_t cube_schema_kinds_core[] = {
    CUBE_KIND("", NULL, "ConfigMap", config_map, .validate = config_map_validate),
    CUBE_KIND("", NULL, "Endpoints", endpoints),
    CUBE_KIND("", NULL, "Event", event),
    CUBE_KIND("", NULL, "LimitRange", limit_range),
    CUBE_KIND("", NULL, "Namespace", namespace, .name_rule = CUBE_NAME_DNS1123_LABEL,
              .status_on_create = "{\"phase\":\"Active\"}", .prepare = namespace_prepare),
    CUBE_KIND("", NULL, "Node", node, .name_rule = CUBE_NAME_NODE),
    CUBE_KIND("", NULL, "PersistentVolumeClaim", cube_schema_pvc,
              .status_on_create = "{\"phase\":\"Pending\"}", .validate = pvc_validate),
    CUBE_KIND("", NULL, "PersistentVolume", persistent_volume,
              .status_on_create = "{\"phase\":\"Pending\"}", .prepare = pv_prepare),
    CUBE_KIND("", NULL, "Pod", pod, .status_on_create = "{\"phase\":\"Pending\"}",
              .prepare = pod_prepare, .validate = pod_validate),
    CUBE_KIND("", NULL, "PodTemplate", pod_template),
    CUBE_KIND("", NULL, "ReplicationController", replication_controller,
              .status_on_create = "{\"replicas\":0}", .validate = rc_validate),
    CUBE_KIND("", NULL, "ResourceQuota", resource_quota, .status_on_create = "{}"),
    CUBE_KIND("", NULL, "Secret", secret, .validate = secret_validate),
    CUBE_KIND("", NULL, "ServiceAccount", service_account),
    CUBE_KIND("", NULL, "Service", service, .name_rule = CUBE_NAME_DNS1035_LABEL,
              .status_on_create = "{\"loadBalancer\":{}}", .prepare = service_prepare,
              .validate = service_validate),
};
const size_t cube_schema_kinds_core_n = CUBE_ARRAY_SIZE(cube_schema_kinds_core);
