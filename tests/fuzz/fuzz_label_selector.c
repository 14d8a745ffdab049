/*
 * libFuzzer target: label selector parsing (string syntax) and matching.
 * Arbitrary bytes must never crash, leak, or produce a selector that cannot
 * be matched, introspected and freed.
 *
 * FUZZ_SRCS: src/core src/api/selector.c src/api/name.c
 */
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    _cleanup_free_ char *s = xstrndup((const char *)data, size);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_selector_t *sel = NULL;
    if (cube_label_selector_parse(s, &sel, &err) < 0) {
        if (err.code != 400 || !err.msg[0])
            abort();
        return 0;
    }
    json_auto_t *labels = json_pack("{s:s,s:s,s:s}", "a", "b", "app", "web", "n", "5");
    (void)cube_selector_matches(sel, labels);
    (void)cube_selector_matches(sel, NULL);
    const char *const *keys;
    size_t n = cube_selector_keys(sel, &keys);
    for (size_t i = 0; i < n; i++) {
        /* every key of a parsed selector is a valid label key */
        if (cube_name_qualified(keys[i]))
            abort();
        (void)cube_selector_exact(sel, keys[i]);
    }
    (void)cube_selector_empty(sel);
    cube_selector_free(sel);
    return 0;
}
