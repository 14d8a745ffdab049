#!/bin/bash
# Builds the images a node needs, without Docker and without a registry (none
# is reachable here): OCI image-layout tarballs that `cube image import` (or
# `ctr -n k8s.io images import`) loads into containerd.
#
#   pause.tar    the sandbox image: our static pause (make's $(BUILD)/pause),
#                tagged registry.k8s.io/pause:3.10 (cube's sandbox_image) and
#                registry.k8s.io/pause:3.6 (containerd 1.6's default)
#   busybox.tar  cube.local/busybox:latest: /bin/busybox of busybox-static and
#                a symlink for every applet; the test image of the e2e tier
#
# Reproducible: fixed mtimes, owners and ordering, so the same inputs give the
# same digests. Usage: scripts/build-images.sh OUTDIR PAUSE_BINARY [BUSYBOX]
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 OUTDIR PAUSE_BINARY [BUSYBOX_BINARY]" >&2
    exit 2
fi
out=$1
pause=$2
busybox=${3:-/bin/busybox}
mkdir -p "$out"
[ -x "$pause" ] || { echo "build-images: no pause binary at $pause (run make)" >&2; exit 1; }
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
    echo "build-images: $busybox is not a static busybox (install busybox-static)" >&2
    exit 1
fi
applets=$("$busybox" --list-full)

# /usr/bin/python3: Debian's interpreter (the one on PATH may be another).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" - "$out" "$pause" "$busybox" "$applets" <<'EOF'
import hashlib, io, json, sys, tarfile

out, pause, busybox, applets = sys.argv[1:5]
MTIME = 1700000000  # fixed: same input, same digest


def tar_bytes(entries):
    """entries: (name, kind, data-or-target, mode); sorted, fixed metadata."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, kind, data, mode in sorted(entries, key=lambda e: e[0]):
            ti = tarfile.TarInfo(name)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname, ti.mode = MTIME, 0, 0, "", "", mode
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            elif kind == "sym":
                ti.type, ti.linkname = tarfile.SYMTYPE, data
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def blob(blobs, data):
    d = hashlib.sha256(data).hexdigest()
    blobs[d] = data
    return "sha256:" + d


def image(path, names, layer_entries, config):
    blobs = {}
    layer = tar_bytes(layer_entries)
    layer_digest = blob(blobs, layer)
    cfg = {
        "created": "2023-11-14T22:13:20Z",
        "architecture": "amd64",
        "os": "linux",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "cube scripts/build-images.sh"}],
    }
    cfg_bytes = json.dumps(cfg, sort_keys=True, separators=(",", ":")).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": blob(blobs, cfg_bytes), "size": len(cfg_bytes)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": layer_digest, "size": len(layer)}],
    }
    man_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    man_digest = blob(blobs, man_bytes)
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": man_digest,
         "size": len(man_bytes),
         "annotations": {"io.containerd.image.name": n,
                         "org.opencontainers.image.ref.name": n.rsplit(":", 1)[1]}}
        for n in names]}
    entries = [("oci-layout", "file", b'{"imageLayoutVersion":"1.0.0"}', 0o644),
               ("index.json", "file", json.dumps(index, separators=(",", ":")).encode(), 0o644),
               ("blobs", "dir", None, 0o755), ("blobs/sha256", "dir", None, 0o755)]
    entries += [("blobs/sha256/" + d, "file", data, 0o644) for d, data in blobs.items()]
    with open(path, "wb") as f:
        f.write(tar_bytes(entries))
    print(f"{path}: {', '.join(names)} ({man_digest})")


with open(pause, "rb") as f:
    image(out + "/pause.tar", ["registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.6"],
          [("pause", "file", f.read(), 0o755)],
          {"Entrypoint": ["/pause"], "User": "65535:65535"})

with open(busybox, "rb") as f:
    bb = f.read()
entries = [("bin", "dir", None, 0o755), ("sbin", "dir", None, 0o755), ("usr", "dir", None, 0o755),
           ("usr/bin", "dir", None, 0o755), ("usr/sbin", "dir", None, 0o755),
           ("etc", "dir", None, 0o755), ("tmp", "dir", None, 0o1777), ("root", "dir", None, 0o700),
           ("var", "dir", None, 0o755), ("var/www", "dir", None, 0o755),
           ("bin/busybox", "file", bb, 0o755),
           ("etc/passwd", "file", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n", 0o644),
           ("etc/group", "file", b"root:x:0:\nnobody:x:65534:\n", 0o644)]
seen = {"bin/busybox"}
for a in applets.split():
    a = a.lstrip("/")
    if a in seen:
        continue
    seen.add(a)
    entries.append((a, "sym", "/bin/busybox", 0o777))
image(out + "/busybox.tar", ["cube.local/busybox:latest"], entries,
      {"Cmd": ["sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]})
EOF
