/* fuzz_lesson.c - libFuzzer target: lesson_parse on any bytes.
 *
 * A lesson comes from a teacher, or from a stranger's download: whatever
 * the bytes, parsing must end with a lesson or a list of messages, never a
 * crash, a leak or undefined behaviour (the build adds ASan and UBSan).
 */
#include <stddef.h>
#include <stdint.h>

#include "lesson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lesson l;
    lesson_errors e;
    if (lesson_parse(&l, "fuzz.md", (const char *)data, size, &e) == 0) {
        for (size_t k = 0; k < l.nsteps; k++) {
            lesson_guess_choice_right(&l.steps[k].pred, 0);
            lesson_guess_value_right(&l.steps[k].pred, 1e6);
        }
        lesson_free(&l);
    }
    return 0;
}
