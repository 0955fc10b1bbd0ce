/* model.h - the concurrency models concviz runs, named after Python's modules. */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

typedef enum sim_model {
    SIM_MODEL_ASYNCIO = 0,     /* one thread, an event loop, switches only at await */
    SIM_MODEL_THREADING,       /* real threads serialized by a GIL */
    SIM_MODEL_MULTIPROCESSING, /* a pool of real worker processes */
    SIM_MODEL_FREE_THREADING,  /* real threads without a GIL (CPython 3.13t) */
    SIM_MODEL__COUNT
} sim_model;

/* "asyncio", "threading", "multiprocessing", "free-threading". */
const char *sim_model_name(sim_model m);
/* A one-line plain-English caption ("one thread; tasks switch only at await"). */
const char *sim_model_caption(sim_model m);
/* Parses a model name; returns 0 and sets *m, or -1. */
int sim_model_parse(const char *name, sim_model *m);

#endif
