/* ui_layout.h - the wizard's geometry as a pure function of the terminal
 * size: no curses, unit-testable.
 *
 *   row 0          header: product, breadcrumb, theme
 *   rows 1..h-3    body (screens split it further with layout_split)
 *   row h-2        status line (messages, errors, theme errors)
 *   row h-1        key bar (generated from the binding tables)
 *
 * Below LAYOUT_MIN_COLS x LAYOUT_MIN_ROWS only a "too small" notice is
 * drawn. */
#ifndef WS_UI_LAYOUT_H
#define WS_UI_LAYOUT_H

#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16

struct rect {
	int y, x, h, w;
};

struct layout {
	int rows, cols;
	int too_small;
	struct rect header, body, status, keys;
};

/* Fills L for a ROWS x COLS terminal.  Returns 0, or -1 (and too_small)
 * below the minimum; the rects are then empty. */
int layout_compute(int rows, int cols, struct layout *l);
/* Splits R into a left pane of about PERCENT of the width (at least MIN_LEFT
 * and leaving at least MIN_RIGHT) and a right pane, with a one-column
 * gutter between them. */
void layout_split(const struct rect *r, int percent, int min_left, int min_right, struct rect *left,
		  struct rect *right);
/* Takes TOP rows from the top of R (clamped). */
void layout_take_top(struct rect *r, int top, struct rect *out);
/* Takes BOTTOM rows from the bottom of R (clamped). */
void layout_take_bottom(struct rect *r, int bottom, struct rect *out);
/* 1 when A and B share a cell. */
int rect_overlap(const struct rect *a, const struct rect *b);

#endif
