/* test_progress.c - a classroom: several players at once, one home folder.
 *
 * Six processes (as six lesson players sharing a home folder) each save
 * their progress many times over, at the same time, through the same call
 * the player makes after every step. Each writes its own lesson and all of
 * them one shared lesson. Afterwards every lesson must be there with its
 * last step: a save that rewrote the file from an old read would have
 * dropped the others' entries.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"
#include "test.h"

#define WRITERS 6
#define SAVES 20

static int writer(const char *path, int w)
{
    char name[64], msg[512];
    snprintf(name, sizeof name, "%02d-writer.md", w);
    for (int k = 0; k < SAVES; k++) {
        if (lesson_progress_update(path, name, k, k == SAVES - 1, NULL, msg, sizeof msg) != 0 ||
            lesson_progress_update(path, "00-shared.md", w, 0, NULL, msg, sizeof msg) != 0) {
            fprintf(stderr, "writer %d: %s\n", w, msg);
            return 1;
        }
    }
    return 0;
}

int main(void)
{
    char dir[] = "/tmp/concviz-progress-XXXXXX";
    ASSERT(mkdtemp(dir));
    char path[256], lock[300];
    snprintf(path, sizeof path, "%s/state/concviz/progress", dir);
    snprintf(lock, sizeof lock, "%s.lock", path);

    int go[2];
    ASSERT(pipe(go) == 0);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        ASSERT(pids[w] >= 0);
        if (pids[w] == 0) {
            char c;
            close(go[1]);
            _exit(read(go[0], &c, 1) == 0 ? writer(path, w) : 2); /* all start at once */
        }
    }
    close(go[0]);
    close(go[1]); /* EOF: go */
    for (int w = 0; w < WRITERS; w++) {
        int status;
        ASSERT(waitpid(pids[w], &status, 0) == pids[w]);
        ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed", w);
    }

    lesson_progress p;
    char msg[512];
    ASSERT_INT_EQ(lesson_progress_load(&p, path, msg, sizeof msg), 0);
    ASSERT_INT_EQ(p.n, WRITERS + 1);
    for (int w = 0; w < WRITERS; w++) {
        char name[64];
        snprintf(name, sizeof name, "%02d-writer.md", w);
        const lesson_progress_entry *e = lesson_progress_get(&p, name);
        ASSERT_MSG(e != NULL, "%s was lost", name);
        ASSERT_INT_EQ(e->step, SAVES - 1);
        ASSERT(e->done);
    }
    ASSERT(lesson_progress_get(&p, "00-shared.md") != NULL);
    lesson_progress_free(&p);

    ASSERT(unlink(path) == 0);
    ASSERT(unlink(lock) == 0);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/state/concviz", dir);
    ASSERT(rmdir(sub) == 0); /* nothing else was left in the folder */
    snprintf(sub, sizeof sub, "%s/state", dir);
    ASSERT(rmdir(sub) == 0);
    ASSERT(rmdir(dir) == 0);
    puts("progress: ok");
    return 0;
}
