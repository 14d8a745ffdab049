/*
 * Small HTTP helpers every handler needs: query parameters, percent-decoding
 * and reason phrases. Kept apart from the server so they are trivially
 * testable and usable by the client side too.
 */
#include "http/http.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..len) into a new string; plus_space maps '+' to ' ' (form encoding).
 * NULL on a bad or NUL-producing escape. */
static char *decode(const char *s, size_t len, bool plus_space)
{
    char *out = xmalloc(len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (len - i < 3) {
                free(out);
                return NULL;
            }
            int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
            if (a < 0 || b < 0 || (a == 0 && b == 0)) {
                free(out);
                return NULL;
            }
            *o++ = (char)(a << 4 | b);
            i += 2;
        } else if (c == '+' && plus_space) {
            *o++ = ' ';
        } else if (c == '\0') {
            free(out);
            return NULL;
        } else {
            *o++ = c;
        }
    }
    *o = '\0';
    return out;
}

char *cube_http_unescape(const char *s, size_t len)
{
    return decode(s, len, false);
}

char *cube_http_query_get(const char *query, const char *name)
{
    if (!query || !name)
        return NULL;
    const char *p = query;
    if (*p == '?')
        p++;
    while (*p) {
        size_t plen = strcspn(p, "&;");
        const char *eq = memchr(p, '=', plen);
        size_t klen = eq ? (size_t)(eq - p) : plen;
        _cleanup_free_ char *key = decode(p, klen, true);
        if (key && strcmp(key, name) == 0) {
            if (!eq)
                return xstrdup("");
            char *v = decode(eq + 1, plen - klen - 1, true);
            if (v)
                return v;
        }
        p += plen;
        if (*p)
            p++;
    }
    return NULL;
}

static const struct {
    int code;
    const char *text;
} status_texts[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {207, "Multi-Status"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Request Entity Too Large"},
    {414, "Request URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Requested Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {418, "I'm a teapot"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Entity"},
    {423, "Locked"},
    {424, "Failed Dependency"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {507, "Insufficient Storage"},
    {508, "Loop Detected"},
    {511, "Network Authentication Required"},
};

const char *cube_http_status_text(int status)
{
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(status_texts); i++)
        if (status_texts[i].code == status)
            return status_texts[i].text;
    return "Unknown";
}
