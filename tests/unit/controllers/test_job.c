/* Unit tests for src/controllers/job.c: one sync's decisions (pods to create and delete,
 * finalizer tracking, conditions, backoff, TTL) and the expectations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "controllers/controllers.h"

#define NOW 1800000000

static json_t *js(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad JSON in test: %s: %s", e.text, text);
    return j;
}

static json_t *job_json(const char *spec, const char *status)
{
    char *text =
        xasprintf("{\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\",\"uid\":\"j1\"},"
                  "\"spec\":%s,\"status\":%s}",
                  spec, status);
    json_t *j = js(text);
    free(text);
    return j;
}

static json_t *pod_json(const char *name, const char *phase, bool fin, int index)
{
    json_t *p = json_pack("{s:{s:s, s:s, s:s}, s:{s:s}}", "metadata", "name", name, "namespace",
                          "default", "uid", name, "status", "phase", phase);
    if (fin)
        json_object_set_new(json_object_get(p, "metadata"), "finalizers",
                            json_pack("[s]", "batch.kubernetes.io/job-tracking"));
    if (index >= 0) {
        char b[16];
        snprintf(b, sizeof(b), "%d", index);
        json_object_set_new(json_object_get(p, "metadata"), "annotations",
                            json_pack("{s:s}", "batch.kubernetes.io/job-completion-index", b));
    }
    return p;
}

static const char *cond_reason(const json_t *status, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(status, "conditions"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "type")), type))
            return json_string_value(json_object_get(c, "reason"));
    }
    return NULL;
}

static void test_new_job_creates_up_to_parallelism(void **state)
{
    json_auto_t *job = job_json("{\"completions\":5,\"parallelism\":2}", "{}");
    cube_job_plan_t p;
    cube_job_plan(job, NULL, 0, NOW, &p);
    assert_int_equal(p.create, 2);
    assert_non_null(json_object_get(p.status, "startTime"));
    assert_int_equal(json_integer_value(json_object_get(p.status, "active")), 2);
    assert_null(json_object_get(p.status, "succeeded"));
    cube_job_plan_clear(&p);
}

static void test_finished_pod_is_recorded_then_counted(void **state)
{
    json_auto_t *job = job_json("{\"completions\":2,\"parallelism\":1}",
                                "{\"startTime\":\"2027-01-15T08:00:00Z\"}");
    json_t *pod = pod_json("a", "Succeeded", true, -1);
    cube_job_plan_t p;
    cube_job_plan(job, &pod, 1, NOW, &p);
    /* recorded as uncounted, finalizer to remove, one more pod to run */
    json_t *uncs = cube_json_path(p.status, "uncountedTerminatedPods", "succeeded", NULL);
    assert_int_equal(json_array_size(uncs), 1);
    assert_string_equal(json_string_value(json_array_get(uncs, 0)), "a");
    assert_int_equal(json_array_size(p.unfinalize), 1);
    assert_int_equal(p.create, 1);
    cube_job_plan_clear(&p);

    /* next sync: the finalizer is gone: counted */
    json_auto_t *job2 = job_json("{\"completions\":2,\"parallelism\":1}",
                                 "{\"startTime\":\"2027-01-15T08:00:00Z\",\"active\":1,"
                                 "\"uncountedTerminatedPods\":{\"succeeded\":[\"a\"]}}");
    json_t *pods2[2] = {pod_json("a", "Succeeded", false, -1), pod_json("b", "Running", true, -1)};
    cube_job_plan(job2, pods2, 2, NOW, &p);
    assert_int_equal(json_integer_value(json_object_get(p.status, "succeeded")), 1);
    assert_int_equal(json_object_size(json_object_get(p.status, "uncountedTerminatedPods")), 0);
    assert_int_equal(p.create, 0);
    assert_int_equal(json_array_size(p.unfinalize), 0);
    cube_job_plan_clear(&p);
    json_decref(pod);
    json_decref(pods2[0]);
    json_decref(pods2[1]);
}

static void test_completion_conditions(void **state)
{
    json_auto_t *job = job_json("{\"completions\":1,\"parallelism\":1}",
                                "{\"startTime\":\"2027-01-15T08:00:00Z\",\"succeeded\":1}");
    cube_job_plan_t p;
    cube_job_plan(job, NULL, 0, NOW, &p);
    assert_string_equal(cond_reason(p.status, "SuccessCriteriaMet"), "CompletionsReached");
    assert_string_equal(cond_reason(p.status, "Complete"), "CompletionsReached");
    assert_non_null(json_object_get(p.status, "completionTime"));
    assert_int_equal(p.create, 0);
    assert_null(json_object_get(p.status, "active"));
    cube_job_plan_clear(&p);

    /* succeeded reached while a pod still has its finalizer: SuccessCriteriaMet only */
    json_auto_t *job2 = job_json("{\"completions\":1,\"parallelism\":1}",
                                 "{\"startTime\":\"2027-01-15T08:00:00Z\"}");
    json_t *pod = pod_json("a", "Succeeded", true, -1);
    cube_job_plan(job2, &pod, 1, NOW, &p);
    assert_non_null(cond_reason(p.status, "SuccessCriteriaMet"));
    assert_null(cond_reason(p.status, "Complete"));
    cube_job_plan_clear(&p);
    json_decref(pod);
}

static void test_backoff_limit_and_delay(void **state)
{
    json_auto_t *job = job_json("{\"completions\":1,\"parallelism\":1,\"backoffLimit\":1}",
                                "{\"startTime\":\"2027-01-15T08:00:00Z\",\"failed\":2}");
    json_t *pods[1] = {pod_json("r", "Running", true, -1)};
    cube_job_plan_t p;
    cube_job_plan(job, pods, 1, NOW, &p);
    assert_string_equal(cond_reason(p.status, "FailureTarget"), "BackoffLimitExceeded");
    assert_null(cond_reason(p.status, "Failed")); /* a pod still runs */
    assert_int_equal(json_array_size(p.delete_pods), 1);
    cube_job_plan_clear(&p);
    json_decref(pods[0]);
    json_auto_t *job2 =
        job_json("{\"completions\":1,\"parallelism\":1,\"backoffLimit\":1}",
                 "{\"startTime\":\"2027-01-15T08:00:00Z\",\"failed\":2,\"conditions\":[{\"type\":"
                 "\"FailureTarget\",\"status\":\"True\",\"reason\":\"BackoffLimitExceeded\","
                 "\"message\":\"Job has reached the specified backoff limit\"}]}");
    cube_job_plan(job2, NULL, 0, NOW, &p);
    assert_string_equal(cond_reason(p.status, "Failed"), "BackoffLimitExceeded");
    cube_job_plan_clear(&p);

    /* one failure 3 s ago: the next pod waits 10 s from the failure */
    json_auto_t *job3 = job_json("{\"completions\":1,\"parallelism\":1}",
                                 "{\"startTime\":\"2027-01-15T08:00:00Z\",\"failed\":1}");
    json_t *failed = pod_json("f", "Failed", false, -1);
    char ts[32];
    cube_time_rfc3339(NOW - 3, ts);
    json_object_set_new(json_object_get(failed, "status"), "conditions",
                        json_pack("[{s:s, s:s, s:s}]", "type", "Ready", "status", "False",
                                  "lastTransitionTime", ts));
    cube_job_plan(job3, &failed, 1, NOW, &p);
    assert_int_equal(p.create, 0);
    assert_int_equal(p.requeue_sec, 7);
    cube_job_plan_clear(&p);
    cube_job_plan(job3, &failed, 1, NOW + 8, &p);
    assert_int_equal(p.create, 1);
    cube_job_plan_clear(&p);
    json_decref(failed);
}

static void test_deadline(void **state)
{
    json_auto_t *job = job_json("{\"completions\":1,\"activeDeadlineSeconds\":30}",
                                "{\"startTime\":\"2027-01-15T07:59:00Z\"}");
    cube_job_plan_t p;
    cube_job_plan(job, NULL, 0, NOW - 40, &p); /* NOW is 2027-01-15T08:00:00Z */
    assert_null(cond_reason(p.status, "FailureTarget"));
    assert_int_equal(p.create, 1);
    assert_int_equal(p.requeue_sec, 10);
    cube_job_plan_clear(&p);
    cube_job_plan(job, NULL, 0, NOW, &p);
    assert_string_equal(cond_reason(p.status, "FailureTarget"), "DeadlineExceeded");
    assert_string_equal(cond_reason(p.status, "Failed"), "DeadlineExceeded");
    cube_job_plan_clear(&p);
}

static void test_indexed(void **state)
{
    json_auto_t *job =
        job_json("{\"completions\":4,\"parallelism\":2,\"completionMode\":\"Indexed\"}",
                 "{\"startTime\":\"2027-01-15T08:00:00Z\",\"completedIndexes\":\"2\"}");
    json_t *pods[2] = {pod_json("a", "Succeeded", true, 0), pod_json("b", "Running", true, 1)};
    cube_job_plan_t p;
    cube_job_plan(job, pods, 2, NOW, &p);
    assert_string_equal(cube_json_str(p.status, "completedIndexes", NULL), "0,2");
    assert_int_equal(p.create, 1);
    assert_int_equal(json_integer_value(json_array_get(p.create_indexes, 0)), 3);
    cube_job_plan_clear(&p);
    json_decref(pods[0]);
    json_decref(pods[1]);
    json_auto_t *ints = js("[1,3,4,5,7]");
    char *s = cube_job_format_indexes(ints);
    assert_string_equal(s, "1,3-5,7");
    free(s);
}

static void test_ttl(void **state)
{
    json_auto_t *job =
        job_json("{\"completions\":1,\"ttlSecondsAfterFinished\":100}",
                 "{\"succeeded\":1,\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\","
                 "\"lastTransitionTime\":\"2027-01-15T08:00:00Z\"}]}");
    time_t done;
    cube_time_parse("2027-01-15T08:00:00Z", &done);
    cube_job_plan_t p;
    cube_job_plan(job, NULL, 0, done + 40, &p);
    assert_false(p.delete_job);
    assert_int_equal(p.requeue_sec, 60);
    cube_job_plan_clear(&p);
    cube_job_plan(job, NULL, 0, done + 100, &p);
    assert_true(p.delete_job);
    cube_job_plan_clear(&p);
}

static void test_expectations(void **state)
{
    cube_expectations_t *e = cube_expectations_new();
    assert_true(cube_expectations_satisfied(e, "a/b"));
    cube_expectations_expect(e, "a/b", 2, 0);
    assert_false(cube_expectations_satisfied(e, "a/b"));
    cube_expectations_observe(e, "a/b", 1, 0);
    assert_false(cube_expectations_satisfied(e, "a/b"));
    cube_expectations_observe(e, "a/b", 1, 0);
    assert_true(cube_expectations_satisfied(e, "a/b"));
    cube_expectations_observe(e, "x/y", 1, 0); /* nothing expected: no entry */
    assert_true(cube_expectations_satisfied(e, "x/y"));
    cube_expectations_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_job_creates_up_to_parallelism),
        cmocka_unit_test(test_finished_pod_is_recorded_then_counted),
        cmocka_unit_test(test_completion_conditions),
        cmocka_unit_test(test_backoff_limit_and_delay),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_indexed),
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_expectations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
