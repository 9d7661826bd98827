"""Timing and reporting shared by the peer scripts: medians, the command line, one JSON object
whose keys match tapeless-bench --json, with the same checks."""

import argparse
import json
import os
import platform
import statistics
import time

import peers_data as data


def arguments(description):
    """Parses --quick (a short smoke run)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="few steps and calls: a smoke run, not a measurement")
    return parser.parse_args()


def sizes(quick):
    """(B1 rounds, B2/B4 warm-up steps, B2/B4 timed steps, B3 calls) for a full or a quick run."""
    return (1, 1, 2, 10_000) if quick else (5, 5, 100, 1_000_000)


def seconds(call, sync=lambda value: value):
    """The seconds one call takes; `sync` waits for an asynchronous result (JAX, TensorFlow)."""
    start = time.perf_counter()
    result = sync(call())
    return time.perf_counter() - start, result


def b1_results(train, rounds, epochs=1000):
    """Times `rounds` whole trainings of `train()` -> (w, b); the median per epoch and the last w, b."""
    times, w, b = [], None, None
    for _ in range(rounds):
        elapsed, (w, b) = seconds(train)
        times.append(elapsed)
    return {"b1_us_per_epoch": statistics.median(times) / epochs * 1e6, "b1_w": float(w), "b1_b": float(b)}


def training_results(workload, batch, step, warmup, steps, sync=lambda value: value):
    """Runs `step()` (one training step of `workload`, "b2" or "b4", returning the loss before its
    update) `warmup` times, then times `steps` steps one by one: the median, GFLOP/s and the first
    and last losses."""
    first_loss = float(sync(step()))
    for _ in range(warmup - 1):
        sync(step())
    times, last_loss = [], first_loss
    for _ in range(steps):
        elapsed, loss = seconds(step, sync)
        times.append(elapsed)
        last_loss = float(loss)
    median = statistics.median(times)
    key = f"{workload}_b{batch}"
    gflops = data.FLOPS_PER_EXAMPLE[workload] * batch / median / 1e9
    return {f"{key}_ms": median * 1e3, f"{key}_gflops": gflops,
            f"{key}_first_loss": first_loss, f"{key}_last_loss": last_loss, f"{key}_steps": warmup + steps}


def b3_results(grad, grad2, calls):
    """Nanoseconds per call of the first and second derivative, called with varying inputs and
    every result added up, the best of 3 rounds; and both at x = 2."""
    def per_call(function):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            total = 0.0
            for i in range(calls):
                total += float(function(2.0 + (i & 1023) * 1e-3))
            best = min(best, time.perf_counter() - start)
        return best / calls * 1e9

    return {"b3_grad_ns": per_call(grad), "b3_grad2_ns": per_call(grad2),
            "b3_grad_at_2": float(grad(2.0)), "b3_grad2_at_2": float(grad2(2.0))}


def checks(results):
    """The published check values of BENCHMARKS.md, for every key the results have."""
    expected = {"b3_grad_at_2": (7.0, 0.0), "b3_grad2_at_2": (2.0, 0.0)}
    # B1 variants (eager, one compiled loop, ...) report their own b1_<variant>_w and _b.
    for key in results:
        if key.startswith("b1_") and key[-2:] in ("_w", "_b"):
            expected[key] = (data.B1_CHECK[key[-1]], 1e-5)
    for batch in (1000, 32):
        expected[f"b2_b{batch}_first_loss"] = (data.B2_CHECK_FIRST_LOSS[batch], 2e-5)
        if results.get(f"b2_b{batch}_steps") == 105:
            value = data.B2_CHECK_LOSS_AT_STEP_105[batch]
            expected[f"b2_b{batch}_last_loss"] = (value, 2e-3 * value)
    # B4's float32 trajectories drift apart between frameworks after step 10, so only step 1 is checked.
    for batch, value in data.B4_CHECK_FIRST_LOSS.items():
        expected[f"b4_b{batch}_first_loss"] = (value, 1e-5)
    return {key: {"value": results[key], "expected": value, "tolerance": tolerance,
                  "passes": abs(results[key] - value) <= tolerance}
            for key, (value, tolerance) in expected.items() if key in results}


def report(system, results, quick):
    """Prints one JSON object: the system, the machine, the results and their checks."""
    found = checks(results)
    header = {"system": system, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": quick,
              "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
              "checks": found, "all_checks_pass": all(check["passes"] for check in found.values())}
    print(json.dumps({**header, **results}, indent=2, sort_keys=True))
