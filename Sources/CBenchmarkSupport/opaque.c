#include "CBenchmarkSupport.h"

// Compiled apart from the Swift code (no link-time optimization), so callers must treat the
// result as unknown.
float bench_opaque_float(float value) { return value; }
