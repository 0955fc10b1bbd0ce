/* test_trace_io_bad.c - trace files the loader must refuse, and saves that
 * cannot be made.
 *
 * Every kind of bad file, in both formats (edits of the file test_trace_io.c
 * writes and reads back, and of the format 2 fixture), is fed to the
 * loader, each with the message a person should see; so are files cut short,
 * folders, devices, files too big to open and runs too big for the memory
 * budget. A save that cannot be made leaves the old file as it was. Every
 * crash the fuzzer found is a case here.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "trace_chrome.h"
#include "trace_load.h"
#include "trace_io_util.h"
#include "test.h"

static char dir[64];

typedef struct bad_edit {
    const char *from, *to;
    int err;
    const char *msg;     /* must be in the message */
} bad_edit;

/* Edits of the format 2 file: its events are what the loader reads. */
static const bad_edit edits_v2[] = {
    {"\"concviz_format\":2", "\"concviz_format\":5", SIM_E_FORMAT,
     "bad.json: written by a newer concviz (trace format 5); this one reads format 4"},
    {"\"concviz_format\":2", "\"concviz_format\":3", SIM_E_FORMAT,
     "model asyncio has no ntasks, nlanes, nmarks, ninstants or nflows"},
    /* Without concviz_format it is read as another tool's Chrome trace
     * (trace_foreign.c): its events are valid ones, so it opens. */
    {"\"concviz_format\":2", "\"concviz_fmt\":2", 0, NULL},
    {"\"concviz_format\":2", "\"concviz_format\":0", SIM_E_FORMAT,
     "trace format 0 is not one concviz ever wrote"},
    {"\"pid\":1,\"tid\":2,\"ts\"", "\"pid\":1,\"tid\":99,\"ts\"", SIM_E_FORMAT,
     "tid 99 is no lane of model asyncio (1..4)"},
    {"\"pid\":1,\"tid\":2,\"ts\"", "\"pid\":7,\"tid\":2,\"ts\"", SIM_E_FORMAT,
     "pid 7 is no model of this file (1..3)"},
    {"\"ts\":1.001", "\"ts\":-1.001", SIM_E_FORMAT, "ts -1001 ns is out of range"},
    {"\"ts\":1.001", "\"ts\":1e300", SIM_E_FORMAT,
     "expected a number with at most 3 decimals that fits in 64 bits once scaled"},
    {"\"ts\":1.001", "\"ts\":1.0001", SIM_E_FORMAT, "expected a number with at most 3 decimals"},
    {"\"ts\":1.001", "\"ts\":2000000000000", SIM_E_FORMAT, "ns is out of range (0..1000000000000000 ns)"},
    {"\"ts\":1.001", "\"ts\":\"1.001\"", SIM_E_FORMAT, "expected a number"},
    {"\"ntasks\":3", "\"ntasks\":2000000", SIM_E_FORMAT, "ntasks 2000000 is out of range (0..1000000)"},
    {"\"ntasks\":3", "\"ntasks\":5", SIM_E_FORMAT, "model asyncio has 4 lanes for 5 tasks"},
    {"\"ntasks\":3", "\"ntasks\":2", SIM_E_FORMAT, "model asyncio: lane 2 (kind 0, index 2) does not fit"},
    {"\"lane_kinds\":[0,0,0,1]", "\"lane_kinds\":[0,0,0,9]", SIM_E_FORMAT, "lane kind 9 is out of range (0.."},
    {"\"lane_indices\":[0,1,2,0]", "\"lane_indices\":[0,1,2]", SIM_E_FORMAT,
     "model asyncio lists 4 lane kinds, 3 lane indices and 4 lane cpu_ns: they must match"},
    {"[\n {\"name\":\"asyncio\"", "[\n {\"name\":\"gevent\"", SIM_E_FORMAT,
     "model 1 is \"gevent\", not a model concviz knows"},
    {"\"args\":{\"state\":1}", "\"args\":{\"state\":200}", SIM_E_FORMAT, "state 200 is out of range (0.."},
    {"\"args\":{\"state\":1}", "\"args\":{}", SIM_E_FORMAT, "a \"X\" event needs pid, tid, ts, dur and args.state"},
    {"\"nmarks\":17", "\"nmarks\":18", SIM_E_FORMAT,
     "bad.json: incomplete: model asyncio should have 18 marks and has 17"},
    {"\"nflows\":1", "\"nflows\":0", SIM_E_FORMAT,
     "model threading holds more flows than the 0 its otherData says"},
    /* The second mark of task 0 moved before the first. */
    {"\"ts\":1.001,", "\"ts\":0.000,\"x\":", SIM_E_FORMAT, NULL},
    {"\"ph\":\"f\"", "\"ph\":\"X\"", SIM_E_FORMAT, "a \"X\" event needs pid, tid, ts, dur and args.state"},
    {"\"ph\":\"s\"", "\"ph\":\"f\"", SIM_E_FORMAT, "ends without its start right before it"},
    {"\"ph\":\"f\"", "\"ph\":\"s\"", SIM_E_FORMAT, "starts but never ends"},
    {"\"displayTimeUnit\"", "\"otherData\":{},\"displayTimeUnit\"", SIM_E_FORMAT, "otherData appears twice"},
    {"\"traceEvents\":[", "\"traceEvents\":{},\"x\":[", SIM_E_FORMAT, "1:16: expected an array"},
    {"\"cpus\":2", "\"cpus\":2,\"deep\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", SIM_E_FORMAT,
     "expected at most 64 levels of nesting"},
    {"\"workload\":\"2*", "\"workload\":\"\\u0000", SIM_E_FORMAT, "expected a string without \\u0000"},
    {"\"hostname\":\"lab-01\"", "\"hostname\":\"" "0123456789012345678901234567890123456789012345678901234567890123456789" "\"",
     SIM_E_FORMAT, "expected a string of at most 63 bytes"},
    {"\"end_ns\":40000125", "\"end_ns\":-2", SIM_E_FORMAT, "end_ns -2 is out of range"},
    {"\"lane_cpu_ns\":[9999999", "\"lane_cpu_ns\":[-9999999", SIM_E_FORMAT, "lane cpu_ns -9999999 is out of range"},
    /* Unknown members and kinds of events are allowed: they redraw nothing. */
    {"\"displayTimeUnit\"", "\"extra\":[1,{\"a\":null}],\"displayTimeUnit\"", 0, NULL},
    {"\"traceEvents\":[", "\"traceEvents\":[{\"ph\":\"C\",\"pid\":1,\"ts\":5,\"args\":{\"n\":3}},", 0, NULL},
};

/* Edits of the format 4 file: concviz_lanes is what the loader reads. */
static const bad_edit edits_v3[] = {
    /* The cost profile a model charged is read as strictly as a profile file. */
    {"\"loop_turn\": ", "\"loop_turn\": -", SIM_E_FORMAT,
     "costs.loop_turn: expected ns from 0 to 10000 (10 us), got -"},
    {"\"concviz_costs\": 6", "\"concviz_costs\": 7", SIM_E_FORMAT,
     "costs: expected a cost profile of format 2 to 6, got 7"},
    {"\"concviz_costs\": 6", "\"concviz_costs\": 1", SIM_E_FORMAT,
     "costs: expected a cost profile of format 2 to 6, got 1"},
    /* Format 3 has every cost: none may be left out. */
    {"\"asyncio_wait\": ", "\"asyncio_waits\": ", SIM_E_FORMAT,
     "costs.asyncio_waits: not a cost this concviz knows"},
    {"\"source\": \"builtin\"", "\"source\": \"magic\"", SIM_E_FORMAT,
     "source: expected calibrated, builtin, none or file"},
    {"\"concviz_format\":4", "\"concviz_format\":5", SIM_E_FORMAT,
     "bad.json: written by a newer concviz (trace format 5); this one reads format 4"},
    {"\"concviz_lanes\":[", "\"lanes\":[", SIM_E_FORMAT,
     "bad.json: it has no concviz_lanes, where format 4 keeps the lanes"},
    {"\"concviz_lanes\":[", "\"concviz_lanes\":{}, \"x\":[", SIM_E_FORMAT,
     "expected an array"},
    {"\"nmarks\":17", "\"nmarks\":18", SIM_E_FORMAT,
     "bad.json: incomplete: model asyncio should have 18 marks and has 17"},
    {"\"nmarks\":17", "\"nmarks\":-1", SIM_E_FORMAT, "nmarks -1 is out of range"},
    {",\"nmarks\":17", "", SIM_E_FORMAT,
     "model asyncio has no ntasks, nlanes, nmarks, ninstants or nflows"},
    {"\"nlanes\":4", "\"nlanes\":5", SIM_E_FORMAT,
     "model asyncio: res_kinds lists fewer values for 2 lanes"},
    {"\"nlanes\":4", "\"nlanes\":2", SIM_E_FORMAT, "(or fewer lanes than tasks)"},
    {"\"nlanes\":4", "\"nlanes\":9999", SIM_E_FORMAT,
     "model asyncio has 9999 lanes for 3 tasks: it needs one per task and at most 4096 more"},
    {"\"res_kinds\":[1]", "\"res_kinds\":[0]", SIM_E_FORMAT, "res_kinds 0 is out of range (1..7)"},
    {"\"res_kinds\":[1]", "\"res_kinds\":[1,1]", SIM_E_FORMAT,
     "model asyncio: res_kinds lists more values for 1 lanes"},
    {"\"res_kinds\":[1],", "", SIM_E_FORMAT, "model asyncio: concviz_lanes has no res_kinds"},
    {"\"cpu_ns\":[9999999,", "\"cpu_ns\":[", SIM_E_FORMAT,
     "model asyncio: cpu_ns lists fewer values for 4 lanes"},
    {"\"cpu_ns\":[9999999,", "\"cpu_ns\":[-2,", SIM_E_FORMAT, "cpu_ns -2 is out of range"},
    /* A lane's text, byte by byte. */
    {"\"r0R1001@1w9999998", "\"r0R1001@1W9999998", SIM_E_FORMAT,
     "lane 0 of model asyncio: expected a state letter (one of nrRwdisxlmqve)"},
    {"\"r0R1001@1w9999998", "\"r0R01001@1w9999998", SIM_E_FORMAT,
     "lane 0 of model asyncio: expected the ns since the lane's previous mark"},
    {"\"r0R1001@1w9999998", "\"r0R1000000000000000@1w9999998", SIM_E_FORMAT,
     "keeping the time within 10^15 ns"},
    {"\"r0R1001@1w9999998", "\"r0R@1w9999998", SIM_E_FORMAT, "expected the ns since"},
    {"9999998/0@-d29999124/-d0\"", "9999998/0@-d29999124/d0\"", SIM_E_FORMAT,
     "expected an arg (0..4294967294) or '-' after '/'"},
    {"\"r0R1001@1w9999998", "\"r0R1001@65535w9999998", SIM_E_FORMAT,
     "expected a core (0..65534) or '-' after '@'"},
    /* An escape is valid JSON, but never what concviz writes. */
    {"\"r0R1001@1w9999998", "\"r0R1001@1\\u00779999998", SIM_E_FORMAT,
     "expected a state letter"},
    {"\"r0R20001003@1w9999998/0@-d9999124/-\",\n", "", SIM_E_FORMAT,
     "model asyncio: marks for 3 lanes of its 4"},
    {"\"r0R20001003@1w9999998/0@-d9999124/-\",\n", "\"\",\"\",\n", SIM_E_FORMAT,
     "model asyncio: more lanes of marks than its 4 lanes"},
    {"\"R1001/0@1R10000001/1R10000001/2i9999001/-@-\"", "1", SIM_E_FORMAT,
     "expected a string"},
    /* Instants and flows. */
    {"10000001,2,0,0]", "10000001,9,0,0]", SIM_E_FORMAT, "instant lane 9 is out of range (0..3)"},
    {"10000001,2,0,0]", "10000001,2,13,0]", SIM_E_FORMAT, "instant code 13 is out of range"},
    {"10000001,2,0,0]", "10000001,2,0]", SIM_E_FORMAT,
     "an instant is 4 integers: dt, lane, code, arg"},
    {"10000001,2,0,0]", "-1,2,0,0]", SIM_E_FORMAT, "instant dt -1 is out of range"},
    {"\"ninstants\":3", "\"ninstants\":2", SIM_E_FORMAT,
     "model asyncio holds more instants than the 2 its otherData says"},
    {"\"ninstants\":3", "\"ninstants\":4", SIM_E_FORMAT,
     "incomplete: model asyncio should have 4 instants and has 3"},
    {"5000100,1,0,1,0]", "5000100,1,0,1,7]", SIM_E_FORMAT, "flow code 7 is out of range"},
    {"5000100,1,0,1,0]", "5000100,1,0,3,0]", SIM_E_FORMAT, "flow lane1 3 is out of range (0..2)"},
    {"400000,99999,2,3,1", "400000,999999,2,3,1", SIM_E_FORMAT,
     "a flow starts at -599999 ns, out of range"},
    {"5000100,1,0,1,0]", "5000100,1,0,1]", SIM_E_FORMAT, "a flow is 5 integers"},
    {"\"nflows\":1", "\"nflows\":0", SIM_E_FORMAT,
     "model threading holds more flows than the 0 its otherData says"},
    /* What otherData claims is held to the memory budget before anything is
     * built: a file cannot make concviz reserve what it does not hold. */
    {"\"nmarks\":17", "\"nmarks\":999999999999999", SIM_E_NOMEM,
     "bad.json: too big to open here: its runs need about"},
    /* The events are for other viewers: format 3 reads none of them, so
     * any valid JSON there is fine. */
    {"\"traceEvents\":[", "\"traceEvents\":[{\"ph\":\"X\"},[],", 0, NULL},
    {"{\"res_kinds\"", "{\"extra\":[{}],\"res_kinds\"", 0, NULL},
};

static void test_bad_edits(const char *good, const bad_edit *edits, size_t nedits)
{
    char msg[512];
    for (size_t i = 0; i < nedits; i++) {
        const bad_edit *b = &edits[i];
        char *doc = trace_io_edit(good, b->from, b->to);
        sim_comparison c;
        int e = sim_trace_load_mem(doc, strlen(doc), "bad.json", &c, msg, sizeof msg);
        ASSERT_MSG(e == b->err, "edit %zu (%s): got %d: %s", i, b->to, e, msg);
        if (b->msg)
            ASSERT_CONTAINS(msg, b->msg);
        if (e) {
            ASSERT(strncmp(msg, "bad.json:", 9) == 0);
            ASSERT(c.ntraces == 0 && c.workload == NULL);  /* nothing half-built */
        }
        sim_comparison_deinit(&c);
        free(doc);
    }
}

/* The budget: a file whose runs need more memory than concviz may use is
 * refused before anything is built, with the sizes. */
static void test_budget(const char *good, size_t len)
{
    char msg[512];
    sim_comparison c;
    ASSERT_INT_EQ(sim_trace_load_mem_budget(good, len, "big.json", 1000, &c, msg, sizeof msg),
                  SIM_E_NOMEM);
    ASSERT_CONTAINS(msg, "big.json: too big to open here: its runs need about ");
    ASSERT_CONTAINS(msg, "(12 lanes, 34 marks, 7 instants, 4 flows)");
    ASSERT_CONTAINS(msg, "and concviz may use 1000 B (half of the memory available now)");
    ASSERT(c.ntraces == 0 && c.workload == NULL);
    /* Exactly what the traces take is enough. */
    uint64_t need = (4 + 3 + 5) * sizeof(sim_lane) + (17 + 6 + 11) * sizeof(sim_mark) +
                    (3 + 1 + 3) * sizeof(sim_tinstant) + (0 + 1 + 3) * sizeof(sim_tflow);
    ASSERT_INT_EQ(sim_trace_load_mem_budget(good, len, "big.json", need, &c, msg, sizeof msg),
                  0);
    sim_comparison_deinit(&c);
    ASSERT_INT_EQ(sim_trace_load_mem_budget(good, len, "big.json", need - 1, &c, msg,
                                            sizeof msg), SIM_E_NOMEM);
    ASSERT(sim_trace_load_budget() > 0);
}

static void test_bad_documents(const char *good, size_t len)
{
    char msg[512];
    sim_comparison c;
    static const struct { const char *doc; const char *msg; } docs[] = {
        {"", "X.json: the file is empty; a trace is a JSON object"},
        {" \n\t ", "X.json: the file is empty"},
        {"[1, 2]", "X.json:1:2: an event is an object"},
        {"{\"traceEvents\": []}", "X.json: it holds no event concviz can draw"},
        {"{\"foo\": 1}", "X.json: not a trace concviz can read: a JSON object with no "
                         "traceEvents"},
        {"\"x\"", "X.json: not a trace concviz can read: it is not a JSON object"},
        {"{\"otherData\": {\"concviz_format\": 1, \"workload\": \"x\", \"models\": []}}",
         "X.json: it has no traceEvents"},
        {"{\"otherData\": {\"concviz_format\": 1, \"models\": []}, \"traceEvents\": []}",
         "X.json:1:15: otherData has no workload"},
        {"hello", "X.json:1:1: expected a value"},
        {"{\"a\":1}}", "X.json:1:8: expected the end of the document"},
        {"\x7f" "ELF\x02\x01\x01\0\0\0", "X.json: not a trace concviz can read: it holds binary data"},
        {"\x89PNG\r\n\x1a\n", "X.json: not a trace concviz can read: it holds binary data"},
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        size_t n = strlen(docs[i].doc);
        if (docs[i].doc[0] == '\x7f')
            n = 10;
        int e = sim_trace_load_mem(docs[i].doc, n, "X.json", &c, msg, sizeof msg);
        ASSERT_MSG(e == SIM_E_FORMAT, "docs[%zu]", i);
        ASSERT_CONTAINS(msg, docs[i].msg);
        sim_comparison_deinit(&c);
    }
    /* Cut short anywhere: a clear error, never a crash. */
    for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
        int e = sim_trace_load_mem(good, cut, "cut.json", &c, msg, sizeof msg);
        ASSERT_MSG(e == SIM_E_FORMAT, "cut at %zu", cut);
        ASSERT(strncmp(msg, "cut.json:", 9) == 0);
        sim_comparison_deinit(&c);
    }
    ASSERT(sim_trace_load_mem(good, len / 2, "cut.json", &c, msg, sizeof msg) == SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "(the file ends too early: is it cut short?)");
}

static void put_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ASSERT(f);
    ASSERT(fwrite(data, 1, n, f) == n);
    ASSERT(fclose(f) == 0);
}

static void test_bad_files(const char *good, size_t len)
{
    char msg[512], path[128], want[256];
    sim_comparison c;

    snprintf(path, sizeof path, "%s/RUN.json", dir);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: no such file", path);
    ASSERT_STR_EQ(msg, want);

    ASSERT_INT_EQ(sim_trace_load(dir, &c, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: is a folder, not a trace file", dir);
    ASSERT_STR_EQ(msg, want);

    ASSERT_INT_EQ(sim_trace_load("/dev/zero", &c, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "/dev/zero: not a regular file (a character device)");

    put_file(path, "", 0);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "RUN.json: the file is empty");

    put_file(path, good, len / 3);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "is it cut short?");

    /* Too big: a sparse file just over the limit is refused before reading. */
    FILE *f = fopen(path, "w");
    ASSERT(f);
    ASSERT(ftruncate(fileno(f), (off_t)SIM_TRACE_MAX_FILE + 1) == 0);
    fclose(f);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_FORMAT);
    ASSERT_CONTAINS(msg, "RUN.json: too big (17179869185 bytes); concviz opens traces of "
                    "at most 16.0 GiB");
    unlink(path);

    /* The file is mapped, not copied: loading it back from a file gives
     * the same as from memory. */
    put_file(path, good, len);
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), 0);
    ASSERT_INT_EQ(c.ntraces, 3);
    sim_comparison_deinit(&c);
    unlink(path);
}

static void test_bad_saves(void)
{
    char msg[512], path[128], want[256];
    sim_comparison a;
    trace_io_build(&a);

    ASSERT_INT_EQ(sim_chrome_save("/dev/full", &a, msg, sizeof msg), SIM_E_SYS);
    ASSERT_CONTAINS(msg, "/dev/full: not a regular file");

    snprintf(path, sizeof path, "%s/missing/RUN.json", dir);
    ASSERT_INT_EQ(sim_chrome_save(path, &a, msg, sizeof msg), SIM_E_SYS);
    snprintf(want, sizeof want, "%s: the folder %s/missing does not exist", path, dir);
    ASSERT_STR_EQ(msg, want);

    /* A save that fails half-way (file-size limit) leaves the old file. */
    snprintf(path, sizeof path, "%s/old.json", dir);
    put_file(path, "old", 3);
    ASSERT(signal(SIGXFSZ, SIG_IGN) != SIG_ERR);
    struct rlimit old, lim;
    ASSERT(getrlimit(RLIMIT_FSIZE, &old) == 0);
    lim = old;
    lim.rlim_cur = 1024;
    ASSERT(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    int e = sim_chrome_save(path, &a, msg, sizeof msg);
    ASSERT(setrlimit(RLIMIT_FSIZE, &old) == 0);
    ASSERT_INT_EQ(e, SIM_E_SYS);
    ASSERT_CONTAINS(msg, "could not write the file: the file would be bigger than the file-size limit");
    sim_comparison c;
    ASSERT_INT_EQ(sim_trace_load(path, &c, msg, sizeof msg), SIM_E_FORMAT);
    struct stat st;
    ASSERT(stat(path, &st) == 0 && st.st_size == 3);
    unlink(path);
    ASSERT(rmdir(dir) == 0);   /* empty: no temporary file was left */
    ASSERT(mkdir(dir, 0700) == 0);
    sim_comparison_deinit(&a);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/concviz-trace-io-bad-XXXXXX");
    ASSERT(mkdtemp(dir));
    sim_comparison a;
    trace_io_build(&a);
    size_t len;
    char *good = trace_io_text(&a, &len);
    size_t len2;
    char *v2 = trace_io_fixture("v2.json", &len2);
    test_bad_edits(v2, edits_v2, sizeof edits_v2 / sizeof edits_v2[0]);
    test_bad_edits(good, edits_v3, sizeof edits_v3 / sizeof edits_v3[0]);
    test_budget(good, len);
    test_bad_documents(v2, len2);
    free(v2);
    test_bad_documents(good, len);
    test_bad_files(good, len);
    test_bad_saves();
    free(good);
    sim_comparison_deinit(&a);
    ASSERT(rmdir(dir) == 0);
    puts("trace_io_bad: ok");
    return 0;
}
