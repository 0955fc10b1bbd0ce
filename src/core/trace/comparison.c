/* comparison.c - the machine a comparison ran on, and freeing one. */
#include "comparison.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* CPUs this process may run on (taskset and cgroups' cpusets shrink it). */
static int usable_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static void cpu_model(char *buf, size_t n)
{
    snprintf(buf, n, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        colon++;
        while (*colon == ' ' || *colon == '\t')
            colon++;
        colon[strcspn(colon, "\n")] = '\0';
        snprintf(buf, n, "%s", colon);
        break;
    }
    fclose(f);
}

void sim_machine_probe(sim_machine *m)
{
    memset(m, 0, sizeof *m);
    m->cpus = usable_cpus();
    cpu_model(m->cpu_model, sizeof m->cpu_model);
    if (gethostname(m->hostname, sizeof m->hostname) != 0)
        snprintf(m->hostname, sizeof m->hostname, "unknown");
    m->hostname[sizeof m->hostname - 1] = '\0';
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(m->os, sizeof m->os, "%.20s %.40s", u.sysname, u.release);
}

int sim_machine_cpus(void) { return usable_cpus(); }

void sim_comparison_deinit(sim_comparison *c)
{
    for (int i = 0; i < SIM_MODEL__COUNT; i++) {
        sim_trace_deinit(&c->traces[i]);
        sim_trace_deinit(&c->cpython[i]);
    }
    free(c->workload);
    memset(c, 0, sizeof *c);
}
