/*
 * Time as the Kubernetes API writes it (RFC 3339, UTC, "Z") and as kubectl
 * prints ages (duration.HumanDuration's short form).
 */
#include "core.h"

#include <ctype.h>

void cube_time_rfc3339(time_t t, char *out)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cube_time_rfc3339_micro(const struct timespec *ts, char *out)
{
    struct tm tm;
    gmtime_r(&ts->tv_sec, &tm);
    char head[32];
    strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%s.%06ldZ", head, ts->tv_nsec / 1000);
}

int cube_time_parse(const char *s, time_t *ret)
{
    struct tm tm = {0};
    if (!s)
        return -1;
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return -1;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        int hh, mm;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
            return -1;
        off = sign * (hh * 3600L + mm * 60L);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    *ret = timegm(&tm) - off;
    return 0;
}

uint64_t cube_time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The short human duration kubectl shows in AGE columns. */
void cube_time_age(time_t from, time_t now, char *out, size_t outlen)
{
    long long d = (long long)(now - from);
    if (d < 0)
        d = 0;
    long long m = d / 60, h = d / 3600, days = d / 86400, y = days / 365;
    if (d < 120)
        snprintf(out, outlen, "%llds", d);
    else if (m < 10)
        snprintf(out, outlen, d % 60 ? "%lldm%llds" : "%lldm", m, d % 60);
    else if (h < 3)
        snprintf(out, outlen, "%lldm", m);
    else if (h < 8)
        snprintf(out, outlen, m % 60 ? "%lldh%lldm" : "%lldh", h, m % 60);
    else if (h < 48)
        snprintf(out, outlen, "%lldh", h);
    else if (h < 24 * 8)
        snprintf(out, outlen, h % 24 ? "%lldd%lldh" : "%lldd", days, h % 24);
    else if (days < 365 * 2)
        snprintf(out, outlen, "%lldd", days);
    else if (days < 365 * 8)
        snprintf(out, outlen, (days % 365) ? "%lldy%lldd" : "%lldy", y, days % 365);
    else
        snprintf(out, outlen, "%lldy", y);
}
