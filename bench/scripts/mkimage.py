#!/usr/bin/env python3
"""Writes the pull benchmark's test image as a `docker save` archive (manifest.json + config + <hex>/layer.tar).

usage: mkimage.py OUT_DIR TAG [SEED]

Five uncompressed layers, ~200 MiB in all, of pseudo-random (incompressible) bytes from a fixed seed, so the
same image (same diff ids, same image id) comes out on every run:
  layer 1: 2000 files of 4 KiB in 20 folders (8 MiB), so per-file cost shows;
  layers 2-5: 4 files of 12 MiB each (48 MiB per layer).
Prints one line: `layers=5 layer_bytes=N files=N archive=PATH`.
"""
import hashlib
import io
import json
import os
import random
import sys
import tarfile

MTIME = 1767322800  # 2026-01-02T03:00:00Z, fixed so the layers are reproducible


def tar_dir(tar, name):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    info.mtime = MTIME
    tar.addfile(info)


def tar_file(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = MTIME
    tar.addfile(info, io.BytesIO(data))


def write_layer(path, fill):
    with open(path, "wb") as out:
        with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            fill(tar)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main():
    out_dir, tag = sys.argv[1], sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261128)
    os.makedirs(out_dir, exist_ok=True)
    files = 0

    def small_files(tar):
        nonlocal files
        tar_dir(tar, "small/")
        for d in range(20):
            tar_dir(tar, f"small/d{d:02}/")
            for f in range(100):
                tar_file(tar, f"small/d{d:02}/f{f:03}.bin", rng.randbytes(4096))
                files += 1

    def big_files(k):
        def fill(tar):
            nonlocal files
            tar_dir(tar, f"big{k}/")
            for f in range(4):
                tar_file(tar, f"big{k}/blob{f}.bin", rng.randbytes(12 << 20))
                files += 1
        return fill

    fills = [small_files] + [big_files(k) for k in range(2, 6)]
    layers = []  # (hex, path)
    for i, fill in enumerate(fills, 1):
        path = os.path.join(out_dir, f"layer{i}.tar")
        layers.append((write_layer(path, fill), path))

    config = json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "created": "2026-01-02T03:04:05Z",
        "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + h for h, _ in layers]},
        "history": [{"created": "2026-01-02T03:04:05Z", "created_by": f"bench layer {i}"} for i in range(1, 6)],
    }, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{
        "Config": config_name,
        "RepoTags": [tag],
        "Layers": [f"{h}/layer.tar" for h, _ in layers],
    }]).encode()

    archive = os.path.join(out_dir, "image.tar")
    with tarfile.open(archive, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar_file(tar, config_name, config)
        for h, path in layers:
            tar_dir(tar, h + "/")
            info = tar.gettarinfo(path, f"{h}/layer.tar")
            info.mtime, info.uid, info.gid, info.uname, info.gname, info.mode = MTIME, 0, 0, "", "", 0o644
            with open(path, "rb") as f:
                tar.addfile(info, f)
        tar_file(tar, "manifest.json", manifest)
    layer_bytes = sum(os.path.getsize(p) for _, p in layers)
    for _, path in layers:
        os.remove(path)
    print(f"layers={len(layers)} layer_bytes={layer_bytes} files={files} archive={archive}")


if __name__ == "__main__":
    main()
