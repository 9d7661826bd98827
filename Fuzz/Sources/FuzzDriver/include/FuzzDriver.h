#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// One input for a fuzz target: its bytes and their count; returns 0.
typedef int (*FuzzTarget)(const uint8_t *data, size_t size);

/// Runs libFuzzer on `target` with the command-line options in `argv`, and returns its exit status.
int fuzz_main(int argc, char **argv, FuzzTarget target);

#endif
