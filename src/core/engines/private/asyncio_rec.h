/* asyncio_rec.h - the event loop's recording: its lanes and writers.
 * Private to asyncio.c; asyncio_rec.c says what each holds. */
#ifndef SIM_ASYNCIO_REC_H
#define SIM_ASYNCIO_REC_H

#include "aexec.h"
#include "engine.h"

/* Maps a->rec for an asyncio run whose executors are `plan`, and says how
 * much each writer will record. SIM_OK, or SIM_E_NOMEM / SIM_E_SYS with
 * a->error set. */
int sim_asyncio_rec_init(sim_engine_args *a, const sim_aexec_plan *plan);

#endif
