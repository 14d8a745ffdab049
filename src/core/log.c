/*
 * klog-format logging: "I1122 02:31:15.123456    1234 file.c:123] msg", one
 * line per call, written with a single write(2) so that lines from several
 * threads never interleave. JSON lines on request (--logging-format=json).
 */
#include "core.h"

#include <sys/syscall.h>

int cube_log_verbosity = 0;
bool cube_log_json = false;

void cube_log_write(cube_log_sev_t sev, const char *file, int line, const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    long tid = syscall(SYS_gettid);

    char out[4608];
    int n;
    if (cube_log_json) {
        cube_buf_t b = CUBE_BUF_INIT;
        cube_buf_printf(
            &b, "{\"ts\":%lld.%06ld,\"caller\":\"%s:%d\",\"v\":%d,\"severity\":\"%c\",\"msg\":",
            (long long)ts.tv_sec, ts.tv_nsec / 1000, base, line, 0, (char)sev);
        cube_buf_json_str(&b, msg);
        cube_buf_puts(&b, "}\n");
        n = snprintf(out, sizeof(out), "%s", b.data);
        cube_buf_clear(&b);
    } else {
        n = snprintf(out, sizeof(out), "%c%02d%02d %02d:%02d:%02d.%06ld %7ld %s:%d] %s\n",
                     (char)sev, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     ts.tv_nsec / 1000, tid, base, line, msg);
    }
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(out)) {
        n = sizeof(out) - 1;
        out[n - 1] = '\n';
    }
    ssize_t w = write(STDERR_FILENO, out, (size_t)n);
    (void)w;
}
