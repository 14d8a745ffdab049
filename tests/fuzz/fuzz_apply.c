/*
 * libFuzzer target: server-side apply (src/api/managed.c) against the
 * Deployment schema (list maps keyed by name and by containerPort+protocol,
 * sets, atomic lists, maps). Input: a live object and an applied
 * configuration as two JSON texts separated by a NUL byte (or the first
 * newline); the live object gets managedFields from an update by one manager
 * first, then the configuration is applied by another, unforced then forced.
 * Checks that the inputs are untouched, that success and failure are
 * exclusive (a result exactly when no error is set; errors are Conflict or
 * BadRequest), that a forced apply never conflicts, that the result's
 * managedFields are well-formed FieldsV1, and that re-applying the same
 * configuration to the result is a no-op.
 *
 * FUZZ_SRCS: src/core src/api/managed.c src/api/schema.c src/api/registry.c src/api/types_core.c
 * src/api/types_apps.c src/api/types_other.c src/api/name.c src/api/quantity.c src/api/selector.c
 */
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

static void check_entries(const json_t *obj)
{
    json_t *mf = cube_json_path(obj, "metadata", "managedFields", NULL);
    size_t i;
    json_t *e;
    json_array_foreach(mf, i, e) if (!cube_fields_valid(json_object_get(e, "fieldsV1"))) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, '\0', size);
    if (!sep)
        sep = memchr(data, '\n', size);
    if (!sep)
        return 0;
    json_error_t je;
    json_auto_t *live = json_loadb((const char *)data, (size_t)(sep - data), 0, &je);
    json_auto_t *cfg = json_loadb((const char *)sep + 1, size - (size_t)(sep - data) - 1, 0, &je);
    if (!json_is_object(live) || !json_is_object(cfg))
        return 0;
    const cube_resource_t *r = cube_api_resource_find("apps", "v1", "deployments");
    cube_managed_req_t up = {r, "updater", NULL, CUBE_FIELDS_MAIN, 1700000000};
    cube_managed_update(&up, NULL, live);
    check_entries(live);
    json_auto_t *live0 = json_deep_copy(live), *cfg0 = json_deep_copy(cfg);
    cube_managed_req_t ap = {r, "applier", NULL, CUBE_FIELDS_MAIN, 1700000100};
    for (int force = 0; force < 2; force++) {
        json_t *out = NULL;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        int rc = cube_managed_apply(&ap, live, cfg, force, &out, &err);
        json_auto_t *res = out;
        if (!json_equal(live, live0) || !json_equal(cfg, cfg0))
            abort(); /* inputs untouched */
        if ((rc < 0) != (res == NULL) || (rc < 0) != (err.code != 0))
            abort();
        if (rc < 0 && err.code != 409 && err.code != 400)
            abort();
        if (rc < 0 && force && err.code == 409)
            abort();
        if (rc < 0)
            continue;
        check_entries(res);
        json_t *again = NULL;
        cube_err_t err2 _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_managed_apply(&ap, res, cfg, false, &again, &err2) < 0)
            abort(); /* the applier owns everything it applied */
        json_auto_t *a = again;
        if (!json_equal(a, res))
            abort(); /* a second identical apply changes nothing */
    }
    return 0;
}
