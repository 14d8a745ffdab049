/*
 * core: the few things every module of cube needs and nothing else.
 *
 * Errors (cube_err_t, the one error convention: see docs/design/errors.md),
 * ownership helpers (cleanup attributes, TAKE_PTR), allocation that aborts on
 * failure, klog-format logging, a growable byte buffer, reference-counted
 * immutable byte blobs (the serialized objects the API server caches and
 * fans out), time formatting, a small worker pool and JSON helpers on top of
 * jansson.
 *
 * Threads: everything here is safe to call from any thread. The logger's
 * verbosity is the one process-wide mutable global (STYLE.md rule 11).
 */
#ifndef CUBE_CORE_H
#define CUBE_CORE_H

#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The version cube reports (`/version`, `cube version`): the Kubernetes API it serves. */
#define CUBE_K8S_MAJOR "1"
#define CUBE_K8S_MINOR "32"
#define CUBE_GIT_VERSION "v1.32.0+cube.1"

/* ---- ownership ---------------------------------------------------------- */

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(cube_freep)
#define _cleanup_close_ _cleanup_(cube_closep)
#define _cleanup_fclose_ _cleanup_(cube_fclosep)
#define _cleanup_err_ _cleanup_(cube_err_clear)
#define _cleanup_buf_ _cleanup_(cube_buf_clear)
#define _cleanup_bytes_ _cleanup_(cube_bytes_unrefp)
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

/* Hands ownership out of a cleanup-owned local: the local becomes NULL. */
#define TAKE_PTR(p)                                                                                \
    ({                                                                                             \
        __typeof__(p) _ptr_ = (p);                                                                 \
        (p) = NULL;                                                                                \
        _ptr_;                                                                                     \
    })
#define TAKE_FD(fd)                                                                                \
    ({                                                                                             \
        int _fd_ = (fd);                                                                           \
        (fd) = -1;                                                                                 \
        _fd_;                                                                                      \
    })
#define CUBE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void cube_freep(void *p);
void cube_closep(int *fd);
void cube_fclosep(FILE **f);

/* Allocation failure aborts the process: there are no OOM branches to test. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

/* ---- random identifiers (random.c) -------------------------------------- */

/* A version-4 UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
void cube_uuid4(char out[37]);
/* n (<= 64) chars from Kubernetes' generateName alphabet, NUL-terminated (out >= n + 1). */
void cube_random_suffix(char *out, size_t n);

/* ---- errors ------------------------------------------------------------- */

/*
 * The error every fallible function fills, once, where the failure starts.
 * `code` is the HTTP status the API would answer (Kubernetes Status.code),
 * `reason` a Kubernetes StatusReason ("NotFound", "Conflict", ...; a static
 * string), `msg` the human message, `details` an optional Status.details
 * object (owned; freed by cube_err_clear). A zeroed struct means "no error".
 */
typedef struct cube_err {
    int code;
    const char *reason;
    char msg[1024];
    json_t *details;
} cube_err_t;

#define CUBE_ERR_INIT                                                                              \
    {                                                                                              \
        0                                                                                          \
    }

/* Sets err (if not NULL) and returns -1, so `return cube_err_set(...)` reads. */
int cube_err_set(cube_err_t *err, int code, const char *reason, const char *fmt, ...)
    _printf_(4, 5);
/* Same, with errno's text appended: "open x: No such file or directory". */
int cube_err_errno(cube_err_t *err, int errnum, const char *fmt, ...) _printf_(3, 4);
/* Prepends context to an already set message: "loading CA: <old msg>". */
void cube_err_prefix(cube_err_t *err, const char *fmt, ...) _printf_(2, 3);
/* Frees details and zeroes the struct; accepts NULL. */
void cube_err_clear(cube_err_t *err);
/* Moves src into dst (dst cleared first); src becomes empty. */
void cube_err_move(cube_err_t *dst, cube_err_t *src);

/* Common shorthands; all return -1. */
#define cube_err_internal(e, ...) cube_err_set((e), 500, "InternalError", __VA_ARGS__)
#define cube_err_badrequest(e, ...) cube_err_set((e), 400, "BadRequest", __VA_ARGS__)
#define cube_err_notfound(e, ...) cube_err_set((e), 404, "NotFound", __VA_ARGS__)
#define cube_err_conflict(e, ...) cube_err_set((e), 409, "Conflict", __VA_ARGS__)
#define cube_err_exists(e, ...) cube_err_set((e), 409, "AlreadyExists", __VA_ARGS__)
#define cube_err_invalid(e, ...) cube_err_set((e), 422, "Invalid", __VA_ARGS__)
#define cube_err_gone(e, ...) cube_err_set((e), 410, "Expired", __VA_ARGS__)

/* ---- logging (klog format) ---------------------------------------------- */

typedef enum {
    CUBE_LOG_I = 'I',
    CUBE_LOG_W = 'W',
    CUBE_LOG_E = 'E',
    CUBE_LOG_F = 'F'
} cube_log_sev_t;

extern int cube_log_verbosity; /* -v N */
extern bool cube_log_json; /* --logging-format=json */

void cube_log_write(cube_log_sev_t sev, const char *file, int line, const char *fmt, ...)
    _printf_(4, 5);

#define cube_log_info(...) cube_log_write(CUBE_LOG_I, __FILE__, __LINE__, __VA_ARGS__)
#define cube_log_warn(...) cube_log_write(CUBE_LOG_W, __FILE__, __LINE__, __VA_ARGS__)
#define cube_log_error(...) cube_log_write(CUBE_LOG_E, __FILE__, __LINE__, __VA_ARGS__)
/* Verbosity is checked before any formatting happens. */
#define cube_log_v(n, ...)                                                                         \
    do {                                                                                           \
        if (cube_log_verbosity >= (n))                                                             \
            cube_log_write(CUBE_LOG_I, __FILE__, __LINE__, __VA_ARGS__);                           \
    } while (0)

/* ---- growable buffer ---------------------------------------------------- */

typedef struct cube_buf {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
} cube_buf_t;

#define CUBE_BUF_INIT                                                                              \
    {                                                                                              \
        0                                                                                          \
    }

void cube_buf_reserve(cube_buf_t *b, size_t extra);
void cube_buf_append(cube_buf_t *b, const void *data, size_t len);
void cube_buf_puts(cube_buf_t *b, const char *s);
void cube_buf_putc(cube_buf_t *b, char c);
void cube_buf_printf(cube_buf_t *b, const char *fmt, ...) _printf_(2, 3);
/* Appends s quoted as Go's strconv.Quote (%q) does, as Kubernetes' messages quote values. */
void cube_buf_go_quote(cube_buf_t *b, const char *s);
/* Appends s as a JSON string literal, quotes included. */
void cube_buf_json_str(cube_buf_t *b, const char *s);
/* Hands the data out (caller frees); the buffer becomes empty. */
char *cube_buf_steal(cube_buf_t *b, size_t *ret_len);
void cube_buf_clear(cube_buf_t *b);

/* ---- immutable shared bytes --------------------------------------------- */

/*
 * A reference-counted, immutable byte blob. Cached objects are kept this way
 * so that GET, LIST and watch fan-out hand out references instead of copies.
 * data is NUL-terminated (not counted in len).
 */
typedef struct cube_bytes {
    atomic_int refs;
    size_t len;
    char data[];
} cube_bytes_t;

cube_bytes_t *cube_bytes_new(const void *data, size_t len);
/* Takes a buffer's contents over without copying them; the buffer becomes empty. */
cube_bytes_t *cube_bytes_from_buf(cube_buf_t *b);
cube_bytes_t *cube_bytes_ref(cube_bytes_t *b);
void cube_bytes_unref(cube_bytes_t *b); /* accepts NULL */
void cube_bytes_unrefp(cube_bytes_t **b);

/* ---- time --------------------------------------------------------------- */

/* Wall clock, RFC 3339 seconds: "2026-11-22T03:57:16Z". out >= 32 bytes. */
void cube_time_rfc3339(time_t t, char *out);
/* Wall clock with microseconds (metav1.MicroTime): "...16.123456Z". out >= 40. */
void cube_time_rfc3339_micro(const struct timespec *ts, char *out);
/* Parses RFC 3339 (fraction and offset allowed); -1 on a bad string. */
int cube_time_parse(const char *s, time_t *ret);
/* Monotonic clock in nanoseconds. */
uint64_t cube_time_mono_ns(void);
/* Kubernetes' short age format as kubectl prints it: 5s, 3m, 2m30s, 4h, 12d, 3y... */
void cube_time_age(time_t from, time_t now, char *out, size_t outlen);

/* ---- worker pool -------------------------------------------------------- */

/* A fixed set of threads running submitted jobs in FIFO order. */
typedef struct cube_pool cube_pool_t;
typedef void (*cube_pool_fn)(void *arg);

cube_pool_t *cube_pool_new(int threads, const char *name);
/* Queues fn(arg) to run on one of the pool's threads. Any thread. */
void cube_pool_submit(cube_pool_t *p, cube_pool_fn fn, void *arg);
/* Waits for queued jobs to finish, stops the threads, frees. Accepts NULL. */
void cube_pool_free(cube_pool_t *p);

/* ---- numbers ------------------------------------------------------------ */

/* The fewest significant digits (1..17) that print v so it reads back exactly; Go's
 * FormatFloat(v, ..., -1) and Prometheus' float text start from this. v must be finite. */
int cube_shortest_digits(double v);

/* ---- JSON helpers ------------------------------------------------------- */

/* Walks nested objects: cube_json_path(obj, "metadata", "name", NULL). Borrowed. */
json_t *cube_json_path(const json_t *root, ...) __attribute__((sentinel));
/* String at a path or NULL (not a string / absent). Borrowed. */
const char *cube_json_str(const json_t *root, ...) __attribute__((sentinel));
/* Gets obj[key], creating an empty object there if absent or not an object. Borrowed. */
json_t *cube_json_obj(json_t *obj, const char *key);
/* Serializes compactly, key order preserved. Caller frees. */
char *cube_json_dump(const json_t *j, size_t *ret_len);

/* ---- files -------------------------------------------------------------- */

/* Reads a whole file (NUL-terminated). Caller frees. */
int cube_file_read(const char *path, char **ret, size_t *ret_len, cube_err_t *err);
/* Writes atomically: temp file, fsync, rename, fsync of the directory. */
int cube_file_write(const char *path, const void *data, size_t len, int mode, cube_err_t *err);
/* mkdir -p with the given mode for created directories. */
int cube_mkdir_p(const char *path, int mode, cube_err_t *err);

#endif
