"""The benchmark data of BENCHMARKS.md (splitmix64, counter-based), bit for bit as tapeless-bench.

Element i of stream `seed` is a pure function of (seed, i), so numpy computes whole streams at once
with wrapping uint64 arithmetic.
"""

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def bits(seed, count):
    """The first `count` 64-bit outputs of stream `seed`."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + (np.arange(count, dtype=np.uint64) + np.uint64(1)) * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        return z ^ (z >> np.uint64(31))


def uniform(seed, count):
    """Uniform float32 draws in [0, 1): the top 24 bits, scaled exactly."""
    return ((bits(seed, count) >> np.uint64(40)).astype(np.float64) * 2.0**-24).astype(np.float32)


def normal(seed, count):
    """Standard normal float32 draws by Box-Muller in float64 from uniform pairs (2i, 2i+1)."""
    u = uniform(seed, 2 * count).astype(np.float64)
    u1, u2 = u[0::2], u[1::2]
    return (np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)).astype(np.float32)


def linreg():
    """B1: x and y, 1000 points of y = 2x + 1 + 0.1 noise."""
    x = uniform(1, 1000)
    y = (2.0 * x.astype(np.float64) + 1.0 + 0.1 * normal(2, 1000).astype(np.float64)).astype(np.float32)
    return x, y


def mlp(batch):
    """B2: inputs [batch, 784], integer labels [batch], and the initial W1, b1, W2, b2."""
    x = normal(3, batch * 784).reshape(batch, 784)
    labels = np.floor(uniform(4, batch).astype(np.float64) * 10).astype(np.int64)
    w1 = ((2.0 * uniform(5, 784 * 128).astype(np.float64) - 1.0) / np.sqrt(784.0)).astype(np.float32).reshape(784, 128)
    w2 = ((2.0 * uniform(6, 128 * 10).astype(np.float64) - 1.0) / np.sqrt(128.0)).astype(np.float32).reshape(128, 10)
    return x, labels, w1, np.zeros(128, np.float32), w2, np.zeros(10, np.float32)


B1_CHECK = {"w": 2.0151987, "b": 0.9902664}
B2_CHECK_FIRST_LOSS = {1000: 2.32959, 32: 2.38863}
B2_CHECK_LOSS_AT_STEP_105 = {1000: 0.01097, 32: 0.000552}  # the loss step 105 reports, before its update
B2_FLOPS_PER_EXAMPLE = 2 * (2 * 784 * 128 + 3 * 128 * 10)

assert int(bits(1, 1)[0]) == 0x910A2DEC89025CC1, "splitmix64 check value"
