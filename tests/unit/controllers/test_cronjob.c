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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_utc),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_time_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
