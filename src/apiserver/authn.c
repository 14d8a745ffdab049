/*
 * authn: the first step of every request, turning credentials into a user
 * (name, uid, groups) the authorizer can judge. Two authenticators run in
 * Kubernetes' order: a verified x509 client certificate (CN is the user, each
 * O a group), then a bearer token from a static token file in Kubernetes'
 * --token-auth-file format, then a service-account JWT (sa_token.c, through
 * the token authenticator hook). Anonymous requests are refused.
 *
 * The token file is read once with the CSV rules of Go's encoding/csv (as
 * upstream does): blank lines are skipped, fields may be double-quoted (a
 * quoted field may hold commas, newlines and "" for a quote), and there are no
 * comment lines. Tokens are kept only as SHA-256 digests and every lookup
 * compares against all of them in constant time, so neither the table nor the
 * timing of a failed lookup says anything about a valid token.
 */
#include "apiserver/internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define DIGEST_LEN 32

typedef struct token_entry {
    unsigned char digest[DIGEST_LEN];
    char *name;
    char *uid;
    char **groups;
    size_t ngroups;
} token_entry_t;

struct cube_authn {
    token_entry_t *tokens;
    size_t ntokens;
    cube_token_authenticator_fn token_fn; /* service-account JWTs */
    void *token_ud;
};

void cube_authn_set_token_authenticator(cube_authn_t *a, cube_token_authenticator_fn fn, void *ud)
{
    a->token_fn = fn;
    a->token_ud = ud;
}

static void digest(const char *s, size_t len, unsigned char out[DIGEST_LEN])
{
    unsigned int n = DIGEST_LEN;
    EVP_Digest(s, len, out, &n, EVP_sha256(), NULL);
}

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void entry_clear(token_entry_t *e)
{
    free(e->name);
    free(e->uid);
    strv_free(e->groups, e->ngroups);
}

void cube_authn_free(cube_authn_t *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->ntokens; i++)
        entry_clear(&a->tokens[i]);
    free(a->tokens);
    free(a);
}

void cube_user_free(cube_user_t *u)
{
    if (!u)
        return;
    free(u->name);
    free(u->uid);
    strv_free(u->groups, u->ngroups);
    free(u);
}

/* ---- token file: CSV the way Go's encoding/csv reads it ----------------- */

typedef struct record {
    char **fields;
    size_t n;
} record_t;

static void record_clear(record_t *r)
{
    strv_free(r->fields, r->n);
    r->fields = NULL;
    r->n = 0;
}

static void record_push(record_t *r, cube_buf_t *field)
{
    r->fields = xrealloc(r->fields, (r->n + 1) * sizeof(char *));
    r->fields[r->n++] = field->data ? cube_buf_steal(field, NULL) : xstrdup("");
}

/*
 * Reads one record starting at *pos (text already has "\r\n" turned into
 * "\n"), skipping empty lines. Returns 1 with a record, 0 at the end, -1 on a
 * quoting error (*why set). *line: the current line number (advanced past the
 * record); *ret_start: the line the record starts on.
 */
static int csv_next(const char *text, size_t *pos, int *line, int *ret_start, record_t *ret,
                    const char **why)
{
    const char *p = text + *pos;
    while (*p == '\n') {
        p++;
        (*line)++;
    }
    *ret_start = *line;
    if (!*p)
        return 0;
    int consumed_lines = 0;
    cube_buf_t field = CUBE_BUF_INIT;
    for (;;) {
        if (*p == '"') {
            /* quoted field: "" is a quote; ends at a quote followed by , \n or EOF */
            for (p++;; p++) {
                if (!*p) {
                    *why = "extraneous or missing \" in quoted-field";
                    goto fail;
                }
                if (*p == '"') {
                    if (p[1] == '"') {
                        cube_buf_putc(&field, '"');
                        p++;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\n')
                    consumed_lines++;
                cube_buf_putc(&field, *p);
            }
            if (*p && *p != ',' && *p != '\n') {
                *why = "extraneous or missing \" in quoted-field";
                goto fail;
            }
        } else {
            const char *end = p + strcspn(p, ",\n");
            if (memchr(p, '"', (size_t)(end - p))) {
                *why = "bare \" in non-quoted field";
                goto fail;
            }
            cube_buf_append(&field, p, (size_t)(end - p));
            p = end;
        }
        record_push(ret, &field);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\n') {
            p++;
            consumed_lines++;
        }
        break;
    }
    *pos = (size_t)(p - text);
    *line += consumed_lines;
    return 1;
fail:
    cube_buf_clear(&field);
    record_clear(ret);
    return -1;
}

static void add_token(cube_authn_t *a, record_t *r)
{
    unsigned char d[DIGEST_LEN];
    digest(r->fields[0], strlen(r->fields[0]), d);
    token_entry_t *e = NULL;
    for (size_t i = 0; i < a->ntokens && !e; i++)
        if (!memcmp(a->tokens[i].digest, d, DIGEST_LEN))
            e = &a->tokens[i]; /* a later line for the same token wins, as upstream */
    if (e) {
        entry_clear(e);
    } else {
        a->tokens = xrealloc(a->tokens, (a->ntokens + 1) * sizeof(*a->tokens));
        e = &a->tokens[a->ntokens++];
    }
    memset(e, 0, sizeof(*e));
    memcpy(e->digest, d, DIGEST_LEN);
    e->name = xstrdup(r->fields[1]);
    e->uid = xstrdup(r->fields[2]);
    if (r->n >= 4) {
        /* the 4th column: comma-separated groups (quoted in the file) */
        for (const char *g = r->fields[3]; *g;) {
            size_t len = strcspn(g, ",");
            if (len) {
                e->groups = xrealloc(e->groups, (e->ngroups + 1) * sizeof(char *));
                e->groups[e->ngroups++] = xstrndup(g, len);
            }
            g += len;
            if (*g == ',')
                g++;
        }
    }
}

static int load_token_file(cube_authn_t *a, const char *path, cube_err_t *err)
{
    _cleanup_free_ char *raw = NULL;
    size_t len;
    if (cube_file_read(path, &raw, &len, err) < 0) {
        cube_err_prefix(err, "reading token file");
        err->code = 500;
        err->reason = "InternalError";
        return -1;
    }
    /* "\r\n" -> "\n", as encoding/csv does */
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (!(raw[i] == '\r' && raw[i + 1] == '\n'))
            raw[w++] = raw[i];
    raw[w] = 0;
    if (memchr(raw, 0, w))
        return cube_err_internal(err, "token file '%s' contains a NUL byte", path);

    size_t pos = 0;
    int line = 1;
    for (;;) {
        record_t r = {0};
        const char *why = NULL;
        int start = line;
        int rc = csv_next(raw, &pos, &line, &start, &r, &why);
        if (rc == 0)
            break;
        if (rc < 0)
            return cube_err_internal(err, "token file '%s': parse error on line %d: %s", path,
                                     start, why);
        if (r.n < 3) {
            size_t n = r.n;
            record_clear(&r);
            return cube_err_internal(err,
                                     "token file '%s' must have at least 3 columns (token, user "
                                     "name, user uid), found %zu (line %d)",
                                     path, n, start);
        }
        if (r.fields[0][0])
            add_token(a, &r); /* an empty token is skipped, as upstream does */
        else
            cube_log_v(2, "empty token in token file \"%s\", line %d", path, start);
        record_clear(&r);
    }
    return 0;
}

int cube_authn_new(const char *token_file, cube_authn_t **ret, cube_err_t *err)
{
    cube_authn_t *a = xcalloc(1, sizeof(*a));
    if (token_file && load_token_file(a, token_file, err) < 0) {
        cube_authn_free(a);
        return -1;
    }
    *ret = a;
    return 0;
}

/* ---- requests ----------------------------------------------------------- */

cube_user_t *cube_user_new(const char *name, const char *uid, const char *const *groups,
                           size_t ngroups)
{
    static const char authenticated[] = "system:authenticated";
    cube_user_t *u = xcalloc(1, sizeof(*u));
    u->name = xstrdup(name);
    u->uid = xstrdup(uid ? uid : "");
    u->groups = xcalloc(ngroups + 1, sizeof(char *));
    bool has = false;
    for (size_t i = 0; i < ngroups; i++) {
        u->groups[u->ngroups++] = xstrdup(groups[i]);
        has |= !strcmp(groups[i], authenticated);
    }
    if (!has)
        u->groups[u->ngroups++] = xstrdup(authenticated);
    return u;
}

/*
 * The token of "Authorization: Bearer <token>", split the way upstream does
 * (trim, then at most 3 space-separated parts; the scheme case-insensitive).
 * Returns a pointer into a copy the caller frees via *owned, or NULL.
 */
static const char *bearer_token(const char *hdr, char **owned)
{
    while (*hdr == ' ' || *hdr == '\t')
        hdr++;
    char *s = *owned = xstrdup(hdr);
    size_t len = strlen(s);
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        s[--len] = 0;
    char *sp = strchr(s, ' ');
    if (!sp)
        return NULL;
    *sp = 0;
    if (strcasecmp(s, "bearer"))
        return NULL;
    char *tok = sp + 1;
    char *end = strchr(tok, ' ');
    if (end)
        *end = 0;
    return *tok ? tok : NULL;
}

int cube_authn_request(const cube_authn_t *a, const cube_http_req_t *req, cube_user_t **ret,
                       cube_err_t *err)
{
    const char *cn = cube_http_req_peer_cn(req);
    if (cn && *cn) {
        const char *const *orgs = NULL;
        size_t norgs = cube_http_req_peer_orgs(req, &orgs);
        *ret = cube_user_new(cn, "", orgs, norgs);
        return 0;
    }

    const char *hdr = cube_http_req_header(req, "Authorization");
    _cleanup_free_ char *copy = NULL;
    const char *tok = hdr ? bearer_token(hdr, &copy) : NULL;
    if (tok && a->ntokens) {
        unsigned char d[DIGEST_LEN];
        digest(tok, strlen(tok), d);
        /* compare against every entry, whatever matches, in constant time per entry */
        size_t found = SIZE_MAX;
        for (size_t i = 0; i < a->ntokens; i++) {
            size_t eq = (size_t)(CRYPTO_memcmp(a->tokens[i].digest, d, DIGEST_LEN) == 0);
            found = (found & (eq - 1)) | (i & (0 - eq));
        }
        OPENSSL_cleanse(d, sizeof(d));
        if (found != SIZE_MAX) {
            const token_entry_t *e = &a->tokens[found];
            *ret = cube_user_new(e->name, e->uid, (const char *const *)e->groups, e->ngroups);
            return 0;
        }
    }
    if (tok && a->token_fn && a->token_fn(a->token_ud, tok, ret) == 0)
        return 0;
    return cube_err_set(err, 401, "Unauthorized", "Unauthorized");
}
