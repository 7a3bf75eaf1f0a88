"""Vault benchmark: encrypted upload/download of a big file vs a plain copy on the same disk.

    python bench/vault.py               # 1 GiB
    python bench/vault.py --quick       # 64 MiB
    python bench/vault.py --size-mib 256 --repeat 5

Every path runs in its own fresh Python process so its peak RSS (``ru_maxrss``) is its own;
``os.sync()`` runs before each timed step so one step's write-back does not slow the next.
Timings are the median of ``--repeat`` runs. Reference paths: ``shutil.copyfile`` (kernel
copy, no user-space pass over the bytes) and a 1 MiB read/write loop (what any Python server
that touches the bytes must at least do). Goals from the issue: encrypted ≥ 50 % of plain copy,
peak RSS < 150 MiB.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20
RSS_GOAL_MIB = 150.0
RATIO_GOAL = 0.5


# --- child side: one path, timed, in its own process ----------------------------------------


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def run_child(step: str, work: Path, extra: dict[str, str]) -> dict[str, object]:
    from cofab.vault.crypto import decrypt_to_path
    from cofab.vault.keys import load_keyring
    from cofab.vault.storage import FileSystemStorage, open_decrypted, store_encrypted

    source = work / "source.bin"
    output = work / "output.bin"
    keyring = load_keyring(work / "data", environ={})
    result: dict[str, object] = {}
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if step == "idle":
        pass
    elif step in ("copyfile", "copyfile+fsync"):
        shutil.copyfile(source, output)
        if step.endswith("fsync"):
            _fsync_file(output)
    elif step == "rw-loop":
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        with source.open("rb", buffering=0) as src, output.open("wb", buffering=0) as dst:
            while count := src.readinto(buffer):
                dst.write(view[:count])
    elif step in ("upload", "upload+fsync"):
        storage = FileSystemStorage(work / "objects", fsync=step.endswith("fsync"))
        with source.open("rb", buffering=0) as src:
            stored = store_encrypted(storage, src, keyring)
        result.update(
            object_key=stored.object_key,
            wrapped_key=base64.b64encode(stored.wrapped_key).decode(),
            sha256=stored.info.sha256,
        )
    elif step == "download":
        storage = FileSystemStorage(work / "objects", fsync=False)
        wrapped = base64.b64decode(extra["wrapped_key"])
        with output.open("wb", buffering=0) as dst:
            for chunk in open_decrypted(storage, extra["object_key"], wrapped, keyring):
                dst.write(chunk)
    elif step == "download-to-path+fsync":
        storage = FileSystemStorage(work / "objects", fsync=False)
        data_key = keyring.unwrap(base64.b64decode(extra["wrapped_key"]))
        with storage.open_read(extra["object_key"]) as src:
            decrypt_to_path(src, data_key, output)
    else:
        raise SystemExit(f"unknown step {step}")
    result["seconds"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["maxrss_kib"] = usage.ru_maxrss
    result["cpu_seconds"] = (usage.ru_utime - before.ru_utime) + (usage.ru_stime - before.ru_stime)
    return result


# --- parent side ----------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    step: str
    reference: str  # like-for-like reference step ("" for the references themselves)
    seconds: list[float]
    rss_mib: float = 0.0
    cpu_seconds: list[float] = field(default_factory=list)


def spawn(step: str, work: Path, extra: dict[str, str] | None = None) -> dict[str, object]:
    os.sync()
    command = [sys.executable, __file__, "--child", step, "--work", str(work)]
    command += ["--extra", json.dumps(extra or {})]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(finished.stdout))


def make_source(path: Path, size_mib: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        for _ in range(size_mib):
            block = os.urandom(CHUNK)
            digest.update(block)
            handle.write(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def run_bench(size_mib: int, repeat: int, base_dir: Path) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="cofab-vault-bench-", dir=base_dir))
    rows = {
        "copyfile": Row("plain copy: shutil.copyfile", "copyfile", "", []),
        "rw-loop": Row("plain copy: 1 MiB read/write loop", "rw-loop", "", []),
        "copyfile+fsync": Row("plain copy + fsync", "copyfile+fsync", "", []),
        "upload": Row("cofab upload: encrypt → FileSystemStorage", "upload", "rw-loop", []),
        "download": Row("cofab download: decrypt_stream → file", "download", "rw-loop", []),
        "upload+fsync": Row(
            "cofab upload, fsync (production default)", "upload+fsync", "copyfile+fsync", []
        ),
        "download-to-path+fsync": Row(
            "cofab download: decrypt_to_path (fsync)",
            "download-to-path+fsync",
            "copyfile+fsync",
            [],
        ),
    }
    try:
        expected = make_source(work / "source.bin", size_mib)
        idle = spawn("idle", work)
        idle_rss = float(idle["maxrss_kib"]) / 1024  # type: ignore[arg-type]
        output = work / "output.bin"
        for _ in range(repeat):
            for step in ("copyfile", "rw-loop", "copyfile+fsync"):
                record(rows[step], spawn(step, work))
                output.unlink()
            for upload_step in ("upload", "upload+fsync"):
                uploaded = spawn(upload_step, work)
                record(rows[upload_step], uploaded)
                if uploaded["sha256"] != expected:
                    raise SystemExit("upload digest does not match the source")
                extra = {key: str(uploaded[key]) for key in ("object_key", "wrapped_key")}
                for download_step in ("download", "download-to-path+fsync"):
                    record(rows[download_step], spawn(download_step, work, extra))
                    if sha256_of(output) != expected:
                        raise SystemExit(f"{download_step} output does not match the source")
                    output.unlink()
                shutil.rmtree(work / "objects")
        rows["idle"] = Row("(python + cofab.vault imported, idle)", "idle", "", [0.0], idle_rss)
        return list(rows.values())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def record(row: Row, result: dict[str, object]) -> None:
    row.seconds.append(float(result["seconds"]))  # type: ignore[arg-type]
    row.cpu_seconds.append(float(result["cpu_seconds"]))  # type: ignore[arg-type]
    row.rss_mib = max(row.rss_mib, float(result["maxrss_kib"]) / 1024)  # type: ignore[arg-type]


def print_table(rows: list[Row], size_mib: int, repeat: int) -> None:
    from rich.console import Console
    from rich.table import Table

    by_step = {row.step: row for row in rows}

    def speed(row: Row) -> float:
        return size_mib / statistics.median(row.seconds)

    def ratio(row: Row, reference: str) -> str:
        if not row.reference or (reference == "copyfile" and row.step.endswith("fsync")):
            return ""
        value = speed(row) / speed(by_step[reference])
        return f"{value:.0%}" + ("" if value >= RATIO_GOAL else " ✗")

    table = Table(title=f"vault: {size_mib} MiB file, median of {repeat} run(s), same disk")
    columns = ("path", "MiB/s", "CPU ms/MiB", "vs copyfile", "vs like-for-like", "peak RSS")
    for column in columns:
        table.add_column(column, justify="left" if column == "path" else "right")
    for row in rows:
        if row.step == "idle":
            table.add_row(row.label, "", "", "", "", f"{row.rss_mib:.1f} MiB")
            continue
        cpu = statistics.median(row.cpu_seconds) * 1000 / size_mib
        like = ratio(row, row.reference) if row.reference else ""
        if like:
            like += f" ({by_step[row.reference].label.split(': ')[-1]})"
        rss = f"{row.rss_mib:.1f} MiB" + ("" if row.rss_mib < RSS_GOAL_MIB else " ✗")
        table.add_row(
            row.label, f"{speed(row):,.0f}", f"{cpu:.2f}", ratio(row, "copyfile"), like, rss
        )
    Console(width=150).print(table)
    print(
        f"goals: encrypted ≥ {RATIO_GOAL:.0%} of plain copy, peak RSS < {RSS_GOAL_MIB:.0f} MiB "
        "(✗ marks a miss). CPU = user+sys time of the step, all threads."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--quick", action="store_true", help="64 MiB instead of --size-mib")
    parser.add_argument("--repeat", type=int, default=3, help="runs per path (median shown)")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.work, json.loads(args.extra))))
        return
    size_mib = 64 if args.quick else args.size_mib
    rows = run_bench(size_mib, max(1, args.repeat), args.dir)
    print_table(rows, size_mib, max(1, args.repeat))


if __name__ == "__main__":
    main()
