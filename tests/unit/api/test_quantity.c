/* Unit tests for src/api/quantity.c: resource.Quantity parsing and canonical form.
 *
 * The expected strings were produced by Kubernetes' own ParseQuantity +
 * MarshalJSON (apimachinery v0.32) on the same inputs, quirks included
 * ("1000E" serializes as "1", "1.G" is echoed back). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "api/api.h"

#define SAT INT64_MAX

static void test_canonical_and_milli(void **state)
{
    static const struct {
        const char *in, *canonical;
        int64_t milli;
    } cases[] = {
        {"1000m", "1", INT64_C(1000)},
        {"0.5", "500m", INT64_C(500)},
        {"1024Ki", "1Mi", INT64_C(1048576000)},
        {"1.5Gi", "1536Mi", INT64_C(1610612736000)},
        {"2e3", "2e3", INT64_C(2000000)},
        {"100M", "100M", INT64_C(100000000000)},
        {"1k", "1k", INT64_C(1000000)},
        {"1000E", "1", SAT},
        {".000000000001Ki", "2n", INT64_C(1)},
        {"100m", "100m", INT64_C(100)},
        {"1500m", "1500m", INT64_C(1500)},
        {"0.1", "100m", INT64_C(100)},
        {"1Ki", "1Ki", INT64_C(1024000)},
        {"8Ki", "8Ki", INT64_C(8192000)},
        {"1025Ki", "1025Ki", INT64_C(1049600000)},
        {"-1Ki", "-1Ki", INT64_C(-1024000)},
        {"0.5Gi", "512Mi", INT64_C(536870912000)},
        {"1.5Ki", "1536", INT64_C(1536000)},
        {"0.5Ki", "512", INT64_C(512000)},
        {"1e-3", "1e-3", INT64_C(1)},
        {"1.1E-9", "2e-9", INT64_C(1)},
        {"1e-10", "1e-9", INT64_C(1)},
        {"Ki", "0", INT64_C(0)},
        {"-", "0", INT64_C(0)},
        {".", "0", INT64_C(0)},
        {"1.G", "1.G", INT64_C(1000000000000)},
        {"12E", "12E", SAT},
        {"9Ei", "9223372036854775807", SAT},
        {"100.035Ki", "102435840m", INT64_C(102435840)},
        {"3.001n", "4n", INT64_C(1)},
        {"0.00000012345", "124n", INT64_C(1)},
        {"1.01E", "1010P", SAT},
        {"1.7E18", "1700e15", SAT},
        {"1.3E+6", "1300e3", INT64_C(1300000000)},
        {"01k", "01k", INT64_C(1000000)},
        {"+1k", "+1k", INT64_C(1000000)},
        {"128974848", "128974848", INT64_C(128974848000)},
        {"129e6", "129e6", INT64_C(129000000000)},
        {"1e21", "1e21", SAT},
        {"1.5e1", "1.5e1", INT64_C(15000)},
        {".5", "500m", INT64_C(500)},
        {"250m", "250m", INT64_C(250)},
        {"0.25", "250m", INT64_C(250)},
        {"2.0", "2", INT64_C(2000)},
        {"1000000k", "1G", INT64_C(1000000000000)},
        {"1024P", "1024P", SAT},
        {"1e18", "1e18", SAT},
        {"  2Gi ", "2Gi", INT64_C(2147483648000)},
        {"1.5", "1500m", INT64_C(1500)},
        {"7.99Ei", "9211842821808707338240m", SAT},
        {"-1.5Gi", "-1536Mi", INT64_C(-1610612736000)},
        {"0.0001k", "100m", INT64_C(100)},
        {"10u", "10u", INT64_C(1)},
        {"0", "0", INT64_C(0)},
        {"0Mi", "0", INT64_C(0)},
        {"-0", "0", INT64_C(0)},
        {"000", "0", INT64_C(0)},
        {"1Gi", "1Gi", INT64_C(1073741824000)},
        {"1024Mi", "1Gi", INT64_C(1073741824000)},
        {"1000M", "1G", INT64_C(1000000000000)},
        {".001Ki", "1024m", INT64_C(1024)},
        {"1.5e3", "1500", INT64_C(1500000)},
        {"4Gi", "4Gi", INT64_C(4294967296000)},
        {"64Mi", "64Mi", INT64_C(67108864000)},
        {"500Mi", "500Mi", INT64_C(524288000000)},
        {"1e3", "1e3", INT64_C(1000000)},
        {"1E6", "1E6", INT64_C(1000000000)},
        {"-1e400", "-10e399", INT64_MIN},
        {"1e-400", "1e-9", INT64_C(1)},
        {"123456789012345678901234567890", "123456789012345678901234567890", SAT},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        _cleanup_free_ char *c = NULL;
        int64_t m = 42;
        if (cube_quantity_canonical(cases[i].in, &c, &err) < 0)
            fail_msg("'%s': %s", cases[i].in, err.msg);
        if (strcmp(c, cases[i].canonical) != 0)
            fail_msg("'%s': canonical %s, want %s", cases[i].in, c, cases[i].canonical);
        assert_int_equal(cube_quantity_parse(cases[i].in, &m, &err), 0);
        if (m != cases[i].milli)
            fail_msg("'%s': milli %lld, want %lld", cases[i].in, (long long)m,
                     (long long)cases[i].milli);
    }
}

#define FORMAT_MSG                                                                                 \
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

static void test_errors(void **state)
{
    static const struct {
        const char *in, *msg;
    } cases[] = {
        {"", FORMAT_MSG},
        {"   ", FORMAT_MSG},
        {"abc", FORMAT_MSG},
        {"1.2.3", FORMAT_MSG},
        {"1 Gi", FORMAT_MSG},
        {"1Gi ", NULL}, /* trimmed: valid */
        {"1K", "unable to parse quantity's suffix"},
        {"1i", "unable to parse quantity's suffix"},
        {"1ee", "unable to parse quantity's suffix"},
        {"1m5", "unable to parse quantity's suffix"},
        {"1e", "unable to parse quantity's suffix"},
        {"1Ki5", "unable to parse quantity's suffix"},
        {"1e99999999999999999999", "unable to parse quantity's suffix"},
        {"e-10", "unable to parse numeric part of quantity"},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        char *c = NULL;
        int64_t m = 42;
        int rc = cube_quantity_canonical(cases[i].in, &c, &err);
        if (!cases[i].msg) {
            assert_int_equal(rc, 0);
            free(c);
            continue;
        }
        if (rc >= 0)
            fail_msg("'%s' parsed as %s", cases[i].in, c);
        assert_null(c);
        assert_int_equal(err.code, 422);
        assert_string_equal(err.reason, "Invalid");
        assert_string_equal(err.msg, cases[i].msg);
        cube_err_clear(&err);
        assert_int_equal(cube_quantity_parse(cases[i].in, &m, &err), -1);
        assert_int_equal(m, 42); /* outputs untouched on failure */
        assert_string_equal(err.msg, cases[i].msg);
    }
}

static void test_huge_exponents_are_cheap(void **state)
{
    /* Kubernetes itself spins on these; we must answer at once. */
    const char *in[] = {"1e2147483647", "1e-2147483648", "9e9999999999", "-5.5e-2147483647"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(in); i++) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        _cleanup_free_ char *c = NULL;
        int64_t m;
        assert_int_equal(cube_quantity_canonical(in[i], &c, &err), 0);
        assert_int_equal(cube_quantity_parse(in[i], &m, &err), 0);
    }
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *c = NULL;
    assert_int_equal(cube_quantity_canonical("1e2147483647", &c, &err), 0);
    assert_string_equal(c, "10e2147483646");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_and_milli),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_huge_exponents_are_cheap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
