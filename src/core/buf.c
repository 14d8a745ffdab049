/*
 * A growable byte buffer (always NUL-terminated) and reference-counted
 * immutable byte blobs.
 */
#include "core.h"

/*
 * A buffer's allocation starts with room for a cube_bytes_t header, so that
 * cube_bytes_from_buf() hands the bytes over without copying them (a LIST
 * answer can be tens of MiB).
 */
#define HDR offsetof(cube_bytes_t, data)

void cube_buf_reserve(cube_buf_t *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *base = xrealloc(b->data ? b->data - HDR : NULL, HDR + cap);
    b->data = base + HDR;
    b->cap = cap;
    b->data[b->len] = 0; /* a fresh buffer is "" too */
}

void cube_buf_append(cube_buf_t *b, const void *data, size_t len)
{
    cube_buf_reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
}

void cube_buf_puts(cube_buf_t *b, const char *s)
{
    cube_buf_append(b, s, strlen(s));
}

void cube_buf_putc(cube_buf_t *b, char c)
{
    cube_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

void cube_buf_printf(cube_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    cube_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void cube_buf_json_str(cube_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    cube_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"':
            cube_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            cube_buf_append(b, "\\\\", 2);
            break;
        case '\n':
            cube_buf_append(b, "\\n", 2);
            break;
        case '\r':
            cube_buf_append(b, "\\r", 2);
            break;
        case '\t':
            cube_buf_append(b, "\\t", 2);
            break;
        default:
            if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                cube_buf_append(b, u, 6);
            } else {
                cube_buf_putc(b, (char)c);
            }
        }
    }
    cube_buf_putc(b, '"');
}

char *cube_buf_steal(cube_buf_t *b, size_t *ret_len)
{
    if (!b->data)
        cube_buf_reserve(b, 0), b->data[0] = 0;
    char *base = b->data - HDR;
    memmove(base, b->data, b->len + 1);
    if (ret_len)
        *ret_len = b->len;
    memset(b, 0, sizeof(*b));
    return base;
}

void cube_buf_clear(cube_buf_t *b)
{
    if (!b)
        return;
    if (b->data)
        free(b->data - HDR);
    memset(b, 0, sizeof(*b));
}

cube_bytes_t *cube_bytes_new(const void *data, size_t len)
{
    cube_bytes_t *r = xmalloc(sizeof(*r) + len + 1);
    atomic_init(&r->refs, 1);
    r->len = len;
    if (len)
        memcpy(r->data, data, len);
    r->data[len] = 0;
    return r;
}

cube_bytes_t *cube_bytes_from_buf(cube_buf_t *b)
{
    if (!b->data)
        return cube_bytes_new("", 0);
    cube_bytes_t *r = (cube_bytes_t *)(void *)(b->data - HDR);
    atomic_init(&r->refs, 1);
    r->len = b->len; /* data is already in place, NUL-terminated */
    memset(b, 0, sizeof(*b));
    return r;
}

cube_bytes_t *cube_bytes_ref(cube_bytes_t *b)
{
    if (b)
        atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
    return b;
}

void cube_bytes_unref(cube_bytes_t *b)
{
    if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
        free(b);
}

void cube_bytes_unrefp(cube_bytes_t **b)
{
    cube_bytes_unref(*b);
}

/* Decodes one UTF-8 rune at s; returns its length, 0 when invalid. */
static size_t utf8_rune(const unsigned char *s, uint32_t *ret)
{
    if (s[0] < 0x80) {
        *ret = s[0];
        return 1;
    }
    size_t n = (s[0] & 0xe0) == 0xc0   ? 2
               : (s[0] & 0xf0) == 0xe0 ? 3
               : (s[0] & 0xf8) == 0xf0 ? 4
                                       : 0;
    if (!n)
        return 0;
    uint32_t r = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        r = (r << 6) | (s[i] & 0x3f);
    }
    if ((n == 2 && r < 0x80) || (n == 3 && r < 0x800) ||
        (n == 4 && (r < 0x10000 || r > 0x10ffff)) || (r >= 0xd800 && r <= 0xdfff))
        return 0;
    *ret = r;
    return n;
}

/* Go's strconv.Quote (%q): printable runes kept, the rest escaped. */
void cube_buf_go_quote(cube_buf_t *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    cube_buf_putc(b, '"');
    while (*s) {
        uint32_t r;
        size_t n = utf8_rune(s, &r);
        if (!n) {
            cube_buf_printf(b, "\\x%02x", *s);
            s++;
            continue;
        }
        if (r == '"' || r == '\\') {
            cube_buf_putc(b, '\\');
            cube_buf_putc(b, (char)r);
        } else if (r >= 0x20 && r < 0x7f) {
            cube_buf_putc(b, (char)r);
        } else if (r < 0x20 || r == 0x7f) {
            switch (r) {
            case '\a':
                cube_buf_puts(b, "\\a");
                break;
            case '\b':
                cube_buf_puts(b, "\\b");
                break;
            case '\f':
                cube_buf_puts(b, "\\f");
                break;
            case '\n':
                cube_buf_puts(b, "\\n");
                break;
            case '\r':
                cube_buf_puts(b, "\\r");
                break;
            case '\t':
                cube_buf_puts(b, "\\t");
                break;
            case '\v':
                cube_buf_puts(b, "\\v");
                break;
            default:
                cube_buf_printf(b, "\\x%02x", r);
            }
        } else if (r >= 0x80 && r < 0xa0) {
            cube_buf_printf(b, "\\u%04x", r);
        } else {
            cube_buf_append(b, s, n);
        }
        s += n;
    }
    cube_buf_putc(b, '"');
}
