/* lesson.h - lessons: Markdown files that set up concviz step by step.
 *
 * A lesson is a CommonMark document a student can also read on any code
 * host (README.md, "Writing a lesson", is the teacher's guide):
 *
 *   # Title
 *   intro paragraphs
 *   ## First step            one `##` heading per step
 *   narration (paragraphs, lists, **bold**, *italic*, `code`)
 *   ```concviz               exactly one settings block per step
 *   workload: 4*io:200ms
 *   models: asyncio, threading
 *   question: Which finishes first?
 *   answer: asyncio, threading
 *   check: fastest
 *   ```
 *   narration after the block is shown once the step has run (the reveal)
 *
 * A lesson can only configure concviz: every key is a typed setting, and
 * nothing in the format names a command or a file. Parsing is bounded
 * (file size, steps, blocks, choices) so a hostile file costs little.
 *
 * Ownership: lesson_parse fills a lesson the caller frees with
 * lesson_free; on failure nothing is left allocated and `errs` says why,
 * one "FILE:LINE[:COL]: message" per error. Units: ns, like the core.
 */
#ifndef LESSON_H
#define LESSON_H

#include <stddef.h>
#include <stdint.h>

#include "comparison.h"
#include "model.h"
#include "run.h"

/* Bounds against hostile or runaway input (documented in README.md). */
#define LESSON_MAX_FILE_BYTES (256 * 1024)
#define LESSON_MAX_STEPS 64
#define LESSON_MAX_BLOCKS 256        /* narration blocks in one step (or the intro) */
#define LESSON_MAX_SPANS 512         /* styled runs in one block */
#define LESSON_MAX_BLOCK_BYTES 16384 /* text of one block */
#define LESSON_MAX_CHOICES 8
#define LESSON_MAX_HIGHLIGHT 16
#define LESSON_MAX_VALUE 1024        /* bytes in one `key: value` line */
#define LESSON_MAX_ERRORS 20         /* errors collected before giving up */

/* Narration: a list of blocks, each a string cut into styled spans. */
enum {
    LESSON_STYLE_BOLD = 1,
    LESSON_STYLE_ITALIC = 2,
    LESSON_STYLE_CODE = 4,
};

typedef struct lesson_span {
    uint32_t off, len;    /* bytes of the block's text */
    uint8_t style;        /* LESSON_STYLE_* bits */
} lesson_span;

typedef enum lesson_block_kind {
    LESSON_BLOCK_PARAGRAPH = 0,
    LESSON_BLOCK_ITEM,     /* the first paragraph of a list item */
    LESSON_BLOCK_HEADING,  /* `###` and deeper, inside a step */
    LESSON_BLOCK_CODE,     /* a fenced or indented block that is not `concviz` */
} lesson_block_kind;

typedef struct lesson_block {
    lesson_block_kind kind;
    int depth;            /* list nesting: 0 outside lists, 1 in a top-level list */
    int number;           /* ordered list items: the item's number; else 0 */
    int after_run;        /* 1: comes after the step's settings block (the reveal) */
    int quote;            /* 1: inside a block quote */
    int line;             /* source line */
    char *text;           /* UTF-8, NUL-terminated; '\n' where the source had a hard break */
    size_t len;
    lesson_span *spans;
    size_t nspans;
} lesson_block;

/* How a prediction's answer is computed from the run. */
typedef enum lesson_check_kind {
    LESSON_CHECK_NONE = 0,
    LESSON_CHECK_FASTEST,  /* the model with the least wall time (ties allowed) */
    LESSON_CHECK_SLOWEST,  /* the model with the most wall time */
    LESSON_CHECK_LIGHTEST, /* the least memory per task (mem_per_task_bytes) */
    LESSON_CHECK_HEAVIEST, /* the most memory per task */
    LESSON_CHECK_WALL,     /* numeric: a model's wall time (ns) */
    LESSON_CHECK_END,      /* numeric: when one task finished under a model (ns) */
    LESSON_CHECK_SWITCHES, /* numeric: a model's switches (a count) */
    LESSON_CHECK_LOST,     /* numeric: updates of one variable lost under a model (a count) */
} lesson_check_kind;

/* Model checks answer with model names; numeric ones with a number. Two
 * models "tie" when their figures lie within LESSON_TIE_PERCENT of each
 * other or within LESSON_TIE_NS (wall times), whichever is larger. */
#define LESSON_TIE_PERCENT 10.0
#define LESSON_TIE_NS 5000000ll

typedef struct lesson_prediction {
    char *question;                     /* NULL: the step asks nothing */
    char *choices[LESSON_MAX_CHOICES];  /* as written; model names for model checks */
    int nchoices;                       /* 0 for a numeric question without choices */
    uint32_t choice_models[LESSON_MAX_CHOICES]; /* model checks: bit (1 << sim_model)
                                           of each model a choice names; a choice
                                           naming several ("threading and asyncio")
                                           says that they tie */
    int tie_choices;                    /* 1: some choice names several models; then
                                           a choice is right only when its models are
                                           exactly the ones that tie for the best */
    double choice_values[LESSON_MAX_CHOICES]; /* numeric checks: each choice's value */
    uint32_t answers;                   /* bit i: choice i counts as right ("any of":
                                           the learner may pick any one of them) */
    lesson_check_kind check;
    int cpython;                        /* `check: wall cpython MODEL`: judged on
                                           CPython's runs (`cpython: yes`), not
                                           the engines' */
    sim_model check_model;              /* WALL, END, SWITCHES, LOST */
    uint32_t check_task;                /* END */
    char check_var[32];                 /* LOST: the workload variable's name */
    double answer;                      /* numeric: ns for durations, or a count */
    double tolerance;                   /* numeric: absolute, in the answer's unit */
    double tolerance_percent;           /* numeric: or this percent of the answer */
    int line;                           /* the `question:` line */
} lesson_prediction;

typedef struct lesson_settings {
    char *workload;                     /* as written, already checked; owned
                                           here, and cfg.workload points to it */
    sim_config cfg;                     /* the step's run: every setting a step
                                           sets, zero for the defaults */
    int needs_cpus;                     /* 0/1: none; 2+: the claim needs that many */
    int cpython;                        /* `cpython: yes`: measure the step's Python
                                           programs in CPython too (the configured
                                           python3; never one the lesson names) */
    int code;                           /* `code: yes`: the code view is open for
                                           the step (the learner may close it) */
    double speed;                       /* playback speed, 1.0 = real time */
    int64_t view_from_ns, view_to_ns;   /* both 0: the whole run */
    uint32_t highlight[LESSON_MAX_HIGHLIGHT]; /* task lanes to highlight */
    int nhighlight;
} lesson_settings;

typedef struct lesson_step {
    char *title;
    int line;                           /* the `##` heading's line */
    lesson_block *blocks;
    size_t nblocks;
    lesson_settings set;
    int settings_line;                  /* the ```concviz fence's line */
    lesson_prediction pred;
} lesson_step;

typedef struct lesson {
    char *file;                         /* the name used in messages */
    char *title;
    lesson_block *intro;                /* narration before the first step */
    size_t nintro;
    lesson_step *steps;
    size_t nsteps;
} lesson;

typedef struct lesson_errors {
    int n;                              /* errors kept (at most LESSON_MAX_ERRORS) */
    int more;                           /* 1: further errors were not kept */
    char msg[LESSON_MAX_ERRORS][320];   /* "FILE:LINE: message", sorted by line */
    int line[LESSON_MAX_ERRORS];
} lesson_errors;

/* Parses `len` bytes of Markdown. `file` names the lesson in messages.
 * Returns 0, or SIM_E_FORMAT (errs filled) or SIM_E_NOMEM. */
int lesson_parse(lesson *l, const char *file, const char *buf, size_t len,
                 lesson_errors *errs);
/* Reads and parses a file (refusing files over LESSON_MAX_FILE_BYTES).
 * Returns 0, SIM_E_SYS (unreadable: errs says why), SIM_E_FORMAT or SIM_E_NOMEM. */
int lesson_load(lesson *l, const char *path, lesson_errors *errs);
void lesson_free(lesson *l);

/* A run description for a step's scenario, pointing into the step. */
void lesson_step_run_desc(const lesson_step *s, sim_run_desc *d);
/* Whether comparison c ran exactly this step's scenario: its workload and
 * the same set of models (in any order) with the step's settings. */
int lesson_step_is_run(const lesson_step *s, const sim_comparison *c);

/* Judging a guess against the lesson's answer (before or without a run). */
int lesson_guess_choice_right(const lesson_prediction *p, int choice);
int lesson_guess_value_right(const lesson_prediction *p, double value);

/* What this machine measured, compared with the lesson's answer. */
typedef struct lesson_verdict {
    int ran;               /* 1: every model needed for the check finished */
    int skipped;           /* 1: the machine has fewer CPUs than needs-cpus */
    int agrees;            /* 1: the lesson's answer matches this machine */
    uint32_t measured;     /* choices right on this machine (model checks; numeric with choices) */
    double value;          /* numeric checks: what this machine measured */
    char text[640];        /* one or two sentences for the learner */
} lesson_verdict;

/* Computes the step's checked answer from a finished comparison of the
 * step's scenario: from the engines' runs, or from CPython's when the
 * check names it (`check: wall cpython asyncio`); CPython's runs missing
 * (no python3: the comparison's CPython traces say why) make the verdict
 * `skipped`, with the reason. Returns 0, or SIM_E_USAGE if the step has
 * no prediction. */
int lesson_judge(const lesson_step *s, const sim_comparison *c, lesson_verdict *v);

/* The same claim judged on CPython's runs, for a `cpython: yes` step whose
 * check names the engines: what the learner's prediction would have been
 * measured as in CPython ("in CPython 3.11.7: Measured here: ..."). The
 * verdict is `skipped` (the reason in its text) when CPython did not
 * measure every model. Returns 0, or SIM_E_USAGE if the step has no
 * prediction. */
int lesson_judge_cpython(const lesson_step *s, const sim_comparison *c, lesson_verdict *v);

const char *lesson_check_name(lesson_check_kind k);
/* 1 for checks answered with models (fastest, slowest, lightest, heaviest). */
int lesson_check_is_models(lesson_check_kind k);   /* "fastest", "wall", ... */

#endif
