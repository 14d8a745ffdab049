/*
 * Whole-file reads and crash-safe whole-file writes (temp, fsync, rename).
 */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

int cube_file_read(const char *path, char **ret, size_t *ret_len, cube_err_t *err)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cube_err_errno(err, errno, "open %s", path);
    cube_buf_t b = CUBE_BUF_INIT;
    for (;;) {
        cube_buf_reserve(&b, 65536);
        ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            cube_buf_clear(&b);
            return cube_err_errno(err, errno, "read %s", path);
        }
        if (n == 0)
            break;
        b.len += (size_t)n;
        b.data[b.len] = 0;
    }
    *ret = cube_buf_steal(&b, ret_len);
    return 0;
}

int cube_file_write(const char *path, const void *data, size_t len, int mode, cube_err_t *err)
{
    _cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return cube_err_errno(err, errno, "create %s", tmp);
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            unlink(tmp);
            return cube_err_errno(err, errno, "write %s", tmp);
        }
        p += n;
        len -= (size_t)n;
    }
    if (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0) {
        unlink(tmp);
        return cube_err_errno(err, errno, "sync %s", tmp);
    }
    if (rename(tmp, path) < 0) {
        unlink(tmp);
        return cube_err_errno(err, errno, "rename %s", path);
    }
    _cleanup_free_ char *dcopy = xstrdup(path);
    _cleanup_close_ int dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0)
        fsync(dfd);
    return 0;
}

int cube_mkdir_p(const char *path, int mode, cube_err_t *err)
{
    _cleanup_free_ char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
            return cube_err_errno(err, errno, "mkdir %s", p);
        *s = '/';
    }
    if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST)
        return cube_err_errno(err, errno, "mkdir %s", p);
    return 0;
}
