/* Unit tests for src/apiserver/metrics.c: values, buckets, escaping, format, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ctype.h>
#include <pthread.h>

#include "apiserver/internal.h"

/*
 * A strict checker of the text exposition format: every sample belongs to
 * the family whose HELP and TYPE lines came just before, families are not
 * split, label values are well-escaped, values parse as floats.
 */
static void check_format(const char *text)
{
    _cleanup_free_ char *copy = xstrdup(text);
    char family[256] = "", type[32] = "";
    char seen[64][256];
    size_t nseen = 0;
    assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "# HELP ", 7)) {
            char name[256];
            assert_int_equal(sscanf(line + 7, "%255s", name), 1);
            for (size_t i = 0; i < nseen; i++)
                assert_string_not_equal(seen[i], name); /* a family appears once */
            assert_true(nseen < 64);
            snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
            snprintf(family, sizeof(family), "%s", name);
            type[0] = 0;
            continue;
        }
        if (!strncmp(line, "# TYPE ", 7)) {
            char name[256];
            assert_int_equal(sscanf(line + 7, "%255s %31s", name, type), 2);
            assert_string_equal(name, family);
            assert_true(!strcmp(type, "counter") || !strcmp(type, "gauge") ||
                        !strcmp(type, "histogram"));
            continue;
        }
        assert_true(line[0] != '#');
        assert_true(type[0]); /* a sample after its TYPE */
        /* metric name */
        const char *p = line;
        assert_true(isalpha((unsigned char)*p) || *p == '_');
        while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
            p++;
        size_t nlen = (size_t)(p - line);
        size_t flen = strlen(family);
        assert_true(nlen >= flen && !strncmp(line, family, flen));
        const char *suffix = line + flen;
        if (!strcmp(type, "histogram"))
            assert_true(!strncmp(suffix, "_bucket{", 8) || !strncmp(suffix, "_sum", 4) ||
                        !strncmp(suffix, "_count", 6));
        else
            assert_int_equal(nlen, flen);
        if (*p == '{') {
            p++;
            while (*p != '}') {
                assert_true(isalpha((unsigned char)*p) || *p == '_');
                while (isalnum((unsigned char)*p) || *p == '_')
                    p++;
                assert_int_equal(*p++, '=');
                assert_int_equal(*p++, '"');
                while (*p != '"') {
                    assert_true(*p && *p != '\n');
                    if (*p == '\\') {
                        p++;
                        assert_true(*p == '\\' || *p == '"' || *p == 'n');
                    }
                    p++;
                }
                p++;
                if (*p == ',')
                    p++;
                else
                    assert_int_equal(*p, '}');
            }
            p++;
        }
        assert_int_equal(*p++, ' ');
        if (strcmp(p, "+Inf") && strcmp(p, "-Inf") && strcmp(p, "NaN")) {
            char *end;
            strtod(p, &end);
            assert_true(end != p && *end == 0);
        }
    }
}

static void test_request_counter_and_histogram(void **state)
{
    cube_metrics_t *m = cube_metrics_new();
    cube_metrics_request(m, "GET", "", "v1", "pods", "", "resource", 200, 0.003);
    cube_metrics_request(m, "GET", "", "v1", "pods", "", "resource", 200, 0.3);
    cube_metrics_request(m, "GET", "", "v1", "pods", "", "resource", 404, 100.0);
    cube_metrics_request(m, "LIST", "apps", "v1", "deployments", "", "namespace", 200, 0.025);
    cube_bytes_t *out = cube_metrics_render(m);
    check_format(out->data);
    const char *t = out->data;
    assert_non_null(strstr(t, "# TYPE apiserver_request_total counter\n"));
    assert_non_null(strstr(t, "apiserver_request_total{code=\"200\",component=\"apiserver\","
                              "group=\"\",resource=\"pods\",scope=\"resource\",subresource=\"\","
                              "verb=\"GET\",version=\"v1\"} 2\n"));
    assert_non_null(strstr(t, "apiserver_request_total{code=\"404\",component=\"apiserver\","
                              "group=\"\",resource=\"pods\",scope=\"resource\",subresource=\"\","
                              "verb=\"GET\",version=\"v1\"} 1\n"));
    assert_non_null(strstr(t, "# TYPE apiserver_request_duration_seconds histogram\n"));
    const char *lbl = "{component=\"apiserver\",group=\"\",resource=\"pods\",scope=\"resource\","
                      "subresource=\"\",verb=\"GET\",version=\"v1\"";
    char want[512];
    /* cumulative: 0.003 in le=0.005; 0.3 in le=0.4; 100 only in +Inf */
    snprintf(want, sizeof(want), "apiserver_request_duration_seconds_bucket%s,le=\"0.005\"} 1\n",
             lbl);
    assert_non_null(strstr(t, want));
    snprintf(want, sizeof(want), "apiserver_request_duration_seconds_bucket%s,le=\"0.2\"} 1\n",
             lbl);
    assert_non_null(strstr(t, want));
    snprintf(want, sizeof(want), "apiserver_request_duration_seconds_bucket%s,le=\"0.4\"} 2\n",
             lbl);
    assert_non_null(strstr(t, want));
    snprintf(want, sizeof(want), "apiserver_request_duration_seconds_bucket%s,le=\"60\"} 2\n", lbl);
    assert_non_null(strstr(t, want));
    snprintf(want, sizeof(want), "apiserver_request_duration_seconds_bucket%s,le=\"+Inf\"} 3\n",
             lbl);
    assert_non_null(strstr(t, want));
    snprintf(want, sizeof(want), "apiserver_request_duration_seconds_sum%s} 100.30", lbl);
    assert_non_null(strstr(t, want));
    snprintf(want, sizeof(want), "apiserver_request_duration_seconds_count%s} 3\n", lbl);
    assert_non_null(strstr(t, want));
    /* an observation equal to a bound falls in that bucket (le is inclusive) */
    assert_non_null(strstr(t, "resource=\"deployments\",scope=\"namespace\",subresource=\"\","
                              "verb=\"LIST\",version=\"v1\",le=\"0.025\"} 1\n"));
    /* the upstream bucket layout: 23 bounds + +Inf */
    size_t nb = 0;
    for (const char *p = t; (p = strstr(p, "apiserver_request_duration_seconds_bucket{")); p++)
        nb++;
    assert_int_equal(nb, 2 * 24);
    assert_non_null(strstr(t, "le=\"1.25\""));
    assert_non_null(strstr(t, "le=\"1\""));
    cube_bytes_unref(out);
    cube_metrics_free(m);
}

static void test_store_watchers_process(void **state)
{
    cube_metrics_t *m = cube_metrics_new();
    cube_metrics_store(m, "get", "/registry/pods", 0.01);
    cube_metrics_watchers_add(m, "", "v1", "pods", 1);
    cube_metrics_watchers_add(m, "", "v1", "pods", 1);
    cube_metrics_watchers_add(m, "", "v1", "pods", -1);
    cube_bytes_t *out = cube_metrics_render(m);
    check_format(out->data);
    const char *t = out->data;
    assert_non_null(strstr(
        t, "etcd_request_duration_seconds_count{operation=\"get\",type=\"/registry/pods\"} 1\n"));
    assert_non_null(strstr(
        t, "apiserver_registered_watchers{group=\"\",resource=\"pods\",version=\"v1\"} 1\n"));
    assert_non_null(strstr(t, "apiserver_longrunning_requests{component=\"apiserver\",group=\"\","
                              "resource=\"pods\",verb=\"WATCH\",version=\"v1\"} 1\n"));
    assert_non_null(strstr(t, "# TYPE process_resident_memory_bytes gauge\n"));
    assert_non_null(strstr(t, "# TYPE process_start_time_seconds gauge\n"));
    const char *rss = strstr(t, "\nprocess_resident_memory_bytes ");
    assert_non_null(rss);
    assert_true(atoll(rss + 31) > 1024 * 1024);
    const char *st = strstr(t, "\nprocess_start_time_seconds ");
    assert_non_null(st);
    double start = strtod(st + 28, NULL);
    double now = (double)time(NULL);
    assert_true(start > now - 3600 && start <= now + 1);
    cube_bytes_unref(out);
    cube_metrics_free(m);
}

static void test_label_escaping(void **state)
{
    cube_metrics_t *m = cube_metrics_new();
    cube_metrics_request(m, "GET", "g", "v1", "a\"b\\c\nd", NULL, "cluster", 200, 0.1);
    cube_bytes_t *out = cube_metrics_render(m);
    check_format(out->data);
    assert_non_null(strstr(out->data, "resource=\"a\\\"b\\\\c\\nd\",scope=\"cluster\","
                                      "subresource=\"\""));
    cube_bytes_unref(out);
    cube_metrics_free(m);
}

static void test_empty_render(void **state)
{
    cube_metrics_t *m = cube_metrics_new();
    cube_bytes_t *out = cube_metrics_render(m);
    check_format(out->data);
    assert_non_null(strstr(out->data, "# HELP apiserver_request_total "));
    cube_bytes_unref(out);
    cube_metrics_free(m);
}

#define THREADS 8
#define PER_THREAD 20000

static void *hammer(void *arg)
{
    cube_metrics_t *m = arg;
    char res[16];
    for (int i = 0; i < PER_THREAD; i++) {
        snprintf(res, sizeof(res), "r%d", i % 100); /* 100 series: forces table growth */
        cube_metrics_request(m, "GET", "", "v1", res, "", "cluster", 200, 0.001);
        cube_metrics_store(m, "get", "x", 0.001);
    }
    return NULL;
}

static void test_threads(void **state)
{
    cube_metrics_t *m = cube_metrics_new();
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, hammer, m);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    cube_bytes_t *out = cube_metrics_render(m);
    check_format(out->data);
    char want[64];
    snprintf(want, sizeof(want), "type=\"x\"} %d\n", THREADS * PER_THREAD);
    assert_non_null(strstr(out->data, want));
    /* every request series got THREADS * PER_THREAD / 100 */
    size_t nseries = 0;
    snprintf(want, sizeof(want), "version=\"v1\"} %d\n", THREADS * PER_THREAD / 100);
    for (const char *p = out->data; (p = strstr(p, "apiserver_request_total{")); p++) {
        const char *eol = strchr(p, '\n');
        assert_true(eol - p > (long)strlen(want));
        assert_memory_equal(eol + 1 - strlen(want), want, strlen(want));
        nseries++;
    }
    assert_int_equal(nseries, 100);
    cube_bytes_unref(out);
    cube_metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_counter_and_histogram),
        cmocka_unit_test(test_store_watchers_process),
        cmocka_unit_test(test_label_escaping),
        cmocka_unit_test(test_empty_render),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
