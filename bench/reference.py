"""The NumPy side of `make bench`: the same cases as Backstep's, forward and a
hand-written backward, timed in this process.

    python3 bench/reference.py info
    python3 bench/reference.py CASE REPEATS [COUNT]
    python3 bench/reference.py serve

CASE is matmul, broadcast, statements (COUNT statements), mlp or memory. Prints
one JSON object: the seconds of every repeat (`times`), or for `info` the
library versions, or for `memory` the resident set before the case and its
peak after (KiB). `serve` times one call per line read (`CASE [COUNT]`) and
prints its seconds (`{"seconds": …}`) at once: the Backstep side
(Sources/BackstepBench) runs its own call of the case between two of them, so
that both sides of a repeat meet the same moment of a shared machine.
"""

import ctypes
import glob
import json
import os
import sys
import time

import numpy as np


def timed(run, repeats):
    """Seconds of each of `repeats` calls of `run`, after one untimed warm-up."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


# MARK: - Case 2: L = sum(A @ B), dL/dA and dL/dB


def matmul_inputs():
    rng = np.random.default_rng(0)
    return rng.standard_normal((1024, 1024)), rng.standard_normal((1024, 1024))


def matmul_step(a, b):
    y = a @ b
    loss = y.sum()
    dy = np.ones_like(y)  # dL/dy of a sum
    da = dy @ b.T
    db = a.T @ dy
    return loss, da, db


# MARK: - Case 3: L = sum(tanh(x * w + b)) and the gradients of x, w, b


def broadcast_inputs():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((1000, 1000)), rng.standard_normal(1000),
            rng.standard_normal((1000, 1)))


def broadcast_step(x, w, b):
    y = np.tanh(x * w + b)
    loss = y.sum()
    dz = 1.0 - y * y  # dL/dz for z = x * w + b, with dL/dy = 1
    dx = dz * w
    dw = (dz * x).sum(axis=0)
    db = dz.sum(axis=1, keepdims=True)
    return loss, dx, dw, db


# MARK: - Case 4: small statements


def statements_script(count):
    """The same statements as Backstep's case 4, in Python (NumPy records no graph)."""
    lines = ["x = randn(4, 4)", "w = randn(4, 4)", "b = randn(4)", "y = x"]
    body = [
        "h = tanh(x @ w + b)",
        "y = y * 0.5 + h",
        "z = sum(y * y)",
        "y = y - x / 2",
        "s = exp(-y)",
        "y = s * w - y",
        "m = mean(y)",
        "y = y / (1 + m * m)",
    ]
    lines += [body[i % len(body)] for i in range(count)]
    return "\n".join(lines)


def statements_namespace():
    rng = np.random.default_rng(0)
    return {"randn": lambda *shape: rng.standard_normal(shape), "tanh": np.tanh,
            "exp": np.exp, "sum": np.sum, "mean": np.mean}


# MARK: - Case 5: MLP training step


def mlp_inputs(batch=256):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 784))
    labels = rng.integers(0, 10, batch)
    w1 = rng.standard_normal((784, 512)) * 0.05
    b1 = np.zeros(512)
    w2 = rng.standard_normal((512, 10)) * 0.05
    b2 = np.zeros(10)
    return x, labels, [w1, b1, w2, b2]


def mlp_steps(x, labels, params, steps=20, rate=0.1):
    """`steps` SGD steps of relu(x @ w1 + b1) @ w2 + b2 under softmax cross-entropy."""
    w1, b1, w2, b2 = [p.copy() for p in params]
    batch = x.shape[0]
    rows = np.arange(batch)
    loss = None
    for _ in range(steps):
        z1 = x @ w1 + b1
        h = np.maximum(z1, 0)
        z2 = h @ w2 + b2
        shifted = z2 - z2.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        loss = (np.log(total[:, 0]) - shifted[rows, labels]).mean()
        dz2 = e / total
        dz2[rows, labels] -= 1
        dz2 /= batch
        dw2 = h.T @ dz2
        db2 = dz2.sum(axis=0)
        dz1 = (dz2 @ w2.T) * (z1 > 0)
        dw1 = x.T @ dz1
        db1 = dz1.sum(axis=0)
        w1 -= rate * dw1
        b1 -= rate * db1
        w2 -= rate * dw2
        b2 -= rate * db2
    return loss


# MARK: - Memory


def status_field(name):
    """A KiB figure of /proc/self/status (VmRSS now, VmHWM the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_resident():
    """Restarts VmHWM from the current resident set (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


# MARK: - Library facts


def blas_library():
    """OpenBLAS's own configuration string and kernel, from the library NumPy loaded."""
    folder = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in sorted(glob.glob(os.path.join(folder, "*openblas*.so*"))):
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "64_"), ("openblas", "")):
            try:
                config = getattr(lib, f"{prefix}_get_config{suffix}")
                core = getattr(lib, f"{prefix}_get_corename{suffix}")
                threads = getattr(lib, f"{prefix}_get_num_threads{suffix}")
            except AttributeError:
                continue
            config.restype = ctypes.c_char_p
            core.restype = ctypes.c_char_p
            return {"config": config().decode().strip(), "core": core().decode(), "threads": threads()}
    return {"config": "unknown", "core": "unknown", "threads": 0}


def runner(case, extra):
    """One call of a timed case, its inputs made once; None for an unknown case."""
    if case == "matmul":
        a, b = matmul_inputs()
        return lambda: matmul_step(a, b)
    if case == "broadcast":
        x, w, b = broadcast_inputs()
        return lambda: broadcast_step(x, w, b)
    if case == "statements":
        count = int(extra[0]) if extra else 100_000
        text = statements_script(count)
        # Compiled in each call: Backstep's side parses its statements in each call too.
        return lambda: exec(compile(text, "<statements>", "exec"), statements_namespace())
    if case == "mlp":
        x, labels, params = mlp_inputs()
        return lambda: mlp_steps(x, labels, params)
    return None


def serve(lines, output):
    """A line `{"ready": true}` once NumPy is loaded; then for each line `CASE [EXTRA]`, one
    timed call of the case, after an untimed warm-up the first time it is asked for; its
    seconds as a line of JSON, flushed at once."""
    output.write(json.dumps({"ready": True}) + "\n")
    output.flush()
    runners = {}
    for line in lines:
        words = line.split()
        if not words:
            continue
        key = tuple(words)
        if key not in runners:
            run = runner(words[0], words[1:])
            if run is None:
                print(f"reference.py: unknown case {words[0]}", file=sys.stderr)
                return 2
            run()
            runners[key] = run
        start = time.perf_counter()
        runners[key]()
        output.write(json.dumps({"seconds": time.perf_counter() - start}) + "\n")
        output.flush()
    return 0


def main(argv):
    case = argv[1] if len(argv) > 1 else "info"
    repeats = int(argv[2]) if len(argv) > 2 else 5
    if case == "info":
        result = {"numpy": np.__version__, "python": sys.version.split()[0], **blas_library()}
    elif case == "serve":
        return serve(sys.stdin, sys.stdout)
    elif case == "memory":
        # Peak resident memory of the case on its own: the resident set before the
        # inputs exist, and the high-water mark after inputs, forward and both gradients.
        reset_peak_resident()
        before = status_field("VmRSS")
        a, b = matmul_inputs()
        loss, da, db = matmul_step(a, b)
        after = status_field("VmHWM")
        result = {"before": before, "after": after}
    else:
        run = runner(case, argv[3:])
        if run is None:
            print(f"reference.py: unknown case {case}", file=sys.stderr)
            return 2
        result = {"times": timed(run, repeats)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
