/* colour.c - colour parsing and degradation (truecolor -> 256 -> 16 -> 8). */
#include "colour.h"
#include "base/show.h"
#include "base/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[8] = { "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white" };

/* xterm's default 16 colours. */
static const unsigned char base16[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int colour_parse(const char *s, struct colour *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (!strcmp(s, "default")) {
		out->kind = COLOUR_DEFAULT;
		return 0;
	}
	const char *n = s;
	int bright = 0;
	if (!strncmp(n, "bright", 6)) {
		bright = 1;
		n += 6;
	}
	for (int i = 0; i < 8; i++)
		if (!strcmp(n, names[i])) {
			out->kind = COLOUR_INDEX;
			out->index = i + 8 * bright;
			return 0;
		}
	if (s[0] == '#' && strlen(s) == 7) {
		int v[6];
		for (int i = 0; i < 6; i++)
			if ((v[i] = hexval(s[i + 1])) < 0)
				goto bad;
		out->kind = COLOUR_RGB;
		out->r = (unsigned char)(v[0] * 16 + v[1]);
		out->g = (unsigned char)(v[2] * 16 + v[3]);
		out->b = (unsigned char)(v[4] * 16 + v[5]);
		return 0;
	}
	const char *num = s;
	if (!strncmp(num, "colour", 6))
		num += 6;
	else if (!strncmp(num, "color", 5))
		num += 5;
	long idx;
	if (*num && parse_long(num, 0, 255, &idx, NULL) == 0) {
		out->kind = COLOUR_INDEX;
		out->index = (int)idx;
		return 0;
	}
bad:;
	char *sv = show_dup(s, 32);
	err_set(e, "%s is not a colour (expected default, a name such as red or brightblue, 0-255, or \"#rrggbb\")",
		sv);
	free(sv);
	return -1;
}

static int dist_sq(int r1, int g1, int b1, int r2, int g2, int b2)
{
	return (r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2);
}

static int to_6cube(int v)
{
	if (v < 48)
		return 0;
	if (v < 114)
		return 1;
	return (v - 35) / 40;
}

/* tmux colour.c colour_find_rgb: the 6x6x6 cube or the grey ramp. */
int colour_rgb_to_256(unsigned char r, unsigned char g, unsigned char b)
{
	static const int q2c[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };
	int qr = to_6cube(r), qg = to_6cube(g), qb = to_6cube(b);
	int cr = q2c[qr], cg = q2c[qg], cb = q2c[qb];
	if (cr == r && cg == g && cb == b)
		return 16 + 36 * qr + 6 * qg + qb;
	int grey_avg = (r + g + b) / 3;
	int grey_idx = grey_avg > 238 ? 23 : (grey_avg - 3) / 10;
	if (grey_idx < 0)
		grey_idx = 0;
	int grey = 8 + 10 * grey_idx;
	int d = dist_sq(cr, cg, cb, r, g, b);
	if (dist_sq(grey, grey, grey, r, g, b) < d)
		return 232 + grey_idx;
	return 16 + 36 * qr + 6 * qg + qb;
}

void colour_index_rgb(int idx, unsigned char *r, unsigned char *g, unsigned char *b)
{
	static const int q2c[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };
	if (idx < 0 || idx > 255)
		idx = 0;
	if (idx < 16) {
		*r = base16[idx][0];
		*g = base16[idx][1];
		*b = base16[idx][2];
	} else if (idx < 232) {
		int i = idx - 16;
		*r = (unsigned char)q2c[i / 36];
		*g = (unsigned char)q2c[(i / 6) % 6];
		*b = (unsigned char)q2c[i % 6];
	} else {
		*r = *g = *b = (unsigned char)(8 + 10 * (idx - 232));
	}
}

/* Nearest of the 16 by hue: a plain RGB distance turns pastel greens and
 * blues into white, which would make a theme's pass/fail colours useless
 * at 16 or 8 colours.  Low saturation goes to the grey ramp (0, 8, 7, 15);
 * otherwise the hue picks one of the six colours, bright when light. */
static int rgb_to_16(int r, int g, int b)
{
	int max = r > g ? (r > b ? r : b) : (g > b ? g : b);
	int min = r < g ? (r < b ? r : b) : (g < b ? g : b);
	int diff = max - min;
	if (diff < 40 || diff * 4 < max) {
		if (max < 64)
			return 0;
		if (max < 160)
			return 8;
		if (max < 232)
			return 7;
		return 15;
	}
	double h;
	if (max == r)
		h = 60.0 * ((double)(g - b) / diff);
	else if (max == g)
		h = 60.0 * ((double)(b - r) / diff + 2.0);
	else
		h = 60.0 * ((double)(r - g) / diff + 4.0);
	if (h < 0)
		h += 360.0;
	static const int sector_colour[6] = { 1, 3, 2, 6, 4, 5 }; /* red yellow green cyan blue magenta */
	int sector = ((int)((h + 30.0) / 60.0)) % 6;
	return sector_colour[sector] + (max >= 200 ? 8 : 0);
}

int colour_256_to_16(int idx)
{
	if (idx < 16)
		return idx < 0 ? 0 : idx;
	unsigned char r, g, b;
	colour_index_rgb(idx, &r, &g, &b);
	return rgb_to_16(r, g, b);
}

int colour_resolve(const struct colour *c, int ncolours, int fg, unsigned *attrs)
{
	if (attrs)
		*attrs = 0;
	if (c->kind == COLOUR_DEFAULT || ncolours < 8)
		return -1;
	if (ncolours >= COLOUR_DIRECT) {
		/* Direct colour: values below 8 are the ANSI colours, the rest
		 * are 0xRRGGBB (xterm-direct's setaf). */
		unsigned char r = c->r, g = c->g, b = c->b;
		if (c->kind == COLOUR_INDEX) {
			if (c->index < 8)
				return c->index;
			colour_index_rgb(c->index, &r, &g, &b);
		}
		int v = (r << 16) | (g << 8) | b;
		return v < 8 ? 8 : v;
	}
	int idx = c->kind == COLOUR_RGB ? colour_rgb_to_256(c->r, c->g, c->b) : c->index;
	if (ncolours >= 256)
		return idx;
	if (idx >= 16 && c->kind == COLOUR_RGB)
		idx = rgb_to_16(c->r, c->g, c->b);
	else if (idx >= 16)
		idx = colour_256_to_16(idx);
	if (ncolours >= 16)
		return idx;
	if (idx < 8)
		return idx;
	/* 8 colours: bright N becomes N (bold for a foreground); bright black
	 * as a foreground would vanish on a dark terminal: the default colour,
	 * dimmed, is what "grey" means there. */
	if (fg && idx == 8) {
		if (attrs)
			*attrs = COLOUR_ATTR_DIM;
		return -1;
	}
	if (fg && attrs)
		*attrs = COLOUR_ATTR_BOLD;
	return idx - 8;
}
