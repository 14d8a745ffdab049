/*
 * Crash test for the store's durability promise: a write that returned is
 * on disk. A child process writes from many threads and reports each key on
 * a pipe only after its create returned; the parent SIGKILLs the child in
 * the middle of the burst, reopens the store and checks that every reported
 * key is there. Several rounds run on the same database, so recovery after
 * a kill is itself followed by more writes and another kill.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "store/store.h"

enum { ROUNDS = 3, THREADS = 16, KILL_AFTER = 3000 };

typedef struct child_arg {
    cube_store_t *s;
    int round, id, fd;
} child_arg_t;

static void *child_writer(void *p)
{
    child_arg_t *a = p;
    for (int i = 0;; i++) {
        char key[96];
        int n = snprintf(key, sizeof(key), "/crash/r%d/t%02d/%07d", a->round, a->id, i);
        if (cube_store_create(a->s, key, key, (size_t)n, NULL, NULL) < 0)
            _exit(3);
        key[n++] = '\n';
        /* one write() of < PIPE_BUF bytes: lines never interleave */
        if (write(a->fd, key, (size_t)n) != n)
            _exit(4);
    }
    return NULL;
}

static void child_main(const char *path, int round, int fd)
{
    cube_store_options_t opts = {.path = path, .compact_interval_sec = -1};
    cube_store_t *s = NULL;
    if (cube_store_open(&opts, &s, NULL) < 0)
        _exit(2);
    pthread_t th[THREADS];
    child_arg_t args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (child_arg_t){.s = s, .round = round, .id = i, .fd = fd};
        pthread_create(&th[i], NULL, child_writer, &args[i]);
    }
    pthread_join(th[0], NULL);
    _exit(5);
}

static void test_kill9_keeps_acknowledged_writes(void **state)
{
    char dir[] = "/tmp/cube-crash-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/state.db", dir);
    size_t total = 0;

    for (int round = 0; round < ROUNDS; round++) {
        int fds[2];
        assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_main(path, round, fds[1]);
        }
        close(fds[1]);
        FILE *in = fdopen(fds[0], "r");
        assert_non_null(in);

        char **keys = NULL;
        size_t n = 0, cap = 0;
        char *line = NULL;
        size_t linecap = 0;
        ssize_t len;
        bool killed = false;
        while ((len = getline(&line, &linecap, in)) > 0) {
            if (line[len - 1] != '\n')
                break; /* cut by the kill: not a complete acknowledgement */
            line[len - 1] = 0;
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                keys = xrealloc(keys, cap * sizeof(*keys));
            }
            keys[n++] = xstrdup(line);
            if (!killed && n >= KILL_AFTER) {
                kill(pid, SIGKILL);
                killed = true; /* keep reading what was acknowledged before death */
            }
        }
        free(line);
        fclose(in);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        assert_true(n >= KILL_AFTER);
        total += n;

        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        cube_store_options_t opts = {.path = path, .compact_interval_sec = -1};
        cube_store_t *s = NULL;
        if (cube_store_open(&opts, &s, &err) < 0)
            fail_msg("reopen: %s", err.msg);
        assert_true(cube_store_revision(s) >= (int64_t)total);
        size_t missing = 0;
        for (size_t i = 0; i < n; i++) {
            cube_store_kv_t *kv = NULL;
            if (cube_store_get(s, keys[i], &kv, &err) < 0) {
                if (missing++ < 5)
                    print_error("acknowledged key %s lost: %s\n", keys[i], err.msg);
            } else {
                assert_string_equal(kv->value->data, keys[i]);
                cube_store_kv_free(kv);
            }
            free(keys[i]);
        }
        free(keys);
        cube_store_close(s);
        assert_int_equal(missing, 0);
    }

    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(suffixes); i++) {
        char p[160];
        snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
        unlink(p);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9_keeps_acknowledged_writes),
    };
    return cmocka_run_group_tests_name("store_crash", tests, NULL, NULL);
}
