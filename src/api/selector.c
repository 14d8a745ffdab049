/*
 * Label and field selectors: what `kubectl get -l ...` / `--field-selector`
 * send and what controllers use to find their pods. A selector is an AND of
 * requirements on a flat map of string values (an object's labels, or the
 * field attributes table.c computes for it).
 *
 * The label selector grammar, its lexer quirks ("in" is a value inside
 * parentheses), its error messages and its matching rules (`!=` and `notin`
 * match objects lacking the key) follow k8s.io/apimachinery pkg/labels; the
 * field selector syntax (comma-separated `a=b`, `a==b`, `a!=b`, backslash
 * escapes in values) follows pkg/fields. Messages are Kubernetes' own so that
 * clients show the same text.
 */
#include "api/api.h"

typedef enum {
    OP_EQ, /* = */
    OP_DEQ, /* == */
    OP_NE, /* != */
    OP_IN, /* in (...) */
    OP_NOTIN, /* notin (...) */
    OP_EXISTS, /* key */
    OP_NOT_EXISTS, /* !key */
    OP_GT, /* > */
    OP_LT, /* < */
} op_t;

typedef struct req {
    char *key;
    op_t op;
    char **vals;
    size_t nvals;
} req_t;

struct cube_selector {
    bool nothing; /* matches nothing (a null metav1.LabelSelector) */
    bool fields; /* field selector: absent attributes read as "" */
    req_t *reqs;
    size_t n, cap;
    const char **keys; /* distinct keys in requirement order (borrowed from reqs) */
    size_t nkeys;
};

/* ---- selector object ----------------------------------------------------- */

static void req_clear(req_t *r)
{
    free(r->key);
    for (size_t i = 0; i < r->nvals; i++)
        free(r->vals[i]);
    free(r->vals);
    memset(r, 0, sizeof(*r));
}

void cube_selector_free(cube_selector_t *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->n; i++)
        req_clear(&sel->reqs[i]);
    free(sel->reqs);
    free(sel->keys);
    free(sel);
}

static void selector_freep(cube_selector_t **p)
{
    cube_selector_free(*p);
}
#define _cleanup_selector_ _cleanup_(selector_freep)

static void req_clearp(req_t *r)
{
    req_clear(r);
}
#define _cleanup_req_ _cleanup_(req_clearp)

static cube_selector_t *selector_new(bool fields)
{
    cube_selector_t *s = xcalloc(1, sizeof(*s));
    s->fields = fields;
    return s;
}

/* Takes ownership of r's contents. */
static void selector_add(cube_selector_t *s, req_t *r)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->reqs = xrealloc(s->reqs, s->cap * sizeof(*s->reqs));
    }
    s->reqs[s->n++] = *r;
    memset(r, 0, sizeof(*r));
}

static void req_add_val(req_t *r, const char *v, size_t len)
{
    r->vals = xrealloc(r->vals, (r->nvals + 1) * sizeof(*r->vals));
    r->vals[r->nvals++] = xstrndup(v, len);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts and de-duplicates values (a Go sets.String's List()). */
static void req_values_as_set(req_t *r)
{
    if (r->nvals < 2)
        return;
    qsort(r->vals, r->nvals, sizeof(*r->vals), cmp_str);
    size_t w = 1;
    for (size_t i = 1; i < r->nvals; i++) {
        if (strcmp(r->vals[i], r->vals[w - 1]) == 0)
            free(r->vals[i]);
        else
            r->vals[w++] = r->vals[i];
    }
    r->nvals = w;
}

/* Stable sort of requirements by key (insertion sort: selectors are short),
 * then the distinct key list. */
static void selector_finish(cube_selector_t *s)
{
    for (size_t i = 1; i < s->n; i++) {
        req_t cur = s->reqs[i];
        size_t j = i;
        while (j > 0 && strcmp(s->reqs[j - 1].key, cur.key) > 0) {
            s->reqs[j] = s->reqs[j - 1];
            j--;
        }
        s->reqs[j] = cur;
    }
    s->keys = xcalloc(s->n + 1, sizeof(*s->keys));
    s->nkeys = 0;
    for (size_t i = 0; i < s->n; i++) {
        bool seen = false;
        for (size_t k = 0; k < s->nkeys && !seen; k++)
            seen = strcmp(s->keys[k], s->reqs[i].key) == 0;
        if (!seen)
            s->keys[s->nkeys++] = s->reqs[i].key;
    }
}

/* ---- Go-compatible formatting helpers ------------------------------------ */

/* Length of a valid UTF-8 sequence at s, or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if ((s[0] & 0xe0) == 0xc0) {
        n = 2;
        cp = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        n = 3;
        cp = s[0] & 0x0f;
    } else if ((s[0] & 0xf8) == 0xf0) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* Go's %#v of a []string: []string(nil) or []string{"a", "b"}. */
static void go_string_slice(cube_buf_t *b, char *const *vals, size_t n)
{
    if (n == 0) {
        cube_buf_puts(b, "[]string(nil)");
        return;
    }
    cube_buf_puts(b, "[]string{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            cube_buf_puts(b, ", ");
        cube_buf_go_quote(b, vals[i]);
    }
    cube_buf_putc(b, '}');
}

/* strconv.ParseInt(s, 10, 64) */
static bool parse_int64(const char *s, int64_t *ret)
{
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!*p)
        return false;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (lim - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *ret = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* ---- requirement validation (labels.NewRequirement) ---------------------- */

/*
 * Collects field errors the way a Go field.ErrorList aggregates: one error
 * prints alone, several print as "[a, b]" with duplicates dropped.
 */
typedef struct {
    char **msgs;
    size_t n;
} errlist_t;

static void errlist_add(errlist_t *l, cube_buf_t *msg)
{
    char *m = cube_buf_steal(msg, NULL);
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->msgs[i], m) == 0) {
            free(m);
            return;
        }
    }
    l->msgs = xrealloc(l->msgs, (l->n + 1) * sizeof(*l->msgs));
    l->msgs[l->n++] = m;
}

static void errlist_clear(errlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->msgs[i]);
    free(l->msgs);
    l->msgs = NULL;
    l->n = 0;
}

/* Sets err from a non-empty list, with an optional message prefix. */
static int errlist_to_err(const errlist_t *l, const char *prefix, cube_err_t *err)
{
    cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
    cube_buf_puts(&b, prefix);
    if (l->n > 1)
        cube_buf_putc(&b, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            cube_buf_puts(&b, ", ");
        cube_buf_puts(&b, l->msgs[i]);
    }
    if (l->n > 1)
        cube_buf_putc(&b, ']');
    return cube_err_badrequest(err, "%s", b.data);
}

/* field.Invalid(path, value, detail).Error() with a string value. */
static void invalid_str(errlist_t *l, const char *path, const char *value, const char *detail)
{
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b, "%s: Invalid value: ", path);
    cube_buf_go_quote(&b, value);
    cube_buf_printf(&b, ": %s", detail);
    errlist_add(l, &b);
}

/*
 * labels.NewRequirement's checks, with Kubernetes' field paths ("key",
 * "values", "values[0][key]"). Appends to l.
 */
static void validate_requirement(const req_t *r, bool check_key, errlist_t *l)
{
    const char *msg;
    if (check_key && (msg = cube_name_qualified(r->key)))
        invalid_str(l, "key", r->key, msg);

    const char *count_msg = NULL;
    switch (r->op) {
    case OP_IN:
    case OP_NOTIN:
        if (r->nvals == 0)
            count_msg = "for 'in', 'notin' operators, values set can't be empty";
        break;
    case OP_EQ:
    case OP_DEQ:
    case OP_NE:
        if (r->nvals != 1)
            count_msg = "exact-match compatibility requires one single value";
        break;
    case OP_EXISTS:
    case OP_NOT_EXISTS:
        if (r->nvals != 0)
            count_msg = "values set must be empty for exists and does not exist";
        break;
    case OP_GT:
    case OP_LT:
        if (r->nvals != 1)
            count_msg = "for 'Gt', 'Lt' operators, exactly one value is required";
        break;
    }
    if (count_msg) {
        cube_buf_t b = CUBE_BUF_INIT;
        cube_buf_puts(&b, "values: Invalid value: ");
        go_string_slice(&b, r->vals, r->nvals);
        cube_buf_printf(&b, ": %s", count_msg);
        errlist_add(l, &b);
    }
    if (r->op == OP_GT || r->op == OP_LT) {
        for (size_t i = 0; i < r->nvals; i++) {
            int64_t v;
            if (!parse_int64(r->vals[i], &v)) {
                char path[32];
                snprintf(path, sizeof(path), "values[%zu]", i);
                invalid_str(l, path, r->vals[i],
                            "for 'Gt', 'Lt' operators, the value must be an integer");
            }
        }
    }
    for (size_t i = 0; i < r->nvals; i++) {
        if ((msg = cube_name_label_value(r->vals[i]))) {
            cube_buf_t path = CUBE_BUF_INIT;
            cube_buf_printf(&path, "values[%zu][%s]", i, r->key);
            invalid_str(l, path.data, r->vals[i], msg);
            cube_buf_clear(&path);
        }
    }
}

/* ---- label selector lexer and parser (labels.Parse) ---------------------- */

typedef enum {
    T_ERROR,
    T_EOS,
    T_CLOSE,
    T_COMMA,
    T_NOT,
    T_DEQ,
    T_EQ,
    T_GT,
    T_ID,
    T_IN,
    T_LT,
    T_NE,
    T_NOTIN,
    T_OPEN,
} tok_t;

typedef struct {
    tok_t tok;
    char *lit;
} item_t;

typedef struct {
    item_t *items;
    size_t n, cap, pos;
} parser_t;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

/* The literal tokens; anything else scanned as a word is an identifier. */
static tok_t literal_token(const char *s, size_t n)
{
    static const struct {
        const char *s;
        tok_t t;
    } map[] = {
        {")", T_CLOSE}, {",", T_COMMA},     {"!", T_NOT},  {"==", T_DEQ},
        {"=", T_EQ},    {">", T_GT},        {"in", T_IN},  {"<", T_LT},
        {"!=", T_NE},   {"notin", T_NOTIN}, {"(", T_OPEN},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(map); i++)
        if (strlen(map[i].s) == n && memcmp(map[i].s, s, n) == 0)
            return map[i].t;
    return T_ID;
}

static void push_item(parser_t *p, tok_t t, const char *s, size_t n)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->items = xrealloc(p->items, p->cap * sizeof(*p->items));
    }
    p->items[p->n++] = (item_t){t, xstrndup(s, n)};
}

static void scan(parser_t *p, const char *s)
{
    size_t i = 0;
    for (;;) {
        while (s[i] && is_ws(s[i]))
            i++;
        if (!s[i]) {
            push_item(p, T_EOS, "", 0);
            return;
        }
        size_t start = i;
        if (is_special(s[i])) {
            /* Longest run of special characters that still forms a token. */
            tok_t last = T_ERROR;
            size_t last_len = 0;
            while (s[i] && is_special(s[i])) {
                tok_t t = literal_token(s + start, i - start + 1);
                if (t != T_ID) {
                    last = t;
                    last_len = i - start + 1;
                } else if (last != T_ERROR) {
                    break;
                }
                i++;
            }
            if (last == T_ERROR) {
                cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
                cube_buf_printf(&b, "error expected: keyword found '%.*s'", (int)(i - start),
                                s + start);
                push_item(p, T_ERROR, b.data, b.len);
            } else {
                push_item(p, last, s + start, last_len);
                i = start + last_len;
            }
        } else {
            while (s[i] && !is_special(s[i]) && !is_ws(s[i]))
                i++;
            push_item(p, literal_token(s + start, i - start), s + start, i - start);
        }
    }
}

static void parser_clear(parser_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i].lit);
    free(p->items);
}

/* In the Values context the keywords in/notin are plain identifiers. */
static tok_t ctx_tok(tok_t t, bool values)
{
    return values && (t == T_IN || t == T_NOTIN) ? T_ID : t;
}

static tok_t lookahead(parser_t *p, bool values, const char **lit)
{
    item_t *it = &p->items[p->pos];
    if (lit)
        *lit = it->lit;
    return ctx_tok(it->tok, values);
}

static tok_t consume(parser_t *p, bool values, const char **lit)
{
    item_t *it = &p->items[p->pos];
    if (p->pos + 1 < p->n)
        p->pos++;
    if (lit)
        *lit = it->lit;
    return ctx_tok(it->tok, values);
}

static int parse_values(parser_t *p, req_t *r, cube_err_t *err)
{
    const char *lit;
    tok_t t = consume(p, true, &lit);
    if (t != T_OPEN)
        return cube_err_badrequest(err, "found '%s' expected: '('", lit);
    t = lookahead(p, true, &lit);
    if (t == T_CLOSE) { /* "()" */
        consume(p, true, NULL);
        req_add_val(r, "", 0);
        return 0;
    }
    if (t != T_ID && t != T_COMMA)
        return cube_err_badrequest(err, "found '%s', expected: ',', ')' or identifier", lit);
    for (;;) {
        const char *lit2;
        t = consume(p, true, &lit);
        if (t == T_ID) {
            req_add_val(r, lit, strlen(lit));
            tok_t t2 = lookahead(p, true, &lit2);
            if (t2 == T_COMMA)
                continue;
            if (t2 == T_CLOSE)
                break;
            return cube_err_badrequest(err, "found '%s', expected: ',' or ')'", lit2);
        } else if (t == T_COMMA) { /* "(," ",)" ",," stand for empty values */
            if (r->nvals == 0)
                req_add_val(r, "", 0);
            tok_t t2 = lookahead(p, true, NULL);
            if (t2 == T_CLOSE) {
                req_add_val(r, "", 0);
                break;
            }
            if (t2 == T_COMMA) {
                consume(p, true, NULL);
                req_add_val(r, "", 0);
            }
        } else {
            return cube_err_badrequest(err, "found '%s', expected: ',', or identifier", lit);
        }
    }
    consume(p, true, NULL); /* the ')' seen by lookahead */
    return 0;
}

static int parse_exact_value(parser_t *p, req_t *r, cube_err_t *err)
{
    const char *lit;
    tok_t t = lookahead(p, true, NULL);
    if (t == T_EOS || t == T_COMMA) {
        req_add_val(r, "", 0);
        return 0;
    }
    t = consume(p, true, &lit);
    if (t != T_ID)
        return cube_err_badrequest(err, "found '%s', expected: identifier", lit);
    req_add_val(r, lit, strlen(lit));
    return 0;
}

/* One requirement; errors come without the "unable to parse requirement" prefix. */
static int parse_requirement(parser_t *p, req_t *r, cube_err_t *err)
{
    const char *lit;
    bool not = false, exists = false;
    tok_t t = consume(p, true, &lit);
    if (t == T_NOT) {
        not = true;
        t = consume(p, true, &lit);
    }
    if (t != T_ID)
        return cube_err_badrequest(err, "found '%s', expected: identifier", lit);
    const char *msg = cube_name_qualified(lit);
    if (msg) {
        cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
        cube_buf_puts(&b, "<nil>: Invalid value: ");
        cube_buf_go_quote(&b, lit);
        cube_buf_printf(&b, ": %s", msg);
        return cube_err_badrequest(err, "%s", b.data);
    }
    r->key = xstrdup(lit);
    t = lookahead(p, true, NULL);
    if (t == T_EOS || t == T_COMMA)
        exists = !not ;
    if (not || exists) {
        r->op = not ? OP_NOT_EXISTS : OP_EXISTS;
        return 0;
    }

    t = consume(p, false, &lit);
    switch (t) {
    case T_IN:
        r->op = OP_IN;
        break;
    case T_EQ:
        r->op = OP_EQ;
        break;
    case T_DEQ:
        r->op = OP_DEQ;
        break;
    case T_GT:
        r->op = OP_GT;
        break;
    case T_LT:
        r->op = OP_LT;
        break;
    case T_NOTIN:
        r->op = OP_NOTIN;
        break;
    case T_NE:
        r->op = OP_NE;
        break;
    default:
        return cube_err_badrequest(err, "found '%s', expected: in, notin, =, ==, !=, gt, lt", lit);
    }
    int rc = (r->op == OP_IN || r->op == OP_NOTIN) ? parse_values(p, r, err)
                                                   : parse_exact_value(p, r, err);
    if (rc < 0)
        return rc;
    req_values_as_set(r);

    errlist_t l = {0};
    validate_requirement(r, false, &l);
    if (l.n) {
        errlist_to_err(&l, "", err);
        errlist_clear(&l);
        return -1;
    }
    return 0;
}

int cube_label_selector_parse(const char *s, cube_selector_t **ret, cube_err_t *err)
{
    cube_selector_t *sel _cleanup_selector_ = selector_new(false);
    parser_t p = {0};
    int rc = 0;
    const char *lit;

    scan(&p, s ? s : "");
    for (;;) {
        tok_t t = lookahead(&p, true, &lit);
        if (t == T_EOS)
            break;
        if (t != T_ID && t != T_NOT) {
            rc = cube_err_badrequest(err, "found '%s', expected: !, identifier, or 'end of string'",
                                     lit);
            break;
        }
        req_t r _cleanup_req_ = {0};
        if (parse_requirement(&p, &r, err) < 0) {
            cube_err_prefix(err, "unable to parse requirement");
            rc = -1;
            break;
        }
        selector_add(sel, &r);
        t = consume(&p, true, &lit);
        if (t == T_EOS)
            break;
        if (t != T_COMMA) {
            rc = cube_err_badrequest(err, "found '%s', expected: ',' or 'end of string'", lit);
            break;
        }
        t = lookahead(&p, true, &lit);
        if (t != T_ID && t != T_NOT) {
            rc = cube_err_badrequest(err, "found '%s', expected: identifier after ','", lit);
            break;
        }
    }
    parser_clear(&p);
    if (rc < 0)
        return rc;
    selector_finish(sel);
    *ret = TAKE_PTR(sel);
    return 0;
}

/* ---- metav1.LabelSelector (LabelSelectorAsSelector) ---------------------- */

static int requirement_checked(cube_selector_t *sel, req_t *r, cube_err_t *err)
{
    errlist_t l = {0};
    validate_requirement(r, true, &l);
    if (l.n) {
        errlist_to_err(&l, "", err);
        errlist_clear(&l);
        return -1;
    }
    selector_add(sel, r);
    return 0;
}

int cube_label_selector_from_json(const json_t *js, cube_selector_t **ret, cube_err_t *err)
{
    cube_selector_t *sel _cleanup_selector_ = selector_new(false);
    if (!js || json_is_null(js)) {
        sel->nothing = true;
        selector_finish(sel);
        *ret = TAKE_PTR(sel);
        return 0;
    }
    if (!json_is_object(js))
        return cube_err_badrequest(err, "label selector must be an object");

    const json_t *ml = json_object_get(js, "matchLabels");
    const json_t *me = json_object_get(js, "matchExpressions");
    if (ml && !json_is_null(ml) && !json_is_object(ml))
        return cube_err_badrequest(err, "matchLabels must be an object");
    if (me && !json_is_null(me) && !json_is_array(me))
        return cube_err_badrequest(err, "matchExpressions must be an array");

    const char *k;
    json_t *v;
    json_object_foreach((json_t *)ml, k, v)
    {
        if (!json_is_string(v))
            return cube_err_badrequest(err, "matchLabels values must be strings");
        req_t r _cleanup_req_ = {.key = xstrdup(k), .op = OP_EQ};
        req_add_val(&r, json_string_value(v), json_string_length(v));
        if (requirement_checked(sel, &r, err) < 0)
            return -1;
    }

    size_t i;
    json_array_foreach(me, i, v)
    {
        if (!json_is_object(v))
            return cube_err_badrequest(err, "matchExpressions items must be objects");
        const char *key = cube_json_str(v, "key", NULL);
        const char *op = cube_json_str(v, "operator", NULL);
        const json_t *vals = json_object_get(v, "values");
        req_t r _cleanup_req_ = {.key = xstrdup(key ? key : "")};
        if (!op)
            op = "";
        if (strcmp(op, "In") == 0) {
            r.op = OP_IN;
        } else if (strcmp(op, "NotIn") == 0) {
            r.op = OP_NOTIN;
        } else if (strcmp(op, "Exists") == 0) {
            r.op = OP_EXISTS;
        } else if (strcmp(op, "DoesNotExist") == 0) {
            r.op = OP_NOT_EXISTS;
        } else {
            cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
            cube_buf_go_quote(&b, op);
            return cube_err_badrequest(err, "%s is not a valid label selector operator", b.data);
        }
        if (vals && !json_is_null(vals) && !json_is_array(vals))
            return cube_err_badrequest(err, "matchExpressions values must be an array");
        size_t j;
        json_t *jv;
        json_array_foreach(vals, j, jv)
        {
            if (!json_is_string(jv))
                return cube_err_badrequest(err, "matchExpressions values must be strings");
            req_add_val(&r, json_string_value(jv), json_string_length(jv));
        }
        if (requirement_checked(sel, &r, err) < 0)
            return -1;
    }
    selector_finish(sel);
    *ret = TAKE_PTR(sel);
    return 0;
}

/* ---- field selector (fields.ParseSelector) -------------------------------- */

/* UnescapeValue: \\ \, \= are escapes; a bare , or = is an error. */
static int unescape_value(const char *s, size_t n, char **ret, cube_err_t *err)
{
    cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
    bool in_slash = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_slash) {
            if (c != '\\' && c != ',' && c != '=') {
                size_t rl = utf8_len((const unsigned char *)s + i);
                if (rl == 0 || i + rl > n)
                    rl = 1;
                return cube_err_badrequest(
                    err, "invalid field selector: invalid escape sequence: \\%.*s", (int)rl, s + i);
            }
            cube_buf_putc(&b, c);
            in_slash = false;
            continue;
        }
        if (c == '\\')
            in_slash = true;
        else if (c == ',' || c == '=')
            return cube_err_badrequest(
                err, "invalid field selector: unescaped character in value: %d", c);
        else
            cube_buf_putc(&b, c);
    }
    if (in_slash)
        return cube_err_badrequest(err, "invalid field selector: invalid escape sequence: \\");
    *ret = cube_buf_steal(&b, NULL);
    if (!*ret)
        *ret = xstrdup("");
    return 0;
}

static int cmp_term(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cube_field_selector_parse(const char *s, cube_selector_t **ret, cube_err_t *err)
{
    cube_selector_t *sel _cleanup_selector_ = selector_new(true);
    if (!s)
        s = "";

    /* Split on commas not escaped by a backslash. */
    char **terms = NULL;
    size_t nterms = 0, start = 0, len = strlen(s);
    bool in_slash = false;
    for (size_t i = 0; len && i <= len; i++) {
        if (i < len && in_slash) {
            in_slash = false;
        } else if (i < len && s[i] == '\\') {
            in_slash = true;
        } else if (i == len || s[i] == ',') {
            terms = xrealloc(terms, (nterms + 1) * sizeof(*terms));
            terms[nterms++] = xstrndup(s + start, i - start);
            start = i + 1;
        }
    }
    if (nterms > 1)
        qsort(terms, nterms, sizeof(*terms), cmp_term);

    int rc = 0;
    for (size_t t = 0; t < nterms && rc == 0; t++) {
        const char *term = terms[t];
        if (!*term)
            continue;
        const char *opp = NULL;
        size_t oplen = 0;
        for (const char *q = term; *q && !opp; q++) {
            if (q[0] == '!' && q[1] == '=')
                opp = q, oplen = 2;
            else if (q[0] == '=' && q[1] == '=')
                opp = q, oplen = 2;
            else if (q[0] == '=')
                opp = q, oplen = 1;
        }
        if (!opp) {
            rc = cube_err_badrequest(err, "invalid selector: '%s'; can't understand '%s'", s, term);
            break;
        }
        _cleanup_free_ char *val = NULL;
        const char *rhs = opp + oplen;
        if (unescape_value(rhs, strlen(rhs), &val, err) < 0) {
            rc = -1;
            break;
        }
        if (opp == term && !*val)
            continue; /* "=" selects everything */
        req_t r _cleanup_req_ = {.key = xstrndup(term, (size_t)(opp - term))};
        r.op = oplen == 2 && opp[0] == '!' ? OP_NE : (oplen == 2 ? OP_DEQ : OP_EQ);
        r.vals = xmalloc(sizeof(*r.vals));
        r.vals[0] = TAKE_PTR(val);
        r.nvals = 1;
        selector_add(sel, &r);
    }
    for (size_t t = 0; t < nterms; t++)
        free(terms[t]);
    free(terms);
    if (rc < 0)
        return rc;
    /* Terms were sorted as strings already; keep that order for exact(). */
    sel->keys = xcalloc(sel->n + 1, sizeof(*sel->keys));
    for (size_t i = 0; i < sel->n; i++) {
        bool seen = false;
        for (size_t k = 0; k < sel->nkeys && !seen; k++)
            seen = strcmp(sel->keys[k], sel->reqs[i].key) == 0;
        if (!seen)
            sel->keys[sel->nkeys++] = sel->reqs[i].key;
    }
    *ret = TAKE_PTR(sel);
    return 0;
}

/* ---- matching ------------------------------------------------------------ */

static bool has_value(const req_t *r, const char *v)
{
    for (size_t i = 0; i < r->nvals; i++)
        if (strcmp(r->vals[i], v) == 0)
            return true;
    return false;
}

static bool label_req_matches(const req_t *r, const json_t *labels)
{
    const json_t *jv = labels ? json_object_get(labels, r->key) : NULL;
    bool has = jv != NULL;
    const char *v = json_is_string(jv) ? json_string_value(jv) : NULL;
    switch (r->op) {
    case OP_IN:
    case OP_EQ:
    case OP_DEQ:
        return has && v && has_value(r, v);
    case OP_NOTIN:
    case OP_NE:
        return !has || !v || !has_value(r, v);
    case OP_EXISTS:
        return has;
    case OP_NOT_EXISTS:
        return !has;
    case OP_GT:
    case OP_LT: {
        int64_t lv, rv;
        if (!has || !v || r->nvals != 1 || !parse_int64(v, &lv) || !parse_int64(r->vals[0], &rv))
            return false;
        return r->op == OP_GT ? lv > rv : lv < rv;
    }
    }
    return false;
}

static bool field_req_matches(const req_t *r, const json_t *attrs)
{
    const char *v = attrs ? cube_json_str(attrs, r->key, NULL) : NULL;
    bool eq = strcmp(v ? v : "", r->vals[0]) == 0;
    return r->op == OP_NE ? !eq : eq;
}

bool cube_selector_matches(const cube_selector_t *sel, const json_t *labels)
{
    if (!sel)
        return true;
    if (sel->nothing)
        return false;
    if (labels && !json_is_object(labels))
        labels = NULL;
    for (size_t i = 0; i < sel->n; i++) {
        bool ok = sel->fields ? field_req_matches(&sel->reqs[i], labels)
                              : label_req_matches(&sel->reqs[i], labels);
        if (!ok)
            return false;
    }
    return true;
}

bool cube_selector_empty(const cube_selector_t *sel)
{
    return !sel || (!sel->nothing && sel->n == 0);
}

size_t cube_selector_keys(const cube_selector_t *sel, const char *const **ret_keys)
{
    static const char *const none[] = {NULL};
    if (!sel || !sel->keys) {
        *ret_keys = none;
        return 0;
    }
    *ret_keys = sel->keys;
    return sel->nkeys;
}

const char *cube_selector_exact(const cube_selector_t *sel, const char *key)
{
    if (!sel)
        return NULL;
    for (size_t i = 0; i < sel->n; i++) {
        const req_t *r = &sel->reqs[i];
        if (strcmp(r->key, key) != 0)
            continue;
        if (sel->fields) {
            /* An AND of field terms: any equality term on the key pins it. */
            if (r->op != OP_NE)
                return r->vals[0];
            continue;
        }
        /* Labels: the first requirement on the key decides. */
        if ((r->op == OP_EQ || r->op == OP_DEQ || r->op == OP_IN) && r->nvals == 1)
            return r->vals[0];
        return NULL;
    }
    return NULL;
}
