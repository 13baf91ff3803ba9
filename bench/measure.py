"""Run a command and measure its wall time and the peak memory of its whole process tree."""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(slots=True)
class Run:
    seconds: float
    peak_mb: float  # proportional set size: pages forked workers share are counted once, not per process
    returncode: int
    output: str
    peak_rss_mb: float = 0.0  # resident set size, summed: shared pages counted in every process


def measure(command: list[str], cwd: Path | None = None, interval: float = 0.02) -> Run:
    """Wall time, and the largest sum of PSS (and of RSS) over the process and all its descendants."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = peak_rss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_rss
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            pss = rss = 0
            try:
                for member in [root] + root.children(recursive=True):
                    try:
                        memory = member.memory_full_info()
                    except psutil.Error:
                        continue
                    pss += getattr(memory, "pss", memory.rss)
                    rss += memory.rss
            except psutil.Error:
                pass
            peak, peak_rss = max(peak, pss), max(peak_rss, rss)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return Run(seconds=seconds, peak_mb=peak / 2**20, returncode=process.returncode, output=output,
               peak_rss_mb=peak_rss / 2**20)
