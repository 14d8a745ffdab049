/*
 * libFuzzer target: JSON Patch application. The input is two JSON texts,
 * the document and the patch, separated by a NUL byte (or, failing that, the
 * first newline). Applying must never crash or leak, never modify the input,
 * and fail only with the API server's codes.
 *
 * FUZZ_SRCS: src/core src/api/patch.c
 */
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

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
    json_t *out = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_json_patch_apply(doc, patch, &out, &err) < 0) {
        if (out || (err.code != 400 && err.code != 413 && err.code != 422))
            abort();
    } else {
        _cleanup_free_ char *s = cube_json_dump(out, NULL);
        json_decref(out);
    }
    if (!json_equal(doc, before))
        abort();
    return 0;
}
