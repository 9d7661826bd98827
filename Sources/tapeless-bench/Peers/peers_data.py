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


def labels(seed, batch):
    """Integer class labels in 0..<10: floor(10 u), u from stream `seed`."""
    return np.floor(uniform(seed, batch).astype(np.float64) * 10).astype(np.int64)


def initial_weights(seed, shape, fan):
    """(2u - 1) / sqrt(fan) in float64, then float32, row-major in `shape`."""
    u = uniform(seed, int(np.prod(shape))).astype(np.float64)
    return ((2.0 * u - 1.0) / np.sqrt(fan)).astype(np.float32).reshape(shape)


def mlp(batch):
    """B2: inputs [batch, 784], integer labels [batch], and the initial W1, b1, W2, b2."""
    x = normal(3, batch * 784).reshape(batch, 784)
    w1, w2 = initial_weights(5, (784, 128), 784), initial_weights(6, (128, 10), 128)
    return x, labels(4, batch), w1, np.zeros(128, np.float32), w2, np.zeros(10, np.float32)


def cnn(batch):
    """B4: images [batch, 1, 28, 28] (NCHW), integer labels [batch], and the initial parameters in
    layer order: conv1 weight [6, 1, 5, 5] (OIHW) and bias, conv2 [16, 6, 5, 5] and bias, then the
    dense weights [in, out] and biases of fc1 (256 -> 120), fc2 (120 -> 84) and fc3 (84 -> 10)."""
    x = normal(8, batch * 784).reshape(batch, 1, 28, 28)
    conv1, conv2 = initial_weights(10, (6, 1, 5, 5), 25), initial_weights(11, (16, 6, 5, 5), 150)
    fc1, fc2 = initial_weights(12, (256, 120), 256), initial_weights(13, (120, 84), 120)
    fc3 = initial_weights(14, (84, 10), 84)
    return (x, labels(9, batch), conv1, np.zeros(6, np.float32), conv2, np.zeros(16, np.float32),
            fc1, np.zeros(120, np.float32), fc2, np.zeros(84, np.float32), fc3, np.zeros(10, np.float32))


def lstm(batch=64):
    """B5: sequences [batch, 28, 28] (batch, step, feature), integer labels [batch], and the initial
    parameters: the LSTM's weight_ih [512, 28], weight_hh [512, 128] (PyTorch's layouts, gates i, f,
    g, o), bias_ih and bias_hh [512], then the dense weight [128, 10] (in, out) and bias [10].
    Every fan is 128 (the hidden size), as in nn.LSTM; the two LSTM biases stay two parameters."""
    x = normal(15, batch * 28 * 28).reshape(batch, 28, 28)
    weight_ih, weight_hh = initial_weights(17, (512, 28), 128), initial_weights(18, (512, 128), 128)
    return (x, labels(16, batch), weight_ih, weight_hh, np.zeros(512, np.float32), np.zeros(512, np.float32),
            initial_weights(19, (128, 10), 128), np.zeros(10, np.float32))


def thermal():
    """B6: the outside temperatures out [1000] and the targets [1000], float32, then the parameters
    theta = (c, u, p, k, s, t0) as float32 scalars (in B6_PARAMETERS' order) and dt."""
    i = np.arange(1000, dtype=np.float64)
    out = (5.0 + 10.0 * uniform(7, 1000).astype(np.float64)).astype(np.float32)
    target = (20.0 + 2.0 * np.sin(2.0 * np.pi * i / 250.0)).astype(np.float32)
    theta = tuple(np.float32(value) for value in (2.0, 0.1, 3.0, 0.5, 21.0, 15.0))
    return out, target, theta, np.float32(0.1)


B1_CHECK = {"w": 2.0151987, "b": 0.9902664}
B2_CHECK_FIRST_LOSS = {1000: 2.32959, 32: 2.38863}
B2_CHECK_LOSS_AT_STEP_105 = {1000: 0.01097, 32: 0.000552}  # the loss step 105 reports, before its update
B4_CHECK_FIRST_LOSS = {64: 2.3030074, 256: 2.3021903}
# B5 at batch 64, in float32: step 1, and step 5 (checked more loosely, after four Adam updates).
B5_CHECK_FIRST_LOSS = 2.3012905
B5_CHECK_FIFTH_LOSS = 2.2487196
# B6 in float32: the result and its gradient, bit for bit in PyTorch, JAX and NumPy (JAX's d/dp is 2 ulp away).
B6_PARAMETERS = ("c", "u", "p", "k", "s", "t0")
B6_CHECK_RESULT = 1.4086391
B6_CHECK_GRADIENT = dict(zip(B6_PARAMETERS,
                             (0.06506423, -0.606305, -0.023165986, 0.15051284, 0.12794569, -0.04165017)))
# FLOPs per example of one training step, counting no gradient of the input (as no one computes it):
# B2 forward, dW1, dW2 and dH; B4 three times its 281,640 forward multiply-accumulates, less conv1's input gradient;
# B5 three times its 2,237,696 (28 steps of 4*128*(28 + 128), then 10*128), less the sequence's gradient 28*512*28.
FLOPS_PER_EXAMPLE = {"b2": 2 * (2 * 784 * 128 + 3 * 128 * 10), "b4": 2 * (3 * 281_640 - 86_400),
                     "b5": 2 * (3 * 2_237_696 - 28 * 512 * 28)}

assert int(bits(1, 1)[0]) == 0x910A2DEC89025CC1, "splitmix64 check value"
