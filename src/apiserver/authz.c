/*
 * Authorization: the pluggable step between authentication and admission.
 * For now every authenticated user may do everything (RBAC and the Node
 * authorizer come with the security work); anonymous users may only read
 * the health and version endpoints, as Kubernetes' public-info-viewer role
 * allows.
 */
#include "apiserver/internal.h"

int cube_authz_authorize(cube_apiserver_t *srv, const cube_authz_attrs_t *a, cube_err_t *err)
{
    if (a->user)
        return 0;
    if (a->path && (!strcmp(a->path, "/healthz") || !strcmp(a->path, "/livez") ||
                    !strcmp(a->path, "/readyz") || !strcmp(a->path, "/version")))
        return 0;
    return cube_err_set(err, 401, "Unauthorized", "Unauthorized");
}
