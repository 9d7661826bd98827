#include "FuzzDriver.h"

// libFuzzer's own entry point, provided by `-sanitize=fuzzer`. The targets call it from their
// `main` instead of exporting LLVMFuzzerTestOneInput to libFuzzer's `main`, because SwiftPM
// links an executable target's `main` to the module's own entry point.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int fuzz_main(int argc, char **argv, FuzzTarget target) {
    return LLVMFuzzerRunDriver(&argc, &argv, target);
}
