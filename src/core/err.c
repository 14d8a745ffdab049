/*
 * The error convention (docs/design/errors.md): the function where a failure
 * starts fills a cube_err_t once; callers may prefix context; the edge (an
 * HTTP handler, a component loop, cmd/) reports it once.
 */
#include "core.h"

int cube_err_set(cube_err_t *err, int code, const char *reason, const char *fmt, ...)
{
    if (!err)
        return -1;
    json_decref(err->details);
    err->details = NULL;
    err->code = code ? code : 500;
    err->reason = reason ? reason : "InternalError";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int cube_err_errno(cube_err_t *err, int errnum, const char *fmt, ...)
{
    if (!err)
        return -1;
    char head[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof(head), fmt, ap);
    va_end(ap);
    return cube_err_set(err, 500, "InternalError", "%s: %s", head, strerror(errnum));
}

void cube_err_prefix(cube_err_t *err, const char *fmt, ...)
{
    if (!err)
        return;
    char head[512], old[sizeof(err->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof(head), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
}

void cube_err_clear(cube_err_t *err)
{
    if (!err)
        return;
    json_decref(err->details);
    memset(err, 0, sizeof(*err));
}

void cube_err_move(cube_err_t *dst, cube_err_t *src)
{
    cube_err_clear(dst);
    *dst = *src;
    memset(src, 0, sizeof(*src));
}
