/*
 * flags: one declarative table per subcommand serves both the command line
 * and the config file (k3s-style: the file's keys are the flag names), so a
 * setting is added by adding one row. The command line follows pflag's
 * conventions (--name=value, --name value, --bool, --bool=false, -v N) and
 * its error wording, because that is what Kubernetes users already know.
 * The config file is a small YAML subset: one "key: value" per line, values
 * optionally quoted, '#' comments; command-line flags override it.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <limits.h>

/* Per-call parse state: which string values this call allocated, so that a
 * value set twice (file, then command line) frees its first copy. */
typedef struct parser {
    const char *cmd;
    const cube_flag_t *flags;
    size_t n;
    char **owned; /* owned[i]: the string this call stored into flags[i].target */
} parser_t;

static const cube_flag_t *find_flag(const parser_t *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->n; i++)
        if (strlen(p->flags[i].name) == len && !strncmp(p->flags[i].name, name, len))
            return &p->flags[i];
    return NULL;
}

static bool is_builtin_v(const parser_t *p, const char *name, size_t len)
{
    return len == 1 && name[0] == 'v' && !find_flag(p, "v", 1);
}

static int parse_int(const char *s, int *ret)
{
    if (!*s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < INT_MIN || v > INT_MAX)
        return -1;
    *ret = (int)v;
    return 0;
}

/* The spellings Go's strconv.ParseBool accepts (pflag uses it). */
static int parse_bool(const char *s, bool *ret)
{
    static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i])) {
            *ret = true;
            return 0;
        }
        if (!strcmp(s, no[i])) {
            *ret = false;
            return 0;
        }
    }
    return -1;
}

/*
 * Stores val into f's target. where: NULL for the command line, else the
 * "file:line" prefix for config-file errors.
 */
static int set_flag(parser_t *p, const cube_flag_t *f, const char *val, const char *where,
                    cube_err_t *err)
{
    const char *why = NULL;
    switch (f->type) {
    case CUBE_FLAG_STRING: {
        char **t = f->target;
        size_t i = (size_t)(f - p->flags);
        if (p->owned[i] && *t == p->owned[i])
            free(p->owned[i]);
        *t = p->owned[i] = xstrdup(val);
        return 0;
    }
    case CUBE_FLAG_INT:
        if (parse_int(val, f->target) == 0)
            return 0;
        why = "not an integer";
        break;
    case CUBE_FLAG_BOOL:
        if (parse_bool(val, f->target) == 0)
            return 0;
        why = "not a boolean (true or false)";
        break;
    }
    if (where)
        return cube_err_badrequest(err, "%s: invalid value \"%s\" for \"%s\": %s", where, val,
                                   f->name, why);
    return cube_err_badrequest(err, "invalid argument \"%s\" for \"--%s\" flag: %s", val, f->name,
                               why);
}

static int set_verbosity(const char *val, const char *where, cube_err_t *err)
{
    int v;
    if (parse_int(val, &v) == 0 && v >= 0) {
        cube_log_verbosity = v;
        return 0;
    }
    if (where)
        return cube_err_badrequest(err, "%s: invalid value \"%s\" for \"v\": not an integer", where,
                                   val);
    return cube_err_badrequest(err, "invalid argument \"%s\" for \"-v, --v\" flag: not an integer",
                               val);
}

/* ---- config file -------------------------------------------------------- */

static bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

/* Only blanks and an optional comment may follow a value. */
static bool rest_is_empty(const char *s)
{
    s += strspn(s, " \t");
    return !*s || *s == '#';
}

/*
 * Parses the value part of a "key: value" line (s points after the colon) into
 * an owned string. Returns NULL with *why set on a malformed value.
 */
static char *parse_value(const char *s, const char **why)
{
    s += strspn(s, " \t");
    cube_buf_t b = CUBE_BUF_INIT;
    if (*s == '"') {
        for (s++; *s && *s != '"'; s++) {
            char c = *s;
            if (c == '\\') {
                switch (*++s) {
                case 'n':
                    c = '\n';
                    break;
                case 't':
                    c = '\t';
                    break;
                case '\\':
                    c = '\\';
                    break;
                case '"':
                    c = '"';
                    break;
                case '/':
                    c = '/';
                    break;
                default:
                    *why = "unsupported escape in double-quoted value";
                    cube_buf_clear(&b);
                    return NULL;
                }
            }
            cube_buf_putc(&b, c);
        }
        if (*s != '"' || !rest_is_empty(s + 1)) {
            *why = *s != '"' ? "unterminated double-quoted value" : "text after quoted value";
            cube_buf_clear(&b);
            return NULL;
        }
    } else if (*s == '\'') {
        for (s++; *s; s++) {
            if (*s == '\'') {
                if (s[1] != '\'')
                    break;
                s++;
            }
            cube_buf_putc(&b, *s);
        }
        if (*s != '\'' || !rest_is_empty(s + 1)) {
            *why = *s != '\'' ? "unterminated single-quoted value" : "text after quoted value";
            cube_buf_clear(&b);
            return NULL;
        }
    } else {
        /* A plain scalar ends at " #" (a comment) or the end of the line. */
        const char *end = s;
        for (const char *q = s; *q; q++) {
            if (*q == '#' && (q == s || q[-1] == ' ' || q[-1] == '\t'))
                break;
            end = q + 1;
        }
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        cube_buf_append(&b, s, (size_t)(end - s));
    }
    if (!b.data)
        return xstrdup("");
    return cube_buf_steal(&b, NULL);
}

static int load_config(parser_t *p, const char *path, cube_err_t *err)
{
    _cleanup_free_ char *text = NULL;
    if (cube_file_read(path, &text, NULL, err) < 0) {
        cube_err_prefix(err, "reading config file");
        return -1;
    }
    int lineno = 0;
    for (char *line = text, *next; line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = 0;
        char *s = line + strspn(line, " \t");
        if (!*s || *s == '#' || !strcmp(s, "---"))
            continue;
        _cleanup_free_ char *where = xasprintf("%s:%d", path, lineno);
        if (s != line)
            return cube_err_badrequest(err,
                                       "%s: unexpected indentation (only \"key: value\" "
                                       "lines are supported)",
                                       where);
        size_t klen = 0;
        while (is_key_char(s[klen]))
            klen++;
        if (!klen || s[klen] != ':' || (s[klen + 1] && s[klen + 1] != ' ' && s[klen + 1] != '\t'))
            return cube_err_badrequest(err, "%s: expected \"key: value\"", where);
        const char *why = NULL;
        _cleanup_free_ char *val = parse_value(s + klen + 1, &why);
        if (!val)
            return cube_err_badrequest(err, "%s: %s", where, why);
        if (is_builtin_v(p, s, klen)) {
            if (set_verbosity(val, where, err) < 0)
                return -1;
            continue;
        }
        const cube_flag_t *f = find_flag(p, s, klen);
        if (!f)
            return cube_err_badrequest(err, "%s: unknown key \"%.*s\"", where, (int)klen, s);
        if (set_flag(p, f, val, where, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- usage -------------------------------------------------------------- */

static const char *type_name(cube_flag_type_t t)
{
    switch (t) {
    case CUBE_FLAG_STRING:
        return "string";
    case CUBE_FLAG_INT:
        return "int";
    case CUBE_FLAG_BOOL:
        return "";
    }
    return "";
}

static void print_row(FILE *f, const char *shorthand, const char *name, const char *type,
                      const char *help, const char *def)
{
    char left[128];
    snprintf(left, sizeof(left), "  %s%s--%s%s%s", shorthand ? shorthand : "",
             shorthand ? ", " : "    ", name, *type ? " " : "", type);
    fprintf(f, "%-36s %s", left, help ? help : "");
    if (def)
        fprintf(f, " (default %s)", def);
    fputc('\n', f);
}

static void usage(const parser_t *p, const char *config_file, FILE *f)
{
    fprintf(f, "Usage: cube %s [flags]\n\nFlags:\n", p->cmd);
    bool has_config = find_flag(p, "config", 6);
    if (!has_config) {
        _cleanup_free_ char *def = config_file ? xasprintf("\"%s\"", config_file) : NULL;
        print_row(f, NULL, "config", "string",
                  "Config file: \"key: value\" lines whose keys are the flag names", def);
    }
    for (size_t i = 0; i < p->n; i++) {
        const cube_flag_t *fl = &p->flags[i];
        _cleanup_free_ char *def = NULL;
        switch (fl->type) {
        case CUBE_FLAG_STRING: {
            const char *v = *(char **)fl->target;
            if (v && *v)
                def = xasprintf("\"%s\"", v);
            break;
        }
        case CUBE_FLAG_INT:
            def = xasprintf("%d", *(int *)fl->target);
            break;
        case CUBE_FLAG_BOOL:
            def = xstrdup(*(bool *)fl->target ? "true" : "false");
            break;
        }
        print_row(f, NULL, fl->name, type_name(fl->type), fl->help, def);
    }
    print_row(f, "-h", "help", "", "Show this help", NULL);
    if (!find_flag(p, "v", 1)) {
        _cleanup_free_ char *def = xasprintf("%d", cube_log_verbosity);
        print_row(f, "-v", "v", "int", "Log verbosity: number for the log level", def);
    }
}

/* ---- command line ------------------------------------------------------- */

/* Finds --config PATH / --config=PATH on the command line (when it is not a table row). */
static int find_config_arg(int argc, char **argv, const char **ret, cube_err_t *err)
{
    *ret = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strncmp(argv[i], "--config=", 9)) {
            *ret = argv[i] + 9;
        } else if (!strcmp(argv[i], "--config")) {
            if (i + 1 >= argc)
                return cube_err_badrequest(err, "flag needs an argument: --config");
            *ret = argv[++i];
        }
    }
    return 0;
}

static int parse_args(parser_t *p, int argc, char **argv, cube_err_t *err)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            if (i + 1 < argc)
                return cube_err_badrequest(err, "unexpected argument \"%s\"", argv[i + 1]);
            break;
        }
        if (a[0] != '-' || !a[1])
            return cube_err_badrequest(err, "unexpected argument \"%s\"", a);

        const char *name, *val = NULL;
        size_t len;
        bool shorthand = a[1] != '-';
        if (shorthand) {
            /* Only -v (verbosity) exists as a shorthand: -v N, -v=N, -vN. */
            if (a[1] != 'v' || !is_builtin_v(p, "v", 1))
                return cube_err_badrequest(err, "unknown flag: %s", a);
            name = "v";
            len = 1;
            if (a[2] == '=')
                val = a + 3;
            else if (a[2])
                val = a + 2;
        } else {
            name = a + 2;
            const char *eq = strchr(name, '=');
            len = eq ? (size_t)(eq - name) : strlen(name);
            if (eq)
                val = eq + 1;
        }

        if (is_builtin_v(p, name, len)) {
            if (!val) {
                if (i + 1 >= argc)
                    return cube_err_badrequest(err, "flag needs an argument: %s", a);
                val = argv[++i];
            }
            if (set_verbosity(val, NULL, err) < 0)
                return -1;
            continue;
        }
        const cube_flag_t *f = find_flag(p, name, len);
        if (!f) {
            if (len == 6 && !strncmp(name, "config", 6)) {
                if (!val)
                    i++; /* already loaded by find_config_arg */
                continue;
            }
            return cube_err_badrequest(err, "unknown flag: --%.*s", (int)len, name);
        }
        if (!val) {
            if (f->type == CUBE_FLAG_BOOL) {
                val = "true";
            } else {
                if (i + 1 >= argc)
                    return cube_err_badrequest(err, "flag needs an argument: --%s", f->name);
                val = argv[++i];
            }
        }
        if (set_flag(p, f, val, NULL, err) < 0)
            return -1;
    }
    return 0;
}

static bool secret_flag(const char *name)
{
    size_t n = strlen(name);
    return !strcmp(name, "token") || (n > 6 && !strcmp(name + n - 6, "-token")) ||
           strstr(name, "password") || strstr(name, "secret");
}

void cube_flags_log(const cube_flag_t *flags, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cube_flag_t *f = &flags[i];
        if (f->type == CUBE_FLAG_INT) {
            cube_log_info("FLAG: --%s=\"%d\"", f->name, *(int *)f->target);
        } else if (f->type == CUBE_FLAG_BOOL) {
            cube_log_info("FLAG: --%s=\"%s\"", f->name, *(bool *)f->target ? "true" : "false");
        } else {
            const char *v = *(char **)f->target;
            cube_log_info("FLAG: --%s=\"%s\"", f->name,
                          v && *v && secret_flag(f->name) ? "<redacted>"
                          : v                             ? v
                                                          : "");
        }
    }
}

int cube_flags_parse(const char *cmd, const cube_flag_t *flags, size_t n, int argc, char **argv,
                     const char *config_file, cube_err_t *err)
{
    _cleanup_free_ char **owned = xcalloc(n ? n : 1, sizeof(char *));
    parser_t p = {.cmd = cmd, .flags = flags, .n = n, .owned = owned};

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(&p, config_file, stdout);
            fflush(stdout);
            return 1;
        }
    }

    /* The config file goes first so that the command line overrides it. A
     * "config" row in the table is an ordinary string flag naming it. */
    const cube_flag_t *config_row = find_flag(&p, "config", 6);
    const char *path = NULL;
    if (!config_row && find_config_arg(argc, argv, &path, err) < 0)
        return -1;
    if (config_row) {
        for (int i = 1; i < argc && !path; i++) {
            if (!strncmp(argv[i], "--config=", 9))
                path = argv[i] + 9;
            else if (!strcmp(argv[i], "--config") && i + 1 < argc)
                path = argv[i + 1];
        }
    }
    if (path) {
        if (load_config(&p, path, err) < 0)
            return -1;
    } else if (config_file && access(config_file, F_OK) == 0) {
        if (load_config(&p, config_file, err) < 0)
            return -1;
    }
    return parse_args(&p, argc, argv, err);
}
