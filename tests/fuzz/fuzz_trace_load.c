/* fuzz_trace_load.c - libFuzzer target for the trace loader (`concviz open`).
 *
 * Feeds any bytes to sim_trace_load_mem, then frees what it built. The
 * loader must never crash, hang or leak, whatever the input: the sanitizers
 * (address, undefined) and libFuzzer's leak check and timeouts say if it
 * does. Seeds in tests/fuzz/corpus/trace/ are real traces written by
 * concviz and some broken ones, so mutations start close to the real
 * format and reach deep into it. A crash found here becomes a case in
 * tests/test_trace_io_bad.c.
 */
#include <stddef.h>
#include <stdint.h>

#include "trace_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sim_comparison c;
    char msg[512];
    sim_trace_load_mem((const char *)data, size, "fuzz.json", &c, msg, sizeof msg);
    sim_comparison_deinit(&c);
    return 0;
}
