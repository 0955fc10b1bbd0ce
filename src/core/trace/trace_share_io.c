/* trace_share_io.c - counters, lock names and messages in a saved trace.
 *
 * A run's shared state is part of what it showed (lost updates, the bytes
 * a queue carried), so a saved trace carries it too, in each model's
 * otherData entry:
 *
 *   "shared":{"counters":[{"name":"hits","expected":200000,"final":187000,
 *              "shared":false}], "locks":["L"], "messages":2, "message_bytes":2000,
 *              "names":[{"name":"hits","kind":"var","permits":0}, ...]}
 *
 * "final" is null when the run stopped before it could record the value.
 * The reader is strict, as the rest of the loader: names must fit, numbers
 * must be numbers, and anything unknown inside is skipped.
 */
#include "trace_share_io.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_keys[] = {"", "var", "lock", "sem", "queue"};

void sim_chrome_write_shared(FILE *f, const sim_trace *t)
{
    if (!t->ncounters && !t->nlock_names && !t->messages && !t->nnames)
        return;
    fputs(",\n  \"shared\":{\"counters\":[", f);
    for (uint32_t i = 0; i < t->ncounters; i++) {
        const sim_tcounter *c = &t->counters[i];
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        sim_json_write_string(f, c->name);
        fprintf(f, ",\"expected\":%" PRId64 ",\"final\":", c->expected);
        if (c->has_final)
            fprintf(f, "%" PRId64, c->final);
        else
            fputs("null", f);
        fprintf(f, ",\"shared\":%s}", c->shared ? "true" : "false");
    }
    fputs("],\"locks\":[", f);
    for (uint32_t i = 0; i < t->nlock_names; i++) {
        fputs(i ? "," : "", f);
        sim_json_write_string(f, t->lock_names[i]);
    }
    fprintf(f, "],\"messages\":%" PRIu64 ",\"message_bytes\":%" PRIu64, t->messages,
            t->message_bytes);
    fputs(",\"names\":[", f);
    for (uint32_t i = 0; i < t->nnames; i++) {
        const sim_tname *nm = &t->names[i];
        fputs(i ? ",{\"name\":" : "{\"name\":", f);
        sim_json_write_string(f, nm->name);
        fprintf(f, ",\"kind\":\"%s\",\"permits\":%" PRIu32 "}",
                nm->kind < 5 ? kind_keys[nm->kind] : "", nm->permits);
    }
    fputs("]}", f);
}

static int read_name(sim_json *j, sim_tname *nm)
{
    char key[32], kind[16] = "";
    int more;
    int64_t permits = 0;
    memset(nm, 0, sizeof *nm);
    if (sim_json_begin_object(j) < 0)
        return -1;
    while ((more = sim_json_next_key(j, key, sizeof key)) > 0) {
        int e;
        if (!strcmp(key, "name"))
            e = sim_json_string(j, nm->name, sizeof nm->name, NULL);
        else if (!strcmp(key, "kind"))
            e = sim_json_string(j, kind, sizeof kind, NULL);
        else if (!strcmp(key, "permits"))
            e = sim_json_int64(j, &permits);
        else
            e = sim_json_skip(j);
        if (e < 0)
            return -1;
    }
    if (more < 0)
        return -1;
    for (uint8_t k = 1; k < 5; k++)
        if (!strcmp(kind, kind_keys[k]))
            nm->kind = k;
    if (!nm->name[0] || !nm->kind)
        return sim_json_fail(j, "a name needs a name and a kind (var, lock, sem, queue)");
    if (permits < 0 || permits > UINT32_MAX)
        return sim_json_fail(j, "permits out of range");
    nm->permits = (uint32_t)permits;
    return 0;
}

static int read_counter(sim_json *j, sim_tcounter *c)
{
    char key[32];
    int more;
    memset(c, 0, sizeof c[0]);
    if (sim_json_begin_object(j) < 0)
        return -1;
    while ((more = sim_json_next_key(j, key, sizeof key)) > 0) {
        int e = 0;
        if (!strcmp(key, "name")) {
            e = sim_json_string(j, c->name, sizeof c->name, NULL);
        } else if (!strcmp(key, "expected")) {
            e = sim_json_int64(j, &c->expected);
        } else if (!strcmp(key, "final")) {
            /* null: the run stopped before it recorded the value */
            if (sim_json_peek(j) == SIM_JSON_NULL) {
                e = sim_json_skip(j);
            } else {
                e = sim_json_int64(j, &c->final);
                c->has_final = e == 0;
            }
        } else if (!strcmp(key, "shared")) {
            e = sim_json_bool(j, &c->shared);
        } else {
            e = sim_json_skip(j);
        }
        if (e < 0)
            return -1;
    }
    if (more < 0)
        return -1;
    if (!c->name[0])
        return sim_json_fail(j, "a counter has no name");
    return 0;
}

static int grow(void **p, uint32_t n, size_t elem)
{
    if (n >= 4096)
        return -1;
    void *np = realloc(*p, (n + 1) * elem);
    if (!np)
        return -1;
    *p = np;
    return 0;
}

int sim_chrome_read_shared(sim_json *j, sim_shared_meta *m)
{
    char key[32];
    int more;
    if (sim_json_begin_object(j) < 0)
        return -1;
    while ((more = sim_json_next_key(j, key, sizeof key)) > 0) {
        int e = 0, item;
        int64_t v;
        if (!strcmp(key, "counters")) {
            if (sim_json_begin_array(j) < 0)
                return -1;
            while ((item = sim_json_next_item(j)) > 0) {
                if (grow((void **)&m->counters, m->ncounters, sizeof *m->counters) < 0)
                    return sim_json_fail(j, "too many counters");
                if (read_counter(j, &m->counters[m->ncounters]) < 0)
                    return -1;
                m->ncounters++;
            }
            e = item;
        } else if (!strcmp(key, "locks")) {
            if (sim_json_begin_array(j) < 0)
                return -1;
            while ((item = sim_json_next_item(j)) > 0) {
                if (grow((void **)&m->lock_names, m->nlock_names, sizeof *m->lock_names) < 0)
                    return sim_json_fail(j, "too many locks");
                if (sim_json_string(j, m->lock_names[m->nlock_names], 32, NULL) < 0)
                    return -1;
                m->nlock_names++;
            }
            e = item;
        } else if (!strcmp(key, "names")) {
            if (sim_json_begin_array(j) < 0)
                return -1;
            while ((item = sim_json_next_item(j)) > 0) {
                if (grow((void **)&m->names, m->nnames, sizeof *m->names) < 0)
                    return sim_json_fail(j, "too many names");
                if (read_name(j, &m->names[m->nnames]) < 0)
                    return -1;
                m->nnames++;
            }
            e = item;
        } else if (!strcmp(key, "messages") || !strcmp(key, "message_bytes")) {
            e = sim_json_int64(j, &v);
            if (e == 0 && v < 0)
                return sim_json_fail(j, "a negative %s", key);
            if (e == 0)
                *(key[7] == '_' ? &m->message_bytes : &m->messages) = (uint64_t)v;
        } else {
            e = sim_json_skip(j);
        }
        if (e < 0)
            return -1;
    }
    return more < 0 ? -1 : 0;
}

void sim_shared_meta_move(sim_shared_meta *m, sim_trace *t)
{
    free(t->counters);
    free(t->counter_ids_);
    free(t->lock_names);
    t->counters = m->counters;
    t->counter_ids_ = NULL;
    t->ncounters = m->ncounters;
    t->lock_names = m->lock_names;
    t->nlock_names = m->nlock_names;
    free(t->names);
    t->names = m->names;
    t->nnames = m->nnames;
    t->messages = m->messages;
    t->message_bytes = m->message_bytes;
    memset(m, 0, sizeof *m);
}

void sim_shared_meta_free(sim_shared_meta *m)
{
    free(m->counters);
    free(m->lock_names);
    free(m->names);
    memset(m, 0, sizeof *m);
}
