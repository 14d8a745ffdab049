/*
 * Allocation that aborts on failure, and the cleanup helpers behind the
 * _cleanup_ macros. Out-of-memory is not an error cube recovers from.
 */
#include "core.h"

#include <errno.h>

static void oom(void)
{
    fputs("cube: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *r = strdup(s);
    if (!r)
        oom();
    return r;
}

char *xstrndup(const char *s, size_t n)
{
    char *r = strndup(s, n);
    if (!r)
        oom();
    return r;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *r = NULL;
    va_start(ap, fmt);
    int n = vasprintf(&r, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    return r;
}

void cube_freep(void *p)
{
    free(*(void **)p);
}

void cube_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}

void cube_fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}
