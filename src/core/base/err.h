/* err.h - errors are values: every fallible call returns 0 or one of these. */
#ifndef SIM_ERR_H
#define SIM_ERR_H

typedef enum sim_err {
    SIM_OK = 0,
    SIM_E_USAGE = -1,     /* bad option, workload or limit: the user's to fix (exit 2) */
    SIM_E_SYS = -2,       /* a system call failed (exit 1) */
    SIM_E_CANCELLED = -3, /* stopped on request (Stop, SIGINT, SIGTERM) */
    SIM_E_LOST = -4,      /* a worker process died */
    SIM_E_TIMEOUT = -5,   /* --timeout ran out */
    SIM_E_FORMAT = -6,    /* a file that is not what it should be (exit 1) */
    SIM_E_DEADLOCK = -7,  /* every task waits on something nothing can release */
    SIM_E_NOMEM = -8,
} sim_err;

/* A short description: "cancelled", "a worker process died", ... */
const char *sim_err_str(int e);

#endif
