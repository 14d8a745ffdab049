/*
 * Name and label syntax: the checks Kubernetes applies to object names
 * (DNS-1123 subdomains and labels, path segments), to label and annotation
 * keys (qualified names with an optional DNS prefix) and to label values.
 * Clients read these messages (kubectl prints them after "Invalid value"),
 * so they are Kubernetes' own, word for word, including its examples and
 * regular expressions (k8s.io/apimachinery pkg/util/validation).
 *
 * When a value breaks several rules (too long and bad characters), the
 * messages are joined with "; " in Kubernetes' order.
 */
#include "api/api.h"

#define MSG_MAX 2048

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_ERR                                                                                  \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "    \
    "alphanumeric character"
#define QNAME_EXAMPLES "(e.g. 'MyName',  or 'my.name',  or '123-abc', "
#define LABEL_VALUE_FMT "(" QNAME_FMT ")?"
#define LABEL_VALUE_ERR                                                                            \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character"
#define DNS1123_LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_LABEL_ERR                                                                          \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "   \
    "must start and end with an alphanumeric character"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define DNS1123_SUBDOMAIN_ERR                                                                      \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character"

static const char subdomain_regex_msg[] =
    DNS1123_SUBDOMAIN_ERR " (e.g. 'example.com', regex used for validation is "
                          "'" DNS1123_SUBDOMAIN_FMT "')";
static const char label_regex_msg[] =
    DNS1123_LABEL_ERR " (e.g. 'my-name',  or '123-abc', regex used for validation is "
                      "'" DNS1123_LABEL_FMT "')";
static const char qname_regex_msg[] =
    QNAME_ERR " " QNAME_EXAMPLES "regex used for validation is '" QNAME_FMT "')";
static const char label_value_regex_msg[] =
    LABEL_VALUE_ERR " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                    "'" LABEL_VALUE_FMT "')";

/* Accumulates messages joined by "; " in thread-local storage. */
typedef struct {
    char *buf;
    size_t len;
} msgs_t;

static msgs_t msgs_start(void)
{
    static __thread char buf[MSG_MAX];
    buf[0] = '\0';
    return (msgs_t){buf, 0};
}

static void msgs_add(msgs_t *m, const char *prefix, const char *msg)
{
    int n = snprintf(m->buf + m->len, MSG_MAX - m->len, "%s%s%s", m->len ? "; " : "", prefix, msg);
    if (n > 0)
        m->len += (size_t)n < MSG_MAX - m->len ? (size_t)n : MSG_MAX - 1 - m->len;
}

/* Continues the last message. */
static void msgs_cat(msgs_t *m, const char *more)
{
    snprintf(m->buf + m->len, MSG_MAX - m->len, "%s", more);
    m->len = strlen(m->buf);
}

static const char *msgs_end(const msgs_t *m)
{
    return m->len ? m->buf : NULL;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])? over s[0..n) */
static bool match_qname(const char *s, size_t n)
{
    if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    return true;
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool match_dns_label(const char *s, size_t n)
{
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!is_lower_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

/* Labels separated by single dots. */
static bool match_dns_subdomain(const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (!match_dns_label(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

static void subdomain_errors(msgs_t *m, const char *prefix, const char *s, size_t n)
{
    if (n > 253)
        msgs_add(m, prefix, "must be no more than 253 characters");
    if (!match_dns_subdomain(s, n))
        msgs_add(m, prefix, subdomain_regex_msg);
}

const char *cube_name_dns1123_subdomain(const char *s)
{
    msgs_t m = msgs_start();
    subdomain_errors(&m, "", s, strlen(s));
    return msgs_end(&m);
}

const char *cube_name_dns1123_label(const char *s)
{
    msgs_t m = msgs_start();
    size_t n = strlen(s);
    if (n > 63)
        msgs_add(&m, "", "must be no more than 63 characters");
    if (!match_dns_label(s, n)) {
        /* A valid subdomain that is not a valid label can only have dots. */
        msgs_add(&m, "", match_dns_subdomain(s, n) ? "must not contain dots" : label_regex_msg);
    }
    return msgs_end(&m);
}

const char *cube_name_path_segment(const char *s)
{
    msgs_t m = msgs_start();
    if (strcmp(s, ".") == 0) {
        msgs_add(&m, "", "may not be '.'");
        return msgs_end(&m);
    }
    if (strcmp(s, "..") == 0) {
        msgs_add(&m, "", "may not be '..'");
        return msgs_end(&m);
    }
    if (strchr(s, '/'))
        msgs_add(&m, "", "may not contain '/'");
    if (strchr(s, '%'))
        msgs_add(&m, "", "may not contain '%'");
    return msgs_end(&m);
}

const char *cube_name_qualified(const char *s)
{
    msgs_t m = msgs_start();
    const char *slash = strchr(s, '/');
    const char *name = s;
    if (slash && strchr(slash + 1, '/')) {
        msgs_add(&m, "a qualified name ", qname_regex_msg);
        msgs_cat(&m, " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return msgs_end(&m);
    }
    if (slash) {
        size_t plen = (size_t)(slash - s);
        if (plen == 0)
            msgs_add(&m, "prefix part ", "must be non-empty");
        else
            subdomain_errors(&m, "prefix part ", s, plen);
        name = slash + 1;
    }
    size_t n = strlen(name);
    if (n == 0)
        msgs_add(&m, "name part ", "must be non-empty");
    else if (n > 63)
        msgs_add(&m, "name part ", "must be no more than 63 characters");
    if (!match_qname(name, n))
        msgs_add(&m, "name part ", qname_regex_msg);
    return msgs_end(&m);
}

const char *cube_name_label_value(const char *s)
{
    msgs_t m = msgs_start();
    size_t n = strlen(s);
    if (n > 63)
        msgs_add(&m, "", "must be no more than 63 characters");
    if (n > 0 && !match_qname(s, n))
        msgs_add(&m, "", label_value_regex_msg);
    return msgs_end(&m);
}
