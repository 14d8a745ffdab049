/* Unit tests for src/controllers/cronjob.c: cron parsing and next times, in UTC and in a zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

static int64_t at(const char *rfc)
{
    time_t t;
    assert_int_equal(cube_time_parse(rfc, &t), 0);
    return (int64_t)t;
}

static int64_t next_of(const char *spec, const char *after, const char *tz)
{
    cube_cron_t c;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_cron_parse(spec, &c, &err) < 0)
        fail_msg("parse \"%s\": %s", spec, err.msg);
    return cube_cron_next(&c, at(after), tz);
}

static void check(const char *spec, const char *after, const char *want)
{
    int64_t got = next_of(spec, after, NULL);
    char buf[32];
    cube_time_rfc3339((time_t)got, buf);
    if (strcmp(buf, want))
        fail_msg("\"%s\" after %s: got %s, want %s", spec, after, buf, want);
}

static void test_next_utc(void **state)
{
    check("* * * * *", "2026-11-22T06:19:36Z", "2026-11-22T06:20:00Z");
    check("* * * * *", "2026-11-22T06:20:00Z", "2026-11-22T06:21:00Z");
    check("*/15 * * * *", "2026-11-22T06:20:00Z", "2026-11-22T06:30:00Z");
    check("5 4 * * *", "2026-11-22T06:20:00Z", "2026-11-23T04:05:00Z");
    check("0 0 1 jan *", "2026-11-22T06:20:00Z", "2027-01-01T00:00:00Z");
    check("0 9 * * MON-FRI", "2026-11-21T10:00:00Z", "2026-11-23T09:00:00Z"); /* Sat -> Mon */
    check("@hourly", "2026-11-22T06:20:00Z", "2026-11-22T07:00:00Z");
    check("@weekly", "2026-11-22T06:20:00Z", "2026-11-29T00:00:00Z"); /* a Sunday */
    check("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z");
    check("10-20/5 1,2 * * *", "2026-11-22T01:16:00Z", "2026-11-22T01:20:00Z");
    check("30/10 * * * *", "2026-11-22T01:41:00Z", "2026-11-22T01:50:00Z");
    /* both day fields restricted: either matches (Vixie cron) */
    check("0 0 13 * 5", "2026-11-01T00:00:00Z", "2026-11-06T00:00:00Z");
    /* day of week star-ish: "?" acts as * */
    check("0 0 13 * ?", "2026-11-01T00:00:00Z", "2026-11-13T00:00:00Z");
}

static void test_parse_errors(void **state)
{
    const char *bad[] = {"* * * *",    "60 * * * *",       "* 24 * * *",  "* * 0 * *",
                         "* * * 13 *", "* * * * 7",        "*/0 * * * *", "a * * * *",
                         "@never",     "TZ=UTC * * * * *", "1, * * * *",  "5-1 * * * *"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(bad); i++) {
        cube_cron_t c;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_cron_parse(bad[i], &c, &err) != -1)
            fail_msg("\"%s\" parsed", bad[i]);
        assert_string_equal(err.reason, "Invalid");
    }
}

static void test_time_zone(void **state)
{
    /* 9:00 in Berlin is 08:00Z in winter (CET) and 07:00Z in summer (CEST) */
    char buf[32];
    int64_t t = next_of("0 9 * * *", "2026-11-22T06:20:00Z", "Europe/Berlin");
    cube_time_rfc3339((time_t)t, buf);
    assert_string_equal(buf, "2026-11-22T08:00:00Z");
    t = next_of("0 9 * * *", "2026-07-01T10:00:00Z", "Europe/Berlin");
    cube_time_rfc3339((time_t)t, buf);
    assert_string_equal(buf, "2026-07-02T07:00:00Z");
    assert_int_equal(next_of("0 9 * * *", "2026-07-01T10:00:00Z", "No/Such_Zone"), -1);
    assert_int_equal(next_of("0 9 * * *", "2026-07-01T10:00:00Z", "../etc/passwd"), -1);
    /* the process' own zone is left as it was */
    const char *tz = getenv("TZ");
    assert_true(!tz || strcmp(tz, ":Europe/Berlin"));
}

static json_t *cj_json(const char *spec_extra, const char *status)
{
    char *t = xasprintf("{\"metadata\":{\"name\":\"tick\",\"namespace\":\"ns\",\"uid\":\"c1\","
                        "\"creationTimestamp\":\"2026-11-22T05:00:00Z\"},\"spec\":{%s"
                        "\"schedule\":\"*/5 * * * *\",\"jobTemplate\":{\"metadata\":{\"labels\":"
                        "{\"x\":\"y\"}},\"spec\":{\"template\":{}}}},\"status\":%s}",
                        spec_extra, status);
    json_error_t e;
    json_t *j = json_loads(t, 0, &e);
    if (!j)
        fail_msg("bad JSON: %s: %s", e.text, t);
    free(t);
    return j;
}

/* A job of the cronjob: finished "Complete"/"Failed" or NULL (running), started at start. */
static json_t *cjob(const char *name, const char *finished, const char *start)
{
    json_t *j = json_pack("{s:{s:s, s:s, s:s}, s:{s:s}}", "metadata", "name", name, "namespace",
                          "ns", "uid", name, "status", "startTime", start);
    if (finished)
        json_object_set_new(json_object_get(j, "status"), "conditions",
                            json_pack("[{s:s, s:s}]", "type", finished, "status", "True"));
    return j;
}

static bool has_event(const cube_cronjob_plan_t *p, const char *reason)
{
    size_t i;
    json_t *e;
    json_array_foreach(p->events, i, e)
    {
        if (!strcmp(json_string_value(json_array_get(e, 1)), reason))
            return true;
    }
    return false;
}

static void test_plan_creates_due_job(void **state)
{
    json_auto_t *cj = cj_json("", "{\"lastScheduleTime\":\"2026-11-22T06:05:00Z\"}");
    cube_cronjob_plan_t p;
    cube_cronjob_plan(cj, NULL, 0, at("2026-11-22T06:12:30Z"), &p);
    assert_non_null(p.create);
    assert_int_equal(p.scheduled, at("2026-11-22T06:10:00Z"));
    char want[64];
    snprintf(want, sizeof(want), "tick-%lld", (long long)(at("2026-11-22T06:10:00Z") / 60));
    assert_string_equal(cube_json_str(p.create, "metadata", "name", NULL), want);
    assert_string_equal(cube_json_str(p.create, "metadata", "annotations",
                                      "batch.kubernetes.io/cronjob-scheduled-timestamp", NULL),
                        "2026-11-22T06:10:00Z");
    assert_string_equal(cube_json_str(p.create, "metadata", "labels", "x", NULL), "y");
    assert_string_equal(
        cube_json_str(
            json_array_get(cube_json_path(p.create, "metadata", "ownerReferences", NULL), 0),
            "kind", NULL),
        "CronJob");
    assert_string_equal(cube_json_str(p.status, "lastScheduleTime", NULL), "2026-11-22T06:10:00Z");
    assert_int_equal(p.requeue_sec, 150); /* 06:15:00 */
    cube_cronjob_plan_clear(&p);
    /* nothing due yet */
    cube_cronjob_plan(cj, NULL, 0, at("2026-11-22T06:07:00Z"), &p);
    assert_null(p.create);
    cube_cronjob_plan_clear(&p);
}

static void test_plan_concurrency(void **state)
{
    json_t *running = cjob("tick-1", NULL, "2026-11-22T06:05:00Z");
    json_auto_t *forbid = cj_json("\"concurrencyPolicy\":\"Forbid\",",
                                  "{\"lastScheduleTime\":\"2026-11-22T06:05:00Z\"}");
    cube_cronjob_plan_t p;
    cube_cronjob_plan(forbid, &running, 1, at("2026-11-22T06:10:30Z"), &p);
    assert_null(p.create);
    assert_int_equal(json_array_size(cube_json_path(p.status, "active", NULL)), 1);
    cube_cronjob_plan_clear(&p);
    json_auto_t *allow = cj_json("", "{\"lastScheduleTime\":\"2026-11-22T06:05:00Z\"}");
    cube_cronjob_plan(allow, &running, 1, at("2026-11-22T06:10:30Z"), &p);
    assert_non_null(p.create);
    assert_int_equal(json_array_size(p.delete_jobs), 0);
    cube_cronjob_plan_clear(&p);
    json_auto_t *replace = cj_json("\"concurrencyPolicy\":\"Replace\",",
                                   "{\"lastScheduleTime\":\"2026-11-22T06:05:00Z\"}");
    cube_cronjob_plan(replace, &running, 1, at("2026-11-22T06:10:30Z"), &p);
    assert_non_null(p.create);
    assert_int_equal(json_array_size(p.delete_jobs), 1);
    assert_string_equal(json_string_value(json_array_get(p.delete_jobs, 0)), "tick-1");
    cube_cronjob_plan_clear(&p);
    json_decref(running);
}

static void test_plan_history_and_status(void **state)
{
    json_auto_t *cj = cj_json("\"suspend\":true,", "{\"active\":[{\"name\":\"ok3\"}]}");
    json_t *jobs[7] = {cjob("ok1", "Complete", "2026-11-22T01:00:00Z"),
                       cjob("ok2", "Complete", "2026-11-22T02:00:00Z"),
                       cjob("ok3", "Complete", "2026-11-22T03:00:00Z"),
                       cjob("ok4", "Complete", "2026-11-22T04:00:00Z"),
                       cjob("ok0", "Complete", "2026-11-22T00:00:00Z"),
                       cjob("bad1", "Failed", "2026-11-22T01:00:00Z"),
                       cjob("bad2", "Failed", "2026-11-22T02:00:00Z")};
    json_object_set_new(json_object_get(jobs[3], "status"), "completionTime",
                        json_string("2026-11-22T04:01:00Z"));
    cube_cronjob_plan_t p;
    cube_cronjob_plan(cj, jobs, 7, at("2026-11-22T06:10:30Z"), &p);
    char *d = cube_json_dump(p.delete_jobs, NULL);
    assert_string_equal(d, "[\"ok0\",\"ok1\",\"bad1\"]");
    free(d);
    assert_null(p.create); /* suspended */
    assert_null(json_object_get(p.status, "active"));
    assert_string_equal(cube_json_str(p.status, "lastSuccessfulTime", NULL),
                        "2026-11-22T04:01:00Z");
    assert_true(has_event(&p, "SawCompletedJob"));
    cube_cronjob_plan_clear(&p);
    for (int i = 0; i < 7; i++)
        json_decref(jobs[i]);
}

static void test_plan_deadline_and_zone(void **state)
{
    json_auto_t *late = cj_json("\"startingDeadlineSeconds\":10,",
                                "{\"lastScheduleTime\":\"2026-11-22T06:05:00Z\"}");
    cube_cronjob_plan_t p;
    /* 06:10 is 30 s ago, past the 10 s deadline: no run (the window starts at now - 10 s) */
    cube_cronjob_plan(late, NULL, 0, at("2026-11-22T06:10:30Z"), &p);
    assert_null(p.create);
    cube_cronjob_plan_clear(&p);
    cube_cronjob_plan(late, NULL, 0, at("2026-11-22T06:10:05Z"), &p);
    assert_non_null(p.create);
    cube_cronjob_plan_clear(&p);
    json_auto_t *berlin = cj_json("\"timeZone\":\"Europe/Berlin\",",
                                  "{\"lastScheduleTime\":\"2026-11-22T06:05:00Z\"}");
    cube_cronjob_plan(berlin, NULL, 0, at("2026-11-22T06:12:30Z"), &p);
    assert_string_equal(cube_json_str(p.create, "metadata", "annotations",
                                      "batch.kubernetes.io/cronjob-scheduled-timestamp", NULL),
                        "2026-11-22T07:10:00+01:00");
    cube_cronjob_plan_clear(&p);
    json_auto_t *bad = cj_json("\"timeZone\":\"Mars/Olympus\",", "{}");
    cube_cronjob_plan(bad, NULL, 0, at("2026-11-22T06:12:30Z"), &p);
    assert_null(p.create);
    assert_true(has_event(&p, "UnknownTimeZone"));
    cube_cronjob_plan_clear(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_utc),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_time_zone),
        cmocka_unit_test(test_plan_creates_due_job),
        cmocka_unit_test(test_plan_concurrency),
        cmocka_unit_test(test_plan_history_and_status),
        cmocka_unit_test(test_plan_deadline_and_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
