/*
 * cronjob: the counterpart of Kubernetes' CronJob controller (v2). A CronJob
 * creates a Job from its jobTemplate at every time its cron schedule names,
 * in its timeZone: the Job is called <cronjob>-<scheduled time in unix
 * minutes> (so a time is never run twice) and annotated
 * batch.kubernetes.io/cronjob-scheduled-timestamp. concurrencyPolicy says what
 * happens while an earlier Job still runs (Allow, Forbid: skip, Replace:
 * delete it first); startingDeadlineSeconds drops times missed by too much;
 * suspend stops new runs; finished Jobs beyond successfulJobsHistoryLimit /
 * failedJobsHistoryLimit are deleted, oldest first. The status records the
 * active Jobs, lastScheduleTime and lastSuccessfulTime.
 *
 * Schedules are parsed as Kubernetes' cron library parses them (five fields
 * with names, ranges, steps and lists, '?' and the @hourly family).
 *
 * Time zones: the C library is the only zone database reader at hand, and
 * it reads the zone from the process-wide TZ variable. cube_cron_next
 * therefore sets TZ, calls tzset/localtime_r/mktime and restores TZ under one
 * process-wide mutex (tz_lock below, the one mutable global of this file).
 * The rest of cube formats times in UTC (gmtime_r/timegm) and so never sees
 * the temporary zone. glibc's setenv replaces an existing entry in place, so
 * the controller puts TZ into the environment once when it starts (keeping
 * its value, UTC when unset, which is what cube uses anyway): later switches
 * never grow the environment array under another thread's getenv. UTC
 * schedules (no timeZone) take no lock.
 */
#include <pthread.h>
#include <sys/stat.h>

#include "controllers/controllers.h"

#define SCHEDULED_ANNOTATION "batch.kubernetes.io/cronjob-scheduled-timestamp"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- parsing ---------------------------------------------------------------- */

typedef struct field_def {
    int min, max;
    const char *const *names; /* index = value - min, or NULL */
} field_def_t;

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const dow_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
static const field_def_t fields[5] = {
    {0, 59, NULL}, {0, 23, NULL}, {1, 31, NULL}, {1, 12, month_names}, {0, 6, dow_names},
};
static const char *const field_names[5] = {"minute", "hour", "day of month", "month",
                                           "day of week"};

/* A number or a name of the field; -1 when neither. */
static int parse_value(const char *s, size_t len, const field_def_t *f)
{
    if (len == 0 || len > 10)
        return -1;
    char buf[16];
    memcpy(buf, s, len);
    buf[len] = 0;
    if (f->names) {
        for (int i = 0; i <= f->max - f->min; i++)
            if (!strcasecmp(buf, f->names[i]))
                return f->min + i;
    }
    char *end;
    long v = strtol(buf, &end, 10);
    if (*end || buf[0] == '-' || buf[0] == '+')
        return -1;
    return (int)v;
}

/* One comma-separated part: "*", "?", "a", "a-b", each optionally "/step". */
static int parse_part(const char *s, size_t len, const field_def_t *f, uint64_t *bits, bool *star)
{
    const char *slash = memchr(s, '/', len);
    size_t rlen = slash ? (size_t)(slash - s) : len;
    int lo, hi, step = 1;
    bool is_star = (rlen == 1 && (s[0] == '*' || s[0] == '?'));
    if (is_star) {
        lo = f->min;
        hi = f->max;
    } else {
        const char *dash = memchr(s, '-', rlen);
        lo = parse_value(s, dash ? (size_t)(dash - s) : rlen, f);
        hi = dash ? parse_value(dash + 1, rlen - (size_t)(dash - s) - 1, f) : lo;
        if (slash && !dash)
            hi = f->max; /* "a/step": from a to the end of the range */
    }
    if (slash) {
        step = parse_value(slash + 1, len - rlen - 1, &(field_def_t){0, 0, NULL});
        if (step <= 0)
            return -1;
    }
    if (lo < f->min || hi > f->max || lo > hi)
        return -1;
    for (int v = lo; v <= hi; v += step)
        *bits |= 1ull << v;
    if (is_star && step == 1)
        *star = true;
    return 0;
}

static int parse_field(const char *s, const field_def_t *f, uint64_t *bits, bool *star)
{
    *bits = 0;
    *star = false;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (parse_part(s, len, f, bits, star) < 0)
            return -1;
        if (!comma)
            break;
        s = comma + 1;
        if (!*s)
            return -1;
    }
    return *bits ? 0 : -1;
}

int cube_cron_parse(const char *spec, cube_cron_t *ret, cube_err_t *err)
{
    static const char *const descriptors[][2] = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"},
    };
    const char *text = spec ? spec : "";
    while (*text == ' ')
        text++;
    if (!strncmp(text, "TZ=", 3) || !strncmp(text, "CRON_TZ=", 8))
        return cube_err_invalid(err, "TZ and CRON_TZ are not supported, use spec.timeZone");
    if (text[0] == '@') {
        for (size_t i = 0; i < CUBE_ARRAY_SIZE(descriptors); i++)
            if (!strcmp(text, descriptors[i][0]))
                return cube_cron_parse(descriptors[i][1], ret, err);
        return cube_err_invalid(err, "unrecognized descriptor: %s", text);
    }
    _cleanup_free_ char *copy = xstrdup(text);
    char *save = NULL, *tok[6];
    int n = 0;
    for (char *t = strtok_r(copy, " \t", &save); t && n < 6; t = strtok_r(NULL, " \t", &save))
        tok[n++] = t;
    if (n != 5)
        return cube_err_invalid(err, "expected exactly 5 fields, found %d: %s", n, text);
    cube_cron_t c = {0};
    uint64_t *bits[5] = {&c.minute, &c.hour, &c.dom, &c.month, &c.dow};
    bool stars[5];
    for (int i = 0; i < 5; i++)
        if (parse_field(tok[i], &fields[i], bits[i], &stars[i]) < 0)
            return cube_err_invalid(err, "invalid %s field \"%s\" in schedule \"%s\"",
                                    field_names[i], tok[i], text);
    c.dom_star = stars[2];
    c.dow_star = stars[4];
    *ret = c;
    return 0;
}

/* ---- times in a zone ------------------------------------------------------ */

static bool zone_exists(const char *tz)
{
    if (!tz || !*tz || tz[0] == '/' || strstr(tz, ".."))
        return false;
    _cleanup_free_ char *path = xasprintf("/usr/share/zoneinfo/%s", tz);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Runs with tz_lock held: makes tz the C library's zone; returns the previous TZ (owned). */
static char *zone_enter(const char *tz)
{
    const char *old = getenv("TZ");
    char *saved = old ? xstrdup(old) : NULL;
    _cleanup_free_ char *val = xasprintf(":%s", tz);
    setenv("TZ", val, 1);
    tzset();
    return saved;
}

static void zone_leave(char *saved)
{
    /* TZ stays in the environment (emptied to UTC) so later switches replace it in place */
    setenv("TZ", saved ? saved : "UTC", 1);
    tzset();
    free(saved);
}

static bool day_matches(const cube_cron_t *c, const struct tm *tm)
{
    bool dom = c->dom & (1ull << tm->tm_mday);
    bool dow = c->dow & (1ull << tm->tm_wday);
    if (c->dom_star || c->dow_star)
        return dom && dow;
    return dom || dow;
}

int64_t cube_cron_next(const cube_cron_t *c, int64_t after, const char *tz)
{
    bool utc = !tz || !*tz || !strcmp(tz, "UTC") || !strcmp(tz, "Etc/UTC");
    if (!utc && !zone_exists(tz))
        return -1;
    char *saved = NULL;
    if (!utc) {
        pthread_mutex_lock(&tz_lock);
        saved = zone_enter(tz);
    }
    /* Search in wall-clock time (local time written as if it were UTC), field by field. */
    struct tm tm;
    time_t a = (time_t)after;
    if (utc)
        gmtime_r(&a, &tm);
    else
        localtime_r(&a, &tm);
    int64_t wall = (int64_t)timegm(&tm);
    wall = wall - (((wall % 60) + 60) % 60) + 60;
    int64_t limit = wall + 5LL * 366 * 86400, result = -1;
    while (wall < limit) {
        time_t w = (time_t)wall;
        gmtime_r(&w, &tm);
        if (!(c->month & (1ull << (tm.tm_mon + 1)))) {
            tm.tm_mon++;
            tm.tm_mday = 1;
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
            wall = (int64_t)timegm(&tm);
            continue;
        }
        if (!day_matches(c, &tm)) {
            tm.tm_mday++;
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
            wall = (int64_t)timegm(&tm);
            continue;
        }
        if (!(c->hour & (1ull << tm.tm_hour))) {
            tm.tm_hour++;
            tm.tm_min = tm.tm_sec = 0;
            wall = (int64_t)timegm(&tm);
            continue;
        }
        if (!(c->minute & (1ull << tm.tm_min))) {
            wall += 60;
            continue;
        }
        int64_t t = wall;
        if (!utc) {
            tm.tm_isdst = -1;
            t = (int64_t)mktime(&tm);
        }
        if (t > after) {
            result = t;
            break;
        }
        wall += 60;
    }
    if (!utc) {
        zone_leave(saved);
        pthread_mutex_unlock(&tz_lock);
    }
    return result;
}

/* RFC 3339 of t in zone tz ("...Z" for UTC, "...+01:00" otherwise), as Go formats it. */
static void format_in_zone(int64_t t, const char *tz, char *out, size_t len)
{
    bool utc = !tz || !*tz || !strcmp(tz, "UTC") || !strcmp(tz, "Etc/UTC") || !zone_exists(tz);
    time_t tt = (time_t)t;
    struct tm tm;
    if (utc) {
        gmtime_r(&tt, &tm);
        strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return;
    }
    pthread_mutex_lock(&tz_lock);
    char *saved = zone_enter(tz);
    localtime_r(&tt, &tm);
    zone_leave(saved);
    pthread_mutex_unlock(&tz_lock);
    long off = tm.tm_gmtoff;
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    if (off == 0)
        snprintf(out, len, "%sZ", base);
    else
        snprintf(out, len, "%s%c%02ld:%02ld", base, off < 0 ? '-' : '+', labs(off) / 3600,
                 (labs(off) % 3600) / 60);
}

/* ---- the decision of one sync ---------------------------------------------- */

static int64_t parse_time(const char *s)
{
    time_t t;
    return s && cube_time_parse(s, &t) == 0 ? (int64_t)t : 0;
}

/* "Complete", "Failed" or NULL (still running). */
static const char *job_finished(const json_t *job)
{
    size_t i;
    json_t *c;
    json_array_foreach(cube_json_path(job, "status", "conditions", NULL), i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        const char *st = json_string_value(json_object_get(c, "status"));
        if (t && st && !strcmp(st, "True") && (!strcmp(t, "Complete") || !strcmp(t, "Failed")))
            return !strcmp(t, "Complete") ? "Complete" : "Failed";
    }
    return NULL;
}

static json_t *job_ref(const json_t *job)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "Job", "namespace",
                     cube_json_str(job, "metadata", "namespace", NULL), "name",
                     cube_json_str(job, "metadata", "name", NULL), "uid",
                     cube_json_str(job, "metadata", "uid", NULL)
                         ? cube_json_str(job, "metadata", "uid", NULL)
                         : "",
                     "apiVersion", "batch/v1", "resourceVersion",
                     cube_json_str(job, "metadata", "resourceVersion", NULL)
                         ? cube_json_str(job, "metadata", "resourceVersion", NULL)
                         : "");
}

static int cmp_job_start(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    const char *sx = cube_json_str(x, "status", "startTime", NULL);
    const char *sy = cube_json_str(y, "status", "startTime", NULL);
    if (!sx)
        sx = cube_json_str(x, "metadata", "creationTimestamp", NULL);
    if (!sy)
        sy = cube_json_str(y, "metadata", "creationTimestamp", NULL);
    return strcmp(sx ? sx : "", sy ? sy : "");
}

static json_t *new_job(const json_t *cj, int64_t scheduled, const char *tz)
{
    const char *name = cube_json_str(cj, "metadata", "name", NULL);
    json_t *tmpl = cube_json_path(cj, "spec", "jobTemplate", NULL);
    json_t *meta = json_deep_copy(json_object_get(tmpl, "metadata"));
    if (!json_is_object(meta)) {
        json_decref(meta);
        meta = json_object();
    }
    char *jname = xasprintf("%s-%lld", name, (long long)(scheduled / 60));
    json_object_set_new(meta, "name", json_string(jname));
    free(jname);
    json_object_del(meta, "generateName");
    json_object_set_new(meta, "namespace",
                        json_string(cube_json_str(cj, "metadata", "namespace", NULL)));
    char ts[64];
    format_in_zone(scheduled, tz, ts, sizeof(ts));
    json_object_set_new(cube_json_obj(meta, "annotations"), SCHEDULED_ANNOTATION, json_string(ts));
    json_object_set_new(meta, "ownerReferences",
                        json_pack("[o]", cube_ctrl_new_controller_ref(cj, "batch/v1", "CronJob")));
    json_t *spec = json_deep_copy(json_object_get(tmpl, "spec"));
    return json_pack("{s:s, s:s, s:o, s:o}", "apiVersion", "batch/v1", "kind", "Job", "metadata",
                     meta, "spec", spec ? spec : json_object());
}

static void add_event(cube_cronjob_plan_t *p, const char *type, const char *reason, const char *fmt,
                      ...) _printf_(4, 5);
static void add_event(cube_cronjob_plan_t *p, const char *type, const char *reason, const char *fmt,
                      ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_array_append_new(p->events, json_pack("[s, s, s]", type, reason, msg));
}

/* Adds the names of finished jobs beyond the history limits, oldest first. */
static void plan_history(const json_t *cj, json_t *const *jobs, size_t n, json_t *out)
{
    json_t *lim_ok = cube_json_path(cj, "spec", "successfulJobsHistoryLimit", NULL);
    json_t *lim_bad = cube_json_path(cj, "spec", "failedJobsHistoryLimit", NULL);
    int limits[2] = {json_is_integer(lim_ok) ? (int)json_integer_value(lim_ok) : 3,
                     json_is_integer(lim_bad) ? (int)json_integer_value(lim_bad) : 1};
    const char *kinds[2] = {"Complete", "Failed"};
    json_t **sorted = xcalloc(n + 1, sizeof(*sorted));
    for (int k = 0; k < 2; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            const char *f = job_finished(jobs[i]);
            if (f && !strcmp(f, kinds[k]))
                sorted[m++] = jobs[i];
        }
        if ((int)m <= limits[k])
            continue;
        qsort(sorted, m, sizeof(*sorted), cmp_job_start);
        for (size_t i = 0; i < m - (size_t)limits[k]; i++)
            json_array_append_new(out,
                                  json_string(cube_json_str(sorted[i], "metadata", "name", NULL)));
    }
    free(sorted);
}

void cube_cronjob_plan_clear(cube_cronjob_plan_t *p)
{
    json_decref(p->status);
    json_decref(p->create);
    json_decref(p->delete_jobs);
    json_decref(p->events);
    memset(p, 0, sizeof(*p));
}

void cube_cronjob_plan(const json_t *cj, json_t *const *jobs, size_t n, int64_t now,
                       cube_cronjob_plan_t *ret)
{
    memset(ret, 0, sizeof(*ret));
    ret->delete_jobs = json_array();
    ret->events = json_array();
    json_t *old = json_object_get(cj, "status");
    json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
    ret->status = st;

    /* status.active and lastSuccessfulTime from the jobs as they are */
    json_t *active = json_array();
    int64_t last_ok = parse_time(json_string_value(json_object_get(st, "lastSuccessfulTime")));
    for (size_t i = 0; i < n; i++) {
        const char *f = job_finished(jobs[i]);
        const char *jn = cube_json_str(jobs[i], "metadata", "name", NULL);
        if (!f) {
            json_array_append_new(active, job_ref(jobs[i]));
            continue;
        }
        size_t k;
        json_t *ref;
        json_array_foreach(json_object_get(old, "active"), k, ref)
        {
            const char *rn = json_string_value(json_object_get(ref, "name"));
            if (rn && jn && !strcmp(rn, jn))
                add_event(ret, "Normal", "SawCompletedJob", "Saw completed job: %s, condition: %s",
                          rn, f);
        }
        int64_t ct = parse_time(cube_json_str(jobs[i], "status", "completionTime", NULL));
        if (!strcmp(f, "Complete") && ct > last_ok)
            last_ok = ct;
    }
    char ts[64];
    if (json_array_size(active))
        json_object_set_new(st, "active", active);
    else {
        json_object_del(st, "active");
        json_decref(active);
    }
    if (last_ok) {
        cube_time_rfc3339((time_t)last_ok, ts);
        json_object_set_new(st, "lastSuccessfulTime", json_string(ts));
    }
    plan_history(cj, jobs, n, ret->delete_jobs);

    json_t *dt = cube_json_path(cj, "metadata", "deletionTimestamp", NULL);
    if ((dt && !json_is_null(dt)) || json_is_true(cube_json_path(cj, "spec", "suspend", NULL)))
        return;
    cube_cron_t sched;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const char *tz = cube_json_str(cj, "spec", "timeZone", NULL);
    if (cube_cron_parse(cube_json_str(cj, "spec", "schedule", NULL), &sched, &err) < 0) {
        add_event(ret, "Warning", "UnparseableSchedule", "unparseable schedule: %s", err.msg);
        return;
    }
    if (tz && *tz && cube_cron_next(&sched, 0, tz) < 0) {
        add_event(ret, "Warning", "UnknownTimeZone", "invalid timeZone: \"%s\"", tz);
        return;
    }
    int64_t earliest = parse_time(json_string_value(json_object_get(st, "lastScheduleTime")));
    if (!earliest)
        earliest = parse_time(cube_json_str(cj, "metadata", "creationTimestamp", NULL));
    json_t *sds = cube_json_path(cj, "spec", "startingDeadlineSeconds", NULL);
    if (json_is_integer(sds) && now - json_integer_value(sds) > earliest)
        earliest = now - json_integer_value(sds);
    /* the most recent scheduled time in (earliest, now] */
    int64_t scheduled = -1, t = cube_cron_next(&sched, earliest, tz);
    int missed = 0;
    while (t > 0 && t <= now) {
        scheduled = t;
        if (++missed > 100 && earliest < now - 86400) {
            /* far behind: Kubernetes warns and looks only at the recent past */
            add_event(ret, "Warning", "TooManyMissedTimes",
                      "too many missed start times. Set or decrease "
                      ".spec.startingDeadlineSeconds or check clock skew");
            earliest = now - 86400;
            t = cube_cron_next(&sched, earliest, tz);
            missed = 0;
            continue;
        }
        t = cube_cron_next(&sched, t, tz);
    }
    int64_t next = cube_cron_next(&sched, now, tz);
    if (next > 0)
        ret->requeue_sec = (int)(next - now);
    if (scheduled < 0)
        return;
    if (json_is_integer(sds) && scheduled + json_integer_value(sds) < now) {
        format_in_zone(scheduled, tz, ts, sizeof(ts));
        add_event(ret, "Warning", "MissSchedule", "Missed scheduled time to start a job: %s", ts);
        return;
    }
    const char *policy = cube_json_str(cj, "spec", "concurrencyPolicy", NULL);
    json_t *act = json_object_get(st, "active");
    if (policy && !strcmp(policy, "Forbid") && json_array_size(act) > 0)
        return; /* the next run waits for this one */
    if (policy && !strcmp(policy, "Replace")) {
        size_t i;
        json_t *ref;
        json_array_foreach(act, i, ref)
        {
            json_array_append(ret->delete_jobs, json_object_get(ref, "name"));
        }
        json_object_del(st, "active");
    }
    ret->create = new_job(cj, scheduled, tz);
    ret->scheduled = scheduled;
    cube_time_rfc3339((time_t)scheduled, ts);
    json_object_set_new(st, "lastScheduleTime", json_string(ts));
}

/* ---- the controller ------------------------------------------------------ */

typedef struct cj_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_cj, *r_job;
    cube_informer_t *cjs, *jobs;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
    cube_recorder_t *rec;
} cj_state_t;

static void cj_event(json_t *obj, void *u)
{
    cj_state_t *s = u;
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_workqueue_add(s->q, key);
}
static void cj_update(json_t *old, json_t *obj, void *u)
{
    cj_event(obj, u);
}

static void job_event(json_t *obj, void *u)
{
    cj_state_t *s = u;
    const json_t *ref = cube_ctrl_controller_ref(obj);
    const char *kind = ref ? json_string_value(json_object_get(ref, "kind")) : NULL;
    if (!kind || strcmp(kind, "CronJob"))
        return;
    _cleanup_free_ char *key = xasprintf("%s/%s", cube_json_str(obj, "metadata", "namespace", NULL),
                                         json_string_value(json_object_get(ref, "name")));
    cube_workqueue_add(s->q, key);
}
static void job_update(json_t *old, json_t *obj, void *u)
{
    if (old != obj)
        job_event(obj, u);
}

static int sync_cj(const char *key, void *u)
{
    cj_state_t *s = u;
    if (!cube_informer_synced(s->cjs) || !cube_informer_synced(s->jobs))
        return -1;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    json_auto_t *cj = cube_informer_get(s->cjs, ns, name);
    if (!cj)
        return 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const char *uid = cube_json_str(cj, "metadata", "uid", NULL);
    json_t **jobs = NULL;
    size_t nall = cube_informer_by_index(s->jobs, CUBE_CTRL_INDEX_OWNER, uid ? uid : "", &jobs);
    size_t n = 0;
    for (size_t i = 0; i < nall; i++) {
        const json_t *ref = cube_ctrl_controller_ref(jobs[i]);
        const char *ruid = ref ? json_string_value(json_object_get(ref, "uid")) : NULL;
        if (ruid && uid && !strcmp(ruid, uid))
            jobs[n++] = jobs[i];
        else
            json_decref(jobs[i]);
    }
    cube_cronjob_plan_t plan;
    cube_cronjob_plan(cj, jobs, n, (int64_t)time(NULL), &plan);
    cube_json_refs_free(jobs, n);

    size_t i;
    json_t *v;
    json_array_foreach(plan.events, i, v)
    {
        cube_recorder_event(s->rec, cj, json_string_value(json_array_get(v, 0)),
                            json_string_value(json_array_get(v, 1)), "%s",
                            json_string_value(json_array_get(v, 2)));
    }
    int rc = 0;
    json_auto_t *opts = json_pack("{s:s, s:s, s:s}", "kind", "DeleteOptions", "apiVersion", "v1",
                                  "propagationPolicy", "Background");
    json_array_foreach(plan.delete_jobs, i, v)
    {
        if (cube_client_delete(s->ctx->client, s->r_job, ns, json_string_value(v), opts, &err) <
                0 &&
            err.code != 404) {
            cube_recorder_event(s->rec, cj, "Warning", "FailedDelete", "Deleted job: %s", err.msg);
            rc = -1;
        } else {
            cube_recorder_event(s->rec, cj, "Normal", "SuccessfulDelete", "Deleted job %s",
                                json_string_value(v));
        }
        cube_err_clear(&err);
    }
    if (plan.create && rc == 0) {
        json_auto_t *created = NULL;
        if (cube_client_create(s->ctx->client, s->r_job, ns, plan.create, &created, &err) < 0) {
            if (strcmp(err.reason ? err.reason : "", "AlreadyExists")) {
                cube_recorder_event(s->rec, cj, "Warning", "FailedCreate", "Error creating job: %s",
                                    err.msg);
                cube_cronjob_plan_clear(&plan);
                return -1; /* lastScheduleTime is not recorded: the run is retried */
            }
            cube_err_clear(&err);
        } else {
            cube_recorder_event(s->rec, cj, "Normal", "SuccessfulCreate", "Created job %s",
                                cube_json_str(created, "metadata", "name", NULL));
            json_t *act = json_object_get(plan.status, "active");
            if (!json_is_array(act)) {
                act = json_array();
                json_object_set_new(plan.status, "active", act);
            }
            json_array_append_new(act, job_ref(created));
        }
    }
    json_t *old = json_object_get(cj, "status");
    json_auto_t *empty = json_object();
    if (rc == 0 && !json_equal(plan.status, old ? old : empty) && json_object_size(plan.status)) {
        json_auto_t *upd = json_deep_copy(cj);
        json_object_set(upd, "status", plan.status);
        if (cube_client_update(s->ctx->client, s->r_cj, upd, "status", NULL, &err) < 0) {
            cube_log_v(2, "cronjob: status of \"%s\": %s", key, err.msg);
            rc = -1;
        }
    }
    if (plan.requeue_sec > 0)
        cube_workqueue_add_after(s->q, key, plan.requeue_sec * 1000 + 100);
    cube_cronjob_plan_clear(&plan);
    return rc;
}

static int cj_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    pthread_mutex_lock(&tz_lock);
    if (!getenv("TZ"))
        setenv("TZ", "UTC", 1);
    pthread_mutex_unlock(&tz_lock);
    cj_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->r_cj = cube_api_resource_find("batch", "v1", "cronjobs");
    s->r_job = cube_api_resource_find("batch", "v1", "jobs");
    s->cjs = cube_informers_get(ctx->informers, s->r_cj, NULL);
    s->jobs = cube_informers_get(ctx->informers, s->r_job, NULL);
    s->rec = cube_recorder_new(ctx->client, "cronjob-controller", NULL);
    s->q = cube_workqueue_new("cronjob", 5, 60000, 0, 0);
    cube_informer_add_handlers(
        s->cjs,
        &(cube_informer_handlers_t){.on_add = cj_event, .on_update = cj_update, .userdata = s});
    cube_informer_add_handlers(s->jobs, &(cube_informer_handlers_t){.on_add = job_event,
                                                                    .on_update = job_update,
                                                                    .on_delete = job_event,
                                                                    .userdata = s});
    s->w = cube_ctrl_workers_start(ctx, s->q, ctx->cfg->workers, sync_cj, s);
    *ret_state = s;
    return 0;
}

static void cj_stop(void *state)
{
    cj_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    cube_recorder_free(s->rec);
    free(s);
}

const cube_controller_ops_t cube_ctrl_cronjob = {
    .name = "cronjob",
    .start = cj_start,
    .stop = cj_stop,
};
