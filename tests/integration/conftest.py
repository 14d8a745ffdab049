"""Fixtures for the python3-kubernetes integration tests.

The tests talk to a real `cube apiserver` through Debian's python3-kubernetes,
exactly as any Python program would. The server is started the way
tests/lib.sh starts it (temp data dir, free loopback port, ready when /readyz
says ok) and stopped by PID with SIGTERM; a server that does not exit 0, or
whose log holds a sanitizer report, fails the run.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
from kubernetes import client, config

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CUBE = os.environ.get("CUBE") or os.path.join(REPO, "build", "cube")
READY_TIMEOUT = float(os.environ.get("CUBE_READY_TIMEOUT", "60"))
SANITIZER = re.compile(r"ERROR: (Address|Leak|Thread)Sanitizer|runtime error:")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cube:
    """One `cube apiserver` process on a temp data dir."""

    def __init__(self, *extra_args):
        base = os.environ.get("TESTS_TMP") or None
        self.dir = tempfile.mkdtemp(prefix="cube-py.", dir=base)
        self.port = free_port()
        self.kubeconfig = os.path.join(self.dir, "admin.kubeconfig")
        self.log_path = os.path.join(self.dir, "cube.log")
        self.args = [CUBE, "apiserver", "--config", "/dev/null", "--data-dir", self.dir, "--secure-port",
                     str(self.port), "--bind-address", "127.0.0.1", *extra_args]
        self.proc = None
        self.start()

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("cube apiserver exited with %s during start:\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            if os.path.exists(self.kubeconfig):
                r = subprocess.run(["kubectl", "--kubeconfig", self.kubeconfig,
                                    "--request-timeout=2s", "get", "--raw", "/readyz"],
                                   capture_output=True, text=True)
                if r.stdout.strip() == "ok":
                    return
            time.sleep(0.1)
        self.proc.kill()
        self.proc.wait()
        raise RuntimeError("cube apiserver not ready after %ss:\n%s"
                           % (READY_TIMEOUT, self.log_tail()))

    def log_tail(self, n=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def api_client(self, **default_headers):
        api = config.new_client_from_config(config_file=self.kubeconfig)
        for k, v in default_headers.items():
            api.set_default_header(k, v)
        return api

    def stop(self):
        """SIGTERM (SIGKILL after 15 s); returns a list of problems."""
        problems = []
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                problems.append("cube apiserver had already exited with %s"
                                % self.proc.returncode)
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                problems.append("cube apiserver ignored SIGTERM for 15 s")
            if self.proc.returncode != 0:
                problems.append("cube apiserver exited with %s on SIGTERM"
                                % self.proc.returncode)
        with open(self.log_path, errors="replace") as f:
            if SANITIZER.search(f.read()):
                problems.append("sanitizer report in the apiserver log")
        if problems:
            problems.append("log tail:\n" + self.log_tail(60))
        return problems

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def cube():
    c = Cube()
    yield c
    problems = c.stop()
    c.cleanup()
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture
def make_cube():
    """Starts extra servers with extra flags; stops them after the test."""
    started = []

    def make(*args):
        c = Cube(*args)
        started.append(c)
        return c

    yield make
    problems = []
    for c in started:
        problems += c.stop()
        c.cleanup()
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture
def api(cube):
    a = cube.api_client()
    yield a
    a.close()


@pytest.fixture
def core(api):
    return client.CoreV1Api(api)


@pytest.fixture
def apps(api):
    return client.AppsV1Api(api)


@pytest.fixture
def ns(core):
    name = "py-" + uuid.uuid4().hex[:10]
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    return name
