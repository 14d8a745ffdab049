/*
 * libFuzzer target: Kubernetes protobuf request bodies (the API server's
 * one parser of untrusted binary input). Besides not crashing or leaking,
 * every failure must be a 400 (malformed) or a 415 (kind without a table),
 * and every success an object carrying kind and apiVersion that serializes.
 * Seeds: real kubectl v1.32 bodies in tests/fuzz/seeds/fuzz_protobuf/.
 *
 * FUZZ_SRCS: src/core src/api/protobuf.c
 */
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *obj = NULL;
    if (cube_protobuf_decode(data, size, &obj, &err) < 0) {
        if (obj || (err.code != 400 && err.code != 415) || !err.reason || !err.msg[0])
            abort();
        return 0;
    }
    if (!json_is_object(obj) || !cube_json_str(obj, "kind", NULL) ||
        !cube_json_str(obj, "apiVersion", NULL))
        abort();
    _cleanup_free_ char *s = json_dumps(obj, JSON_COMPACT);
    if (!s)
        abort();
    return 0;
}
