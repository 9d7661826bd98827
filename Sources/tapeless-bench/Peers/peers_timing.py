"""Timing and reporting shared by the peer scripts: medians, the command line, one JSON object
whose keys match tapeless-bench --json, with the same checks."""

import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import peers_data as data


def arguments(description):
    """Parses --quick (a short smoke run)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="few steps and calls: a smoke run, not a measurement")
    return parser.parse_args()


def sizes(quick):
    """(B1 rounds, B2/B4/B5 warm-up steps, B2/B4/B5 timed steps, B3 calls) for a full or a quick run."""
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


def training_results(workload, batch, step, warmup, steps, sync=lambda value: value, key=None):
    """Runs `step()` (one training step of `workload`, "b2", "b4" or "b5", returning the loss before
    its update) `warmup` times, then times `steps` steps one by one: the median, GFLOP/s and the
    first, fifth (when there are five steps) and last losses, under keys `key`_... (by default
    `workload`_b`batch`, as B2 and B4 run at two batch sizes; B5 has one and passes "b5")."""
    losses = [float(sync(step())) for _ in range(warmup)]
    times = []
    for _ in range(steps):
        elapsed, loss = seconds(step, sync)
        times.append(elapsed)
        losses.append(float(loss))
    median = statistics.median(times)
    key = key or f"{workload}_b{batch}"
    gflops = data.FLOPS_PER_EXAMPLE[workload] * batch / median / 1e9
    results = {f"{key}_ms": median * 1e3, f"{key}_gflops": gflops,
               f"{key}_first_loss": losses[0], f"{key}_last_loss": losses[-1], f"{key}_steps": warmup + steps}
    if len(losses) >= 5:
        results[f"{key}_fifth_loss"] = losses[4]
    return results


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


def per_call(call, warmup, calls, sync=lambda value: value):
    """Runs `call()` `warmup` times (compilation, caches), then times `calls` calls one by one:
    (the median in µs, the last call's result)."""
    for _ in range(warmup):
        sync(call())
    times, result = [], None
    for _ in range(calls):
        elapsed, result = seconds(call, sync)
        times.append(elapsed)
    return statistics.median(times) * 1e6, result


def b6_results(forward, gradient, warmup, calls, sync=lambda value: value, key="b6"):
    """B6: µs per call of `forward()` -> result and, unless None, of `gradient()` -> (result,
    the six partial derivatives in data.B6_PARAMETERS' order), under keys `key`_forward_us and
    `key`_gradient_us, with the forward result as `key`_result and the derivatives as `key`_d_c, ..."""
    forward_us, value = per_call(forward, warmup, calls, sync)
    results = {f"{key}_forward_us": forward_us, f"{key}_result": float(value)}
    if gradient is not None:
        gradient_us, (value, derivatives) = per_call(gradient, warmup, calls, sync)
        results.update({f"{key}_gradient_us": gradient_us, f"{key}_gradient_result": float(value)})
        results.update({f"{key}_d_{name}": float(d) for name, d in zip(data.B6_PARAMETERS, derivatives)})
    return results


def float32_ulps(value, ulps):
    """`ulps` units in the last place of float32 at `value`."""
    return ulps * abs(float(np.spacing(np.float32(value))))


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
    # B5 likewise, at steps 1 and 5; its scripts run at least 5 warm-up steps, even with --quick.
    expected["b5_first_loss"] = (data.B5_CHECK_FIRST_LOSS, 2e-5)
    expected["b5_fifth_loss"] = (data.B5_CHECK_FIFTH_LOSS, 2e-4)
    # B6 variants (JAX's lax.cond, ...) report their own b6_<variant>_result and _d_<parameter>: the result to
    # 1 ulp (it is bit-identical in every peer), the gradient to 3 (JAX's d/dp is 2 ulp from PyTorch's).
    for key in results:
        if key.startswith("b6_") and key.endswith("_result"):
            expected[key] = (data.B6_CHECK_RESULT, float32_ulps(data.B6_CHECK_RESULT, 1))
        elif key.startswith("b6_") and "_d_" in key:
            value = data.B6_CHECK_GRADIENT[key.rsplit("_d_", 1)[1]]
            expected[key] = (value, float32_ulps(value, 3))
    return {key: {"value": results[key], "expected": value, "tolerance": tolerance,
                  "passes": abs(results[key] - value) <= tolerance}
            for key, (value, tolerance) in expected.items() if key in results}


def report(system, results, quick):
    """Prints one JSON object: the system, the machine, the results and their checks. When a check
    fails, names it on standard error and exits with status 1, as tapeless-bench does."""
    found = checks(results)
    header = {"system": system, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": quick,
              "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
              "checks": found, "all_checks_pass": all(check["passes"] for check in found.values())}
    print(json.dumps({**header, **results}, indent=2, sort_keys=True))
    failed = [f"{key} = {check['value']!r}, expected {check['expected']!r} ± {check['tolerance']:.3g}"
              for key, check in found.items() if not check["passes"]]
    if failed:
        sys.stdout.flush()
        sys.exit("check failed: " + "; ".join(failed))
