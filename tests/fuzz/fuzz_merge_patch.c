/*
 * libFuzzer target: JSON Merge Patch. Input: document and patch as two JSON
 * texts separated by a NUL byte (or the first newline). Checks that the
 * input is untouched and that merging is idempotent for object patches
 * without arrays (merge(merge(d, p), p) == merge(d, p); with arrays the
 * Kubernetes library prunes nulls differently the second time).
 *
 * FUZZ_SRCS: src/core src/api/patch.c
 */
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

static bool has_array(const json_t *j)
{
    if (json_is_array(j))
        return true;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)j, k, v)
    {
        if (has_array(v))
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
    json_auto_t *before = json_deep_copy(doc);
    json_auto_t *once = cube_merge_patch_apply(doc, patch);
    if (!once || !json_equal(doc, before))
        abort();
    if (json_is_object(patch) && json_is_object(doc) && !has_array(patch)) {
        json_auto_t *twice = cube_merge_patch_apply(once, patch);
        if (!json_equal(once, twice))
            abort();
    }
    return 0;
}
