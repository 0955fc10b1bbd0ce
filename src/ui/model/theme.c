/* theme.c - the three themes as plain tables.
 *
 * Every colour a drawing needs is named here, so the drawing code never
 * picks a colour itself and a new theme is one more table. State colours
 * come from Okabe and Ito's palette (2008), chosen to stay distinct under
 * protanopia, deuteranopia and tritanopia: running is blue, waiting for a
 * scheduler is orange, waiting for I/O is sky blue. Orange and sky blue have
 * almost the same lightness, so in greyscale only their hatching (lines
 * against dots) separates them: that is why every waiting state has one.
 *
 * Okabe-Ito has only eight colours, black among them. The scheduler and
 * process states take six (receiving and sending share green), and a lock
 * wait the seventh, yellow; so the two other waits on shared state borrow
 * from Paul Tol's colour-blind-safe "light" scheme: a semaphore wait is
 * olive (the lock's hue, much darker: told apart in every form of colour
 * blindness, and in grey), a queue wait pink (the one warm light tone
 * left, lighter than the purple of "process starting"). Each has its own
 * hatching too.
 */
#include "theme.h"

#include <string.h>

#define RGB(v) {(uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v), 255}
#define RGBA(v, a) {(uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v), (a)}

/* Okabe-Ito */
#define OI_ORANGE 0xE69F00
#define OI_SKY 0x56B4E9
#define OI_GREEN 0x009E73
#define OI_YELLOW 0xF0E442
#define OI_BLUE 0x0072B2
#define OI_VERMILLION 0xD55E00
#define OI_PURPLE 0xCC79A7

/* Paul Tol, "light" scheme */
#define TOL_OLIVE 0xAAAA00
#define TOL_PINK 0xFFAABB

#define STATES(done, idle)                                                 \
    {                                                                      \
        [SIM_ST_NONE] = RGBA(0, 0), [SIM_ST_READY] = RGB(OI_ORANGE),       \
        [SIM_ST_RUNNING] = RGB(OI_BLUE), [SIM_ST_IO] = RGB(OI_SKY),        \
        [SIM_ST_DONE] = RGB(done), [SIM_ST_IDLE] = idle,                   \
        [SIM_ST_STARTING] = RGB(OI_PURPLE), [SIM_ST_LOST] = RGB(OI_VERMILLION), \
        [SIM_ST_LOCK] = RGB(OI_YELLOW), [SIM_ST_SEM] = RGB(TOL_OLIVE),     \
        [SIM_ST_QUEUE] = RGB(TOL_PINK),                                    \
        [SIM_ST_RECV] = RGB(OI_GREEN), [SIM_ST_SEND] = RGB(OI_GREEN),      \
        [SIM_ST_DENSE] = RGB(0x999999),                                    \
    }

#define HATCHES                                                            \
    {                                                                      \
        [SIM_ST_READY] = UI_HATCH_DIAG, [SIM_ST_IO] = UI_HATCH_DOTS,       \
        [SIM_ST_LOST] = UI_HATCH_CROSS, [SIM_ST_LOCK] = UI_HATCH_BACK,     \
        [SIM_ST_SEM] = UI_HATCH_HORIZ, [SIM_ST_QUEUE] = UI_HATCH_VERT,     \
        [SIM_ST_RECV] = UI_HATCH_DOTS,                                     \
    }

static const ui_theme themes[UI_THEME__COUNT] = {
    [UI_THEME_LIGHT] = {
        .name = "light",
        .bg = RGB(0xECECE8),
        .panel = {RGB(0xFFFFFF), RGB(0xF6F6F2)},
        .fg = RGB(0x1A1A1A),
        .fg_dim = RGB(0x4F4F4F),
        .grid = RGB(0xC8C8C4),
        .bar = RGB(0xE0E0DB),
        .button = RGB(0xFAFAF8),
        .button_hot = RGB(0xD4E6F4),
        .button_on = RGB(0xB9D7EE),
        .field = RGB(0xFFFFFF),
        .focus = RGB(OI_BLUE),
        .error = RGB(0xB23A00),
        .warn_bg = RGB(0xB23A00),
        .warn_fg = RGB(0xFFFFFF),
        .bookmark = RGB(0x6A3D9A),
        .playhead = RGB(0xC0392B),
        .finish = RGB(0x1A1A1A),
        .selection = RGBA(0x0072B2, 48),
        .tip_bg = RGB(0xFFFFE8),
        .tip_fg = RGB(0x111111),
        .overlay = RGBA(0xFFFFFF, 235),
        .state = STATES(0xDCDCDC, RGBA(0, 0)),
        .hatch = HATCHES,
        .hatch_ink = RGBA(0x000000, 150),
        .marker = {[SIM_IN_AWAIT] = RGB(0x1A1A1A),
                   [SIM_IN_DROP_REQUEST] = RGB(OI_VERMILLION),
                   [SIM_IN_SPAWN] = RGB(OI_GREEN),
                   [SIM_IN_EXIT] = RGB(0x1A1A1A),
                   [SIM_IN_LOST] = RGB(OI_VERMILLION),
                   [SIM_IN_DEADLOCK] = RGB(0xC0001A),
                   [SIM_IN_MARK] = RGB(OI_VERMILLION)},
        .flow = {[SIM_FL_HANDOFF] = RGB(0x1A1A1A),
                 [SIM_FL_DISPATCH] = RGB(OI_GREEN),
                 [SIM_FL_RESULT] = RGB(OI_PURPLE),
                 [SIM_FL_MESSAGE] = RGB(0x882255)},
        .deadlock = RGB(0xC0001A),
        .task = {RGB(0x4477AA), RGB(0xEE6677), RGB(0x228833), RGB(0xCCBB44),
                 RGB(0x66CCEE), RGB(0xAA3377), RGB(0x332288), RGB(0x999933)},
        .code_keyword = RGB(0x0033B3),
        .code_string = RGB(0x067D17),
        .code_comment = RGB(0x6E6E6E),
        .value_line = RGB(0x1A1A1A),
        .value_fill = RGBA(0x0072B2, 40),
        .lost = RGB(0xC0001A),
        .wait_for = RGB(0x8A6D00),
        .line_w = 2,
    },
    [UI_THEME_DARK] = {
        .name = "dark",
        .bg = RGB(0x15171B),
        .panel = {RGB(0x1F2228), RGB(0x1A1D22)},
        .fg = RGB(0xEDEDED),
        .fg_dim = RGB(0xB0B4BA),
        .grid = RGB(0x3C4048),
        .bar = RGB(0x262A31),
        .button = RGB(0x30353D),
        .button_hot = RGB(0x3D4A5A),
        .button_on = RGB(0x2F5A7E),
        .field = RGB(0x111316),
        .focus = RGB(OI_SKY),
        .error = RGB(0xFF8A5C),
        .warn_bg = RGB(0xFF8A5C),
        .warn_fg = RGB(0x000000),
        .bookmark = RGB(0xC9A2F0),
        .playhead = RGB(0xFF5F56),
        .finish = RGB(0xEDEDED),
        .selection = RGBA(0x56B4E9, 56),
        .tip_bg = RGB(0x2B2F36),
        .tip_fg = RGB(0xF2F2F2),
        .overlay = RGBA(0x15171B, 235),
        .state = STATES(0x44484F, RGBA(0, 0)),
        .hatch = HATCHES,
        .hatch_ink = RGBA(0x000000, 170),
        .marker = {[SIM_IN_AWAIT] = RGB(0xEDEDED),
                   [SIM_IN_DROP_REQUEST] = RGB(0xFF7A33),
                   [SIM_IN_SPAWN] = RGB(0x2BD19B),
                   [SIM_IN_EXIT] = RGB(0xEDEDED),
                   [SIM_IN_LOST] = RGB(0xFF7A33),
                   [SIM_IN_DEADLOCK] = RGB(0xFF4040),
                   [SIM_IN_MARK] = RGB(OI_VERMILLION)},
        .flow = {[SIM_FL_HANDOFF] = RGB(0xF5F5F5),
                 [SIM_FL_DISPATCH] = RGB(0x2BD19B),
                 [SIM_FL_RESULT] = RGB(OI_PURPLE),
                 [SIM_FL_MESSAGE] = RGB(0xEE8866)},
        .deadlock = RGB(0xFF4040),
        .task = {RGB(0x77AADD), RGB(0xEE8866), RGB(0x44BB99), RGB(0xEEDD88),
                 RGB(0x99DDFF), RGB(0xFFAABB), RGB(0xAAAA00), RGB(0xDDDDDD)},
        .code_keyword = RGB(0x6CB6FF),
        .code_string = RGB(0x98C379),
        .code_comment = RGB(0x9AA0A8),
        .value_line = RGB(0xEDEDED),
        .value_fill = RGBA(0x56B4E9, 50),
        .lost = RGB(0xFF5A5A),
        .wait_for = RGB(0xF0E442),
        .line_w = 2,
    },
    [UI_THEME_PROJECTOR] = {
        .name = "projector",
        .bg = RGB(0xFFFFFF),
        .panel = {RGB(0xFFFFFF), RGB(0xF0F0F0)},
        .fg = RGB(0x000000),
        .fg_dim = RGB(0x1E1E1E),
        .grid = RGB(0x8A8A8A),
        .bar = RGB(0xE4E4E4),
        .button = RGB(0xFFFFFF),
        .button_hot = RGB(0xC8E0F4),
        .button_on = RGB(0x9CC8EC),
        .field = RGB(0xFFFFFF),
        .focus = RGB(0x000000),
        .error = RGB(0xA00000),
        .warn_bg = RGB(0xA00000),
        .warn_fg = RGB(0xFFFFFF),
        .bookmark = RGB(0x5B2C8F),
        .playhead = RGB(0xD00000),
        .finish = RGB(0x000000),
        .selection = RGBA(0x0072B2, 64),
        .tip_bg = RGB(0xFFFFFF),
        .tip_fg = RGB(0x000000),
        .overlay = RGBA(0xFFFFFF, 245),
        .state = STATES(0xBDBDBD, RGBA(0, 0)),
        .hatch = HATCHES,
        .hatch_ink = RGBA(0x000000, 200),
        .marker = {[SIM_IN_AWAIT] = RGB(0x000000),
                   [SIM_IN_DROP_REQUEST] = RGB(OI_VERMILLION),
                   [SIM_IN_SPAWN] = RGB(OI_GREEN),
                   [SIM_IN_EXIT] = RGB(0x000000),
                   [SIM_IN_LOST] = RGB(OI_VERMILLION),
                   [SIM_IN_DEADLOCK] = RGB(0xD00000),
                   [SIM_IN_MARK] = RGB(OI_VERMILLION)},
        .flow = {[SIM_FL_HANDOFF] = RGB(0x000000),
                 [SIM_FL_DISPATCH] = RGB(OI_GREEN),
                 [SIM_FL_RESULT] = RGB(OI_PURPLE),
                 [SIM_FL_MESSAGE] = RGB(0x882255)},
        .deadlock = RGB(0xD00000),
        .task = {RGB(0x4477AA), RGB(0xEE6677), RGB(0x228833), RGB(0xCCBB44),
                 RGB(0x66CCEE), RGB(0xAA3377), RGB(0x332288), RGB(0x999933)},
        .code_keyword = RGB(0x0000A0),
        .code_string = RGB(0x006400),
        .code_comment = RGB(0x4A4A4A),
        .value_line = RGB(0x000000),
        .value_fill = RGBA(0x0072B2, 50),
        .lost = RGB(0xD00000),
        .wait_for = RGB(0x6B5500),
        .line_w = 3,
    },
};

const ui_theme *ui_theme_get(ui_theme_id id)
{
    if ((unsigned)id >= UI_THEME__COUNT)
        id = UI_THEME_LIGHT;
    return &themes[id];
}

const char *ui_theme_name(ui_theme_id id)
{
    return ui_theme_get(id)->name;
}

int ui_theme_parse(const char *name, ui_theme_id *id)
{
    for (int i = 0; i < UI_THEME__COUNT; i++) {
        if (strcmp(name, themes[i].name) == 0) {
            *id = (ui_theme_id)i;
            return 0;
        }
    }
    return -1;
}
