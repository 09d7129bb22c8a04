"""What the Python benchmark scripts share."""

import subprocess
import sys
import tempfile
import time


def timed(command, name, cwd=None, env=None, what=None, tail=6000):
    """Runs `command` under GNU time; answers (wall seconds, peak RSS MB, output).

    The peak is GNU time's `%M` for the command alone: Linux keeps the pre-exec high-water mark
    of a forked child, so wait4 on a child forked from this Python (which may hold every
    generated page) would report the script's own size. A failing command ends the benchmark,
    named `name: what failed`, with the end of its output.
    """
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.monotonic()
        process = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name] + command, cwd=cwd, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        elapsed = time.monotonic() - start
        output = process.stdout.decode(errors="replace")
        if process.returncode != 0:
            sys.exit(f"{name}: {what or ' '.join(command[:4])} failed ({process.returncode}):\n{output[-tail:]}")
        peak_kb = int(report.read().strip().splitlines()[-1])
    return elapsed, peak_kb / 1024, output
