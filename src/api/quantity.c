/*
 * resource.Quantity: the strings in resources.requests/limits, capacity and
 * allocatable ("100m", "1.5Gi", "2e3"). Kubernetes decodes every quantity into
 * a number plus a format (BinarySI, DecimalSI, DecimalExponent) and encodes it
 * back in a canonical form, so what a client reads back may differ from what
 * it sent ("1000m" becomes "1", "1024Ki" becomes "1Mi"); the scheduler and
 * quota compare the numbers. This file reproduces both: the parse (with its
 * quirks: rounding up to nano units, BinarySI values saturating at 2^63-1)
 * and the serialization (k8s.io/apimachinery pkg/api/resource, ParseQuantity
 * and CanonicalizeBytes), including the rule that an input already in a
 * "simple" form is echoed back unchanged ("100m", "2e3", "1Ki").
 *
 * Numbers are arbitrary-precision decimals here (digits times a power of
 * ten), as inf.Dec is in Go, so no input overflows silently.
 */
#include "api/api.h"

#define ERR_FORMAT                                                                                 \
    "quantities must match the regular expression "                                                \
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#define ERR_NUMERIC "unable to parse numeric part of quantity"
#define ERR_SUFFIX "unable to parse quantity's suffix"

typedef enum { FMT_DECIMAL_EXPONENT, FMT_BINARY_SI, FMT_DECIMAL_SI } qfmt_t;

/* value = (neg ? -1 : 1) * digits * 10^exp; digits has no leading zeros and,
 * once normalized, no trailing zeros; zero has n == 0. */
typedef struct {
    bool neg;
    char *d;
    size_t n, cap;
    int64_t exp;
} dec_t;

static void dec_clear(dec_t *a)
{
    free(a->d);
    memset(a, 0, sizeof(*a));
}

static void dec_reserve(dec_t *a, size_t n)
{
    if (n + 1 > a->cap) {
        a->cap = (n + 1) * 2;
        a->d = xrealloc(a->d, a->cap);
    }
}

static void dec_set_digits(dec_t *a, const char *d, size_t n)
{
    dec_reserve(a, n);
    memcpy(a->d, d, n);
    a->n = n;
}

/* Strips leading zeros, moves trailing zeros into the exponent. */
static void dec_norm(dec_t *a)
{
    size_t lead = 0;
    while (lead < a->n && a->d[lead] == '0')
        lead++;
    if (lead == a->n) {
        a->n = 0;
        a->exp = 0;
        a->neg = false;
        return;
    }
    memmove(a->d, a->d + lead, a->n - lead);
    a->n -= lead;
    while (a->d[a->n - 1] == '0') {
        a->n--;
        a->exp++;
    }
}

static bool dec_is_zero(const dec_t *a)
{
    return a->n == 0;
}

/* a *= m (m < 2^32). */
static void dec_mul_small(dec_t *a, uint32_t m)
{
    if (a->n == 0)
        return;
    /* The product has at most 10 more digits. Work from the right. */
    dec_reserve(a, a->n + 10);
    uint64_t carry = 0;
    for (size_t i = a->n; i-- > 0;) {
        uint64_t v = (uint64_t)(a->d[i] - '0') * m + carry;
        a->d[i] = (char)('0' + v % 10);
        carry = v / 10;
    }
    char extra[24];
    size_t ne = 0;
    while (carry) {
        extra[ne++] = (char)('0' + carry % 10);
        carry /= 10;
    }
    memmove(a->d + ne, a->d, a->n);
    for (size_t i = 0; i < ne; i++)
        a->d[i] = extra[ne - 1 - i];
    a->n += ne;
    dec_norm(a);
}

/* Adds one unit in the last place to the magnitude (digits only). */
static void dec_increment(dec_t *a)
{
    size_t i = a->n;
    while (i > 0) {
        i--;
        if (a->d[i] == '9') {
            a->d[i] = '0';
        } else {
            a->d[i]++;
            return;
        }
    }
    dec_reserve(a, a->n + 1);
    memmove(a->d + 1, a->d, a->n);
    a->d[0] = '1';
    a->n++;
}

/* Rounds the magnitude up (away from zero) to a multiple of 10^exp_min.
 * Returns true if it was already exact. */
static bool dec_round_up(dec_t *a, int64_t exp_min)
{
    dec_norm(a);
    if (a->n == 0 || a->exp >= exp_min)
        return true;
    /* Normalized: the last digit is non-zero, so dropping anything is inexact. */
    uint64_t drop = (uint64_t)(exp_min - a->exp);
    if (drop >= a->n) {
        a->n = 0;
        dec_reserve(a, 1);
        a->d[0] = '1';
        a->n = 1;
    } else {
        a->n -= (size_t)drop;
        dec_increment(a);
    }
    a->exp = exp_min;
    dec_norm(a);
    return false;
}

/* Compares magnitudes of normalized numbers. */
static int dec_cmp_abs(const dec_t *a, const dec_t *b)
{
    if (a->n == 0 || b->n == 0)
        return (a->n != 0) - (b->n != 0);
    /* Position of the most significant digit. */
    int64_t ma = (int64_t)a->n + a->exp, mb = (int64_t)b->n + b->exp;
    if (ma != mb)
        return ma < mb ? -1 : 1;
    size_t n = a->n > b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        char ca = i < a->n ? a->d[i] : '0', cb = i < b->n ? b->d[i] : '0';
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

static dec_t dec_const(const char *digits, int64_t exp)
{
    dec_t c = {0};
    dec_set_digits(&c, digits, strlen(digits));
    c.exp = exp;
    dec_norm(&c);
    return c;
}

/* Magnitude as an integer if it is one and fits in uint64. */
static bool dec_abs_u64(const dec_t *a, uint64_t *ret)
{
    if (a->n == 0) {
        *ret = 0;
        return true;
    }
    if (a->exp < 0 || (int64_t)a->n + a->exp > 20)
        return false;
    uint64_t v = 0;
    for (int64_t i = 0; i < (int64_t)a->n + a->exp; i++) {
        unsigned dg = i < (int64_t)a->n ? (unsigned)(a->d[i] - '0') : 0;
        if (v > (UINT64_MAX - dg) / 10)
            return false;
        v = v * 10 + dg;
    }
    *ret = v;
    return true;
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct {
    bool positive;
    const char *value; /* the numeric part as written (sign, digits, dot) */
    size_t value_len;
    const char *num; /* integer digits without leading zeros ("0" if none) */
    size_t num_len;
    const char *denom; /* fraction digits */
    size_t denom_len;
    const char *suffix;
    size_t suffix_len;
} qparts_t;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Splits a quantity string like Kubernetes' parseQuantityString. */
static bool split_quantity(const char *s, size_t end, qparts_t *q)
{
    size_t pos = 0;
    *q = (qparts_t){.positive = true, .num = "0", .num_len = 1, .denom = "", .suffix = ""};
    if (end > 0 && (s[0] == '-' || s[0] == '+')) {
        q->positive = s[0] == '+';
        pos++;
    }
    while (pos < end && s[pos] == '0')
        pos++;
    if (pos >= end) { /* only zeros */
        q->value = "0";
        q->value_len = 1;
        return true;
    }
    size_t i = pos;
    while (i < end && is_digit(s[i]))
        i++;
    if (i > pos) {
        q->num = s + pos;
        q->num_len = i - pos;
    }
    pos = i;
    if (pos >= end) {
        q->value = s;
        q->value_len = end;
        return true;
    }
    if (s[pos] == '.') {
        pos++;
        i = pos;
        while (i < end && is_digit(s[i]))
            i++;
        q->denom = s + pos;
        q->denom_len = i - pos;
        pos = i;
        if (pos >= end) {
            q->value = s;
            q->value_len = end;
            return true;
        }
    }
    q->value = s;
    q->value_len = pos;

    size_t suffix_start = pos;
    while (pos < end && strchr("eEinumkKMGTP", s[pos]))
        pos++;
    if (pos < end && (s[pos] == '-' || s[pos] == '+'))
        pos++;
    while (pos < end && is_digit(s[pos]))
        pos++;
    if (pos < end)
        return false;
    q->suffix = s + suffix_start;
    q->suffix_len = end - suffix_start;
    return true;
}

/* strconv.ParseInt(s, 10, 64) over s[0..n). */
static bool parse_i64(const char *s, size_t n, int64_t *ret)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == n)
        return false;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *ret = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* The suffixer's interpret(): base, exponent and format of a suffix. */
static bool interpret_suffix(const char *s, size_t n, int *base, int32_t *exponent, qfmt_t *fmt)
{
    static const struct {
        const char *s;
        int base;
        int32_t exp;
    } table[] = {
        {"", 10, 0},   {"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3}, {"k", 10, 3},  {"M", 10, 6},
        {"G", 10, 9},  {"T", 10, 12}, {"P", 10, 15}, {"E", 10, 18}, {"Ki", 2, 10}, {"Mi", 2, 20},
        {"Gi", 2, 30}, {"Ti", 2, 40}, {"Pi", 2, 50}, {"Ei", 2, 60},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(table); i++) {
        if (strlen(table[i].s) == n && memcmp(table[i].s, s, n) == 0) {
            *base = table[i].base;
            *exponent = table[i].exp;
            *fmt = table[i].base == 2 ? FMT_BINARY_SI : FMT_DECIMAL_SI;
            return true;
        }
    }
    if (n > 1 && (s[0] == 'e' || s[0] == 'E')) {
        int64_t e;
        if (!parse_i64(s + 1, n - 1, &e))
            return false;
        *base = 10;
        *exponent = (int32_t)(uint32_t)(uint64_t)e; /* Go's int32() conversion */
        *fmt = FMT_DECIMAL_EXPONENT;
        return true;
    }
    return false;
}

/* A parsed quantity: its value, format and whether Kubernetes keeps the
 * input string as the serialized form. */
typedef struct {
    dec_t v;
    qfmt_t fmt;
    bool keep;
} quantity_t;

static void quantity_clear(quantity_t *q)
{
    dec_clear(&q->v);
}

static int32_t wrap32(int64_t v)
{
    return (int32_t)(uint32_t)(uint64_t)v;
}

/*
 * ParseQuantity's int64 fast path: true when Kubernetes takes it (small
 * exact numbers), with *keep set when it also keeps the input verbatim as
 * the serialized form (numbers already written in canonical-looking form).
 */
static bool fast_path(const qparts_t *p, int32_t exponent, qfmt_t fmt, bool *keep)
{
    *keep = false;
    int32_t precision = 0, scale = 0;
    int64_t mantissa = 1;
    if (fmt == FMT_BINARY_SI) {
        if (exponent < 0 || p->denom_len != 0)
            return false;
        mantissa = INT64_C(1) << exponent;
        precision = wrap32(15 - (int64_t)p->num_len - exponent * 3 / 10 - 1);
    } else {
        scale = exponent;
        precision = wrap32(18 - (int64_t)(p->num_len + p->denom_len));
    }
    if (precision < 0)
        return false;
    scale = wrap32((int64_t)scale - (int64_t)p->denom_len);
    if (scale < -9)
        return false;
    /* shifted = num + denom, at most 18 digits here */
    char shifted[40];
    size_t sl = p->num_len + p->denom_len;
    if (sl >= sizeof(shifted))
        return false;
    memcpy(shifted, p->num, p->num_len);
    memcpy(shifted + p->num_len, p->denom, p->denom_len);
    shifted[sl] = '\0';
    int64_t value;
    if (!parse_i64(shifted, sl, &value))
        return false;
    if (value != 0 && mantissa != 1 && value > INT64_MAX / mantissa)
        return false; /* overflow: the slow path */
    if (fmt == FMT_BINARY_SI)
        *keep = exponent % 10 == 0 && (value & 0x07) != 0;
    else
        *keep = scale % 3 == 0 && !(sl >= 3 && memcmp(shifted + sl - 3, "000", 3) == 0) &&
                shifted[0] != '0';
    return true;
}

/* ParseQuantity. s is already trimmed. */
static int quantity_parse(const char *s, quantity_t *q, cube_err_t *err)
{
    size_t len = strlen(s);
    *q = (quantity_t){.fmt = FMT_DECIMAL_SI};
    if (len == 0)
        return cube_err_invalid(err, ERR_FORMAT);
    if (strcmp(s, "0") == 0) {
        q->keep = true;
        return 0;
    }
    qparts_t p;
    if (!split_quantity(s, len, &p))
        return cube_err_invalid(err, ERR_FORMAT);
    int base;
    int32_t exponent;
    qfmt_t fmt;
    if (!interpret_suffix(p.suffix, p.suffix_len, &base, &exponent, &fmt))
        return cube_err_invalid(err, ERR_SUFFIX);
    q->fmt = fmt;
    bool fast = fast_path(&p, exponent, fmt, &q->keep);

    /* Without a digit the fast path reads zero; the slow one (inf.Dec) fails. */
    bool any_digit = false;
    for (size_t i = 0; i < p.value_len && !any_digit; i++)
        any_digit = is_digit(p.value[i]);
    if (!any_digit && !fast)
        return cube_err_invalid(err, ERR_NUMERIC);

    /* The exact value: num.denom * base^exponent. */
    dec_reserve(&q->v, p.num_len + p.denom_len);
    memcpy(q->v.d, p.num, p.num_len);
    memcpy(q->v.d + p.num_len, p.denom, p.denom_len);
    q->v.n = p.num_len + p.denom_len;
    q->v.neg = !p.positive;
    if (base == 10) {
        q->v.exp = -(int64_t)wrap32((int64_t)p.denom_len - (int64_t)exponent);
    } else {
        q->v.exp = -(int64_t)p.denom_len;
        for (int32_t e = exponent; e > 0; e -= 30)
            dec_mul_small(&q->v, (uint32_t)1 << (e > 30 ? 30 : e));
    }
    dec_norm(&q->v);
    if (dec_is_zero(&q->v))
        return 0;
    dec_round_up(&q->v, -9);
    if (fmt == FMT_BINARY_SI) {
        dec_t max = dec_const("9223372036854775807", 0);
        if (dec_cmp_abs(&q->v, &max) > 0) {
            bool neg = q->v.neg;
            dec_clear(&q->v);
            q->v = max;
            q->v.neg = neg;
            q->keep = false;
        } else {
            dec_clear(&max);
        }
        dec_t one = dec_const("1", 0);
        if (dec_cmp_abs(&q->v, &one) < 0)
            q->fmt = FMT_DECIMAL_SI;
        dec_clear(&one);
    }
    return 0;
}

/* ---- serialization ------------------------------------------------------- */

static const char *decimal_si_suffix(int64_t exp, bool *ok)
{
    static const char *const sfx[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    *ok = exp >= -9 && exp <= 18 && exp % 3 == 0;
    return *ok ? sfx[(exp + 9) / 3] : "";
}

/* CanonicalizeBytes in base 10: mantissa with the exponent brought down to a
 * multiple of three, then the format's suffix. */
static void canonical_decimal(const dec_t *v, qfmt_t fmt, cube_buf_t *out)
{
    dec_t a = {0};
    dec_set_digits(&a, v->d, v->n);
    a.exp = v->exp;
    a.neg = v->neg;
    dec_norm(&a);
    while (a.exp % 3 != 0) {
        dec_reserve(&a, a.n + 1);
        a.d[a.n++] = '0';
        a.exp--;
    }
    if (a.neg)
        cube_buf_putc(out, '-');
    cube_buf_append(out, a.d, a.n);
    if (fmt == FMT_DECIMAL_EXPONENT) {
        if (a.exp != 0)
            cube_buf_printf(out, "e%lld", (long long)a.exp);
    } else {
        bool ok;
        /* An exponent without an SI suffix (beyond E) prints bare, as in Kubernetes. */
        cube_buf_puts(out, decimal_si_suffix(a.exp, &ok));
    }
    dec_clear(&a);
}

static void quantity_canonical(const quantity_t *q, const char *input, cube_buf_t *out)
{
    if (q->keep) {
        cube_buf_puts(out, input);
        return;
    }
    if (dec_is_zero(&q->v)) {
        cube_buf_putc(out, '0');
        return;
    }
    qfmt_t fmt = q->fmt;
    if (fmt == FMT_BINARY_SI) {
        dec_t k = dec_const("1024", 0);
        bool small = dec_cmp_abs(&q->v, &k) < 0;
        dec_clear(&k);
        if (small) {
            fmt = FMT_DECIMAL_SI;
        } else {
            dec_t r = {0};
            dec_set_digits(&r, q->v.d, q->v.n);
            r.exp = q->v.exp;
            uint64_t iv;
            bool exact = dec_round_up(&r, 0);
            if (!exact || !dec_abs_u64(&r, &iv)) {
                fmt = FMT_DECIMAL_SI;
            } else {
                static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
                size_t times = 0;
                while (iv >= 1024 && iv % 1024 == 0 && times + 1 < CUBE_ARRAY_SIZE(bin)) {
                    iv /= 1024;
                    times++;
                }
                cube_buf_printf(out, "%s%llu%s", q->v.neg ? "-" : "", (unsigned long long)iv,
                                bin[times]);
            }
            dec_clear(&r);
            if (fmt == FMT_BINARY_SI)
                return;
        }
    }
    canonical_decimal(&q->v, fmt, out);
}

/* Trims what Go's strings.TrimSpace would (ASCII whitespace). */
static char *trim_dup(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
        s++;
    size_t n = strlen(s);
    while (n > 0 && strchr(" \t\n\r\v\f", s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/* Milli-units, rounded away from zero, saturating at the int64 range. */
static int64_t milli_value(const dec_t *v)
{
    if (v->n == 0)
        return 0;
    dec_t a = {0};
    dec_set_digits(&a, v->d, v->n);
    a.exp = v->exp + 3;
    dec_round_up(&a, 0);
    uint64_t u;
    bool fits = dec_abs_u64(&a, &u);
    dec_clear(&a);
    if (v->neg) {
        if (!fits || u > (uint64_t)INT64_MAX + 1)
            return INT64_MIN;
        return (int64_t)(0 - u);
    }
    if (!fits || u > (uint64_t)INT64_MAX)
        return INT64_MAX;
    return (int64_t)u;
}

int cube_quantity_parse(const char *s, int64_t *ret_milli, cube_err_t *err)
{
    _cleanup_free_ char *t = trim_dup(s ? s : "");
    quantity_t q;
    if (quantity_parse(t, &q, err) < 0) {
        quantity_clear(&q);
        return -1;
    }
    if (ret_milli)
        *ret_milli = milli_value(&q.v);
    quantity_clear(&q);
    return 0;
}

int cube_quantity_canonical(const char *s, char **ret, cube_err_t *err)
{
    _cleanup_free_ char *t = trim_dup(s ? s : "");
    quantity_t q;
    if (quantity_parse(t, &q, err) < 0) {
        quantity_clear(&q);
        return -1;
    }
    cube_buf_t out = CUBE_BUF_INIT;
    quantity_canonical(&q, t, &out);
    quantity_clear(&q);
    *ret = cube_buf_steal(&out, NULL);
    return 0;
}
