/*
 * cube image import FILE.tar... [--address SOCK]: loads OCI image-layout
 * archives (scripts/build-images.sh makes them) into the node's containerd,
 * in the k8s.io namespace where its CRI plugin looks for images. Nothing can
 * be pulled on these machines, so this is how pause and test images arrive.
 *
 * For now the import runs containerd's own client, `ctr images import`, rather
 * than speaking containerd's content and images APIs (a dozen services and
 * the unpack logic); the result is then checked through CRI's ImageStatus, so
 * the kubelet is sure to see what was imported.
 */
#include "cmd/cmd.h"
#include "kubelet/cri.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

#define DEFAULT_ADDRESS "/var/lib/cube/containerd/containerd.sock"

/* The image names an OCI archive's index.json announces (io.containerd.image.name). */
static int archive_names(const char *file, json_t **ret, cube_err_t *err)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return cube_err_errno(err, errno, "pipe");
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return cube_err_errno(err, errno, "fork");
    }
    if (pid == 0) {
        dup2(pipefd[1], 1);
        execlp("tar", "tar", "-xOf", file, "index.json", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
    char chunk[4096];
    ssize_t n;
    while ((n = read(pipefd[0], chunk, sizeof(chunk))) > 0)
        cube_buf_append(&b, chunk, (size_t)n);
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return cube_err_badrequest(err, "%s: not an OCI image archive (no index.json)", file);
    json_error_t jerr;
    json_auto_t *index = json_loadb(b.data ? b.data : "", b.len, 0, &jerr);
    json_t *manifests = index ? json_object_get(index, "manifests") : NULL;
    if (!json_is_array(manifests))
        return cube_err_badrequest(err, "%s: index.json has no manifests", file);
    json_t *names = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(manifests, i, m)
    {
        const char *name = cube_json_str(m, "annotations", "io.containerd.image.name", NULL);
        if (name)
            json_array_append_new(names, json_string(name));
    }
    *ret = names;
    return 0;
}

static int run_ctr(const char *address, const char *file)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execlp("ctr", "ctr", "-a", address, "-n", "k8s.io", "images", "import", "--all-platforms",
               file, (char *)NULL);
        fprintf(stderr, "cube image: cannot run ctr: %s (install containerd)\n", strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int import(int argc, char **argv)
{
    /* positional files first, flags after */
    int nfiles = 1;
    while (nfiles < argc && argv[nfiles][0] != '-')
        nfiles++;
    char *address = NULL;
    const cube_flag_t flags[] = {
        {"address", CUBE_FLAG_STRING, &address, "containerd socket (default " DEFAULT_ADDRESS ")"},
    };
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char **fargv = xcalloc((size_t)(argc - nfiles + 2), sizeof(char *));
    fargv[0] = argv[0];
    for (int i = nfiles; i < argc; i++)
        fargv[i - nfiles + 1] = argv[i];
    int rc = cube_flags_parse("image import FILE.tar...", flags, CUBE_ARRAY_SIZE(flags),
                              argc - nfiles + 1, fargv, NULL, &err);
    _cleanup_free_ char *addr = address;
    if (rc == 1)
        return 0;
    if (rc < 0) {
        fprintf(stderr, "cube image import: %s\n", err.msg);
        return 2;
    }
    if (nfiles < 2) {
        fprintf(stderr, "cube image import: no image archive given\n");
        return 2;
    }
    const char *sock = addr ? addr : DEFAULT_ADDRESS;
    if (!strncmp(sock, "unix://", 7))
        sock += 7;
    cube_cri_t *cri;
    if (cube_cri_new(sock, 30000, &cri, &err) < 0) {
        fprintf(stderr, "cube image import: %s\n", err.msg);
        return 2;
    }
    int exit_code = 0;
    for (int i = 1; i < nfiles && !exit_code; i++) {
        json_auto_t *names = NULL;
        if (archive_names(argv[i], &names, &err) < 0) {
            fprintf(stderr, "cube image import: %s\n", err.msg);
            exit_code = 1;
            break;
        }
        int st = run_ctr(sock, argv[i]);
        if (st != 0) {
            fprintf(stderr, "cube image import: %s: ctr images import failed (exit %d)\n", argv[i],
                    st);
            exit_code = 1;
            break;
        }
        size_t j;
        json_t *n;
        json_array_foreach(names, j, n)
        {
            _cleanup_cri_ Runtime__V1__ImageStatusResponse *resp = NULL;
            if (cube_cri_image_status(cri, json_string_value(n), false, &resp, &err) < 0) {
                fprintf(stderr, "cube image import: %s\n", err.msg);
                exit_code = 1;
                break;
            }
            if (!resp->image) {
                fprintf(stderr, "cube image import: %s: imported but not visible through CRI\n",
                        json_string_value(n));
                exit_code = 1;
                break;
            }
            printf("imported %s (%s)\n", json_string_value(n), resp->image->id);
        }
    }
    cube_cri_free(cri);
    return exit_code;
}

int cube_cmd_image(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "import"))
        return import(argc - 1, argv + 1);
    fprintf(stderr, "usage: cube image import FILE.tar... [--address SOCK]\n");
    return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
}
