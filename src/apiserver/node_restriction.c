/*
 * NodeRestriction: the admission step that keeps a kubelet to its own node.
 * Whatever RBAC or the Node authorizer let a node do in general, it may only
 * create or change its own Node, its own Lease in kube-node-lease, the status
 * of pods bound to it, and mirror pods (static pods it runs) bound to it.
 * The messages are Kubernetes' own.
 */
#include "apiserver/internal.h"

#define NODE_PREFIX "system:node:"

static const char *node_name(const cube_user_t *u)
{
    if (!u || !cube_user_in_group(u, "system:nodes"))
        return NULL;
    size_t n = strlen(NODE_PREFIX);
    return strncmp(u->name, NODE_PREFIX, n) || !u->name[n] ? NULL : u->name + n;
}

static int forbid(cube_err_t *err, const cube_resource_t *r, const char *name, const char *why)
{
    char qr[160];
    cube_qualified_resource(r, qr, sizeof(qr));
    cube_err_set(err, 403, "Forbidden", "%s \"%s\" is forbidden: %s", qr, name ? name : "", why);
    err->details = cube_status_details(r, name ? name : "");
    return -1;
}

int cube_node_restriction(const cube_user_t *user, const cube_resource_t *r, cube_api_op_t op,
                          const json_t *obj, cube_err_t *err)
{
    const char *node = node_name(user);
    if (!node)
        return 0;
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    _cleanup_free_ char *why = NULL;
    if (!r->group[0] && !strcmp(r->plural, "nodes")) {
        if (name && !strcmp(name, node))
            return 0;
        why = xasprintf("node \"%s\" is not allowed to modify node \"%s\"", node, name ? name : "");
        return forbid(err, r, name, why);
    }
    if (!strcmp(r->group, "coordination.k8s.io") && !strcmp(r->plural, "leases")) {
        const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
        if (ns && !strcmp(ns, "kube-node-lease") && name && !strcmp(name, node))
            return 0;
        why = xasprintf("can only access node lease with the same name as the requesting node");
        return forbid(err, r, name, why);
    }
    if (!r->group[0] && !strcmp(r->plural, "pods")) {
        const char *bound = cube_json_str(obj, "spec", "nodeName", NULL);
        if (op == CUBE_OP_CREATE) {
            if (!cube_json_str(obj, "metadata", "annotations", "kubernetes.io/config.mirror",
                               NULL)) {
                why = xasprintf("pod does not have \"kubernetes.io/config.mirror\" annotation, "
                                "node \"%s\" can only create mirror pods",
                                node);
                return forbid(err, r, name, why);
            }
            if (!bound || strcmp(bound, node)) {
                why = xasprintf("node \"%s\" can only create pods with spec.nodeName set to "
                                "itself",
                                node);
                return forbid(err, r, name, why);
            }
            return 0;
        }
        if (!bound || strcmp(bound, node)) {
            why = xasprintf("node \"%s\" can only update pod status for pods with spec.nodeName "
                            "set to itself",
                            node);
            return forbid(err, r, name, why);
        }
        if (op == CUBE_OP_UPDATE) { /* only status: the spec is not the node's to change */
            why = xasprintf("node \"%s\" can only update pod status", node);
            return forbid(err, r, name, why);
        }
    }
    return 0;
}
