/* ui_layout.c - geometry from (rows, cols); pure. */
#include "ui_layout.h"

#include <string.h>

int layout_compute(int rows, int cols, struct layout *l)
{
	memset(l, 0, sizeof(*l));
	l->rows = rows;
	l->cols = cols;
	if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
		l->too_small = 1;
		return -1;
	}
	l->header = (struct rect){ 0, 0, 1, cols };
	l->body = (struct rect){ 1, 0, rows - 3, cols };
	l->status = (struct rect){ rows - 2, 0, 1, cols };
	l->keys = (struct rect){ rows - 1, 0, 1, cols };
	return 0;
}

void layout_split(const struct rect *r, int percent, int min_left, int min_right, struct rect *left,
		  struct rect *right)
{
	int lw = r->w * percent / 100;
	if (lw < min_left)
		lw = min_left;
	if (r->w - lw - 1 < min_right)
		lw = r->w - 1 - min_right;
	if (lw < 0)
		lw = 0;
	*left = (struct rect){ r->y, r->x, r->h, lw };
	int rw = r->w - lw - 1;
	*right = (struct rect){ r->y, r->x + lw + 1, r->h, rw < 0 ? 0 : rw };
}

void layout_take_top(struct rect *r, int top, struct rect *out)
{
	if (top > r->h)
		top = r->h;
	if (top < 0)
		top = 0;
	*out = (struct rect){ r->y, r->x, top, r->w };
	r->y += top;
	r->h -= top;
}

void layout_take_bottom(struct rect *r, int bottom, struct rect *out)
{
	if (bottom > r->h)
		bottom = r->h;
	if (bottom < 0)
		bottom = 0;
	*out = (struct rect){ r->y + r->h - bottom, r->x, bottom, r->w };
	r->h -= bottom;
}

int rect_overlap(const struct rect *a, const struct rect *b)
{
	if (a->h <= 0 || a->w <= 0 || b->h <= 0 || b->w <= 0)
		return 0;
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}
