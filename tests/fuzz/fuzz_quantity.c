/*
 * libFuzzer target: resource.Quantity parsing and canonical form. Besides
 * not crashing or leaking, the canonical form must parse again, to itself
 * and, unless saturated, to the same milli-value (Kubernetes drops the
 * exponent of DecimalSI values beyond 999E, all of which saturate).
 *
 * FUZZ_SRCS: src/core src/api/quantity.c
 */
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    _cleanup_free_ char *s = xstrndup((const char *)data, size);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *c = NULL, *c2 = NULL;
    int64_t m1, m2;
    int rc1 = cube_quantity_parse(s, &m1, &err);
    cube_err_clear(&err);
    int rc2 = cube_quantity_canonical(s, &c, &err);
    if ((rc1 < 0) != (rc2 < 0))
        abort();
    if (rc2 < 0) {
        if (err.code != 422)
            abort();
        return 0;
    }
    if (cube_quantity_canonical(c, &c2, &err) < 0 || strcmp(c, c2) != 0)
        abort();
    if (cube_quantity_parse(c, &m2, &err) < 0)
        abort();
    if (m1 != INT64_MAX && m1 != INT64_MIN && m1 != m2)
        abort();
    return 0;
}
