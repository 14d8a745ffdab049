/*
 * libFuzzer target: strategic merge patch against the Pod schema (merge
 * keys, retainKeys, primitive merge lists all occur there). Input: document
 * and patch as two JSON texts separated by a NUL byte (or the first
 * newline). Checks that the inputs are untouched, that success and failure
 * are exclusive (a result exactly when no error is set, and errors carry
 * the BadRequest or Invalid code) and that no directive key ("$patch",
 * "$retainKeys", "$setElementOrder/...", "$deleteFromPrimitiveList/...")
 * survives at the top or in metadata when the document held none there.
 *
 * FUZZ_SRCS: src/core src/api
 */
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

static bool is_directive(const char *k)
{
    return !strcmp(k, "$patch") || !strcmp(k, "$retainKeys") ||
           !strncmp(k, "$setElementOrder", 16) || !strncmp(k, "$deleteFromPrimitiveList", 24);
}

/* Whether j holds a directive key at any depth (skip: a member not to descend into). */
static bool has_directive(const json_t *j, const char *skip)
{
    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            if (has_directive(json_array_get(j, i), NULL))
                return true;
        return false;
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)j, k, v)
    {
        if (is_directive(k) || ((!skip || strcmp(k, skip)) && has_directive(v, NULL)))
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, '\0', size);
    if (!sep)
        sep = memchr(data, '\n', size);
    if (!sep)
        return 0;
    json_error_t je;
    json_auto_t *doc = json_loadb((const char *)data, (size_t)(sep - data), JSON_DECODE_ANY, &je);
    json_auto_t *patch =
        json_loadb((const char *)sep + 1, size - (size_t)(sep - data) - 1, JSON_DECODE_ANY, &je);
    if (!doc || !patch)
        return 0;
    const cube_resource_t *r = cube_api_resource_find("", "v1", "pods");
    json_auto_t *doc0 = json_deep_copy(doc), *patch0 = json_deep_copy(patch);
    json_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int rc = cube_strategic_merge_patch(r, doc, patch, &out, &err);
    json_auto_t *res = out;
    if (!json_equal(doc, doc0) || !json_equal(patch, patch0))
        abort();
    if (rc < 0) {
        if (res || (err.code != 400 && err.code != 422))
            abort();
        return 0;
    }
    if (!res || err.code || !json_is_object(res))
        abort();
    /* Directives never survive at the top level nor in metadata (whose fields
       are all typed; fields of "any" kind elsewhere keep "$" keys verbatim). */
    const char *k;
    json_t *v;
    json_object_foreach(res, k, v)
    {
        if (is_directive(k) && !json_object_get(doc, k))
            abort();
    }
    json_t *meta = json_object_get(res, "metadata");
    if (json_is_object(meta) && !has_directive(json_object_get(doc, "metadata"), NULL) &&
        has_directive(meta, "managedFields"))
        abort();
    return 0;
}
