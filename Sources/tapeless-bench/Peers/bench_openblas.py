"""NumPy's BLAS on the matrix products of a B2 step, on one thread and on all of them: the
reference that `tapeless-bench --openblas PYTHON` prints beside each kernel path.

Prints one JSON object: {"blas": ..., "threads": N, "kernels": {shape key: {"single_thread":
GFLOP/s, "all_threads": GFLOP/s}}}, each rate the best of many products. The shape keys are
those of tapeless-bench's KernelBenchmark. Needs numpy and threadpoolctl; run it with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (tapeless-bench does), since a forced core type
slows a current OpenBLAS down.
"""

import argparse
import json
import os
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

# (key, transpose A, transpose B, m, n, k): C = op(A) op(B), op(A) m x k, op(B) k x n.
SHAPES = [
    ("b1000_fc1_forward", False, False, 1000, 128, 784),
    ("b1000_fc1_weight_gradient", True, False, 784, 128, 1000),
    ("b1000_fc2_forward", False, False, 1000, 10, 128),
    ("b1000_fc2_input_gradient", False, True, 1000, 128, 10),
    ("b1000_fc2_weight_gradient", True, False, 128, 10, 1000),
    ("b32_fc1_forward", False, False, 32, 128, 784),
    ("b32_fc1_weight_gradient", True, False, 784, 128, 32),
]


def best_rate(transpose_a, transpose_b, m, n, k, repetitions):
    """GFLOP/s of the best of `repetitions` products (after one untimed), operands stored as
    tapeless-bench stores them, so a transposed operand is a transposed view."""
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (k, m) if transpose_a else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if transpose_b else (k, n)).astype(np.float32)
    a, b = (a.T if transpose_a else a), (b.T if transpose_b else b)
    c = np.empty((m, n), np.float32)
    best = float("inf")
    for repetition in range(repetitions + 1):
        start = time.perf_counter()
        np.matmul(a, b, out=c)
        elapsed = time.perf_counter() - start
        if repetition > 0:
            best = min(best, elapsed)
    return 2.0 * m * n * k / best / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few products: a smoke run, not a measurement")
    repetitions = 3 if parser.parse_args().quick else 50
    blas = next((info for info in threadpool_info() if info["user_api"] == "blas"), {})
    threads = blas.get("num_threads", os.cpu_count())
    kernels = {}
    for key, transpose_a, transpose_b, m, n, k in SHAPES:
        rates = {}
        for name, count in (("single_thread", 1), ("all_threads", threads)):
            with threadpool_limits(count, user_api="blas"):
                rates[name] = best_rate(transpose_a, transpose_b, m, n, k, repetitions)
        kernels[key] = rates
    description = f"{blas.get('internal_api', 'unknown BLAS')} {blas.get('version', '')} {blas.get('architecture', '')}"
    print(json.dumps({"blas": " ".join(description.split()), "numpy": np.__version__, "threads": threads,
                      "kernels": kernels}, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
