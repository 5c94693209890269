/* colour.h - colour values of themes and their degradation (docs/ARCHITECTURE.md, "Profiles and themes").
 *
 * A colour is the terminal's default, a palette index (0-255; 0-15 are the
 * curses names black..white and their bright forms) or an RGB triple.
 * colour_resolve() maps one to what a terminal with NCOLOURS colours can
 * show, the tmux way: RGB -> nearest of the 256 palette -> 16 -> 8 -> none
 *.  No curses here: the results are plain colour numbers for
 * init_pair()/init_extended_pair(), -1 meaning the terminal's default. */
#ifndef WS_COLOUR_H
#define WS_COLOUR_H

#include "base/err.h"

enum colour_kind { COLOUR_DEFAULT, COLOUR_INDEX, COLOUR_RGB };

struct colour {
	enum colour_kind kind;
	int index;                /* COLOUR_INDEX: 0-255 */
	unsigned char r, g, b;    /* COLOUR_RGB */
};

/* Number of colours of a truecolor (direct colour) terminal. */
#define COLOUR_DIRECT 0x1000000

/* Attributes a degraded colour may need (bright at 8 colours). */
#define COLOUR_ATTR_BOLD 1u
#define COLOUR_ATTR_DIM 2u

/* Parses "default", a curses name ("red", "brightred"), "colour42" /
 * "color42", "42" or "#rrggbb".  Returns 0, or -1 with a message that
 * quotes the value and lists the accepted forms. */
int colour_parse(const char *s, struct colour *out, struct err *e);
/* Nearest index of the xterm 256-colour palette (16-255) to R,G,B. */
int colour_rgb_to_256(unsigned char r, unsigned char g, unsigned char b);
/* The RGB of palette index IDX (0-255; xterm's default palette). */
void colour_index_rgb(int idx, unsigned char *r, unsigned char *g, unsigned char *b);
/* Maps palette index IDX to 0-15 keeping the hue (a grey stays a grey). */
int colour_256_to_16(int idx);
/* The colour number to hand to curses on a terminal with NCOLOURS colours
 * (COLOUR_DIRECT for truecolor), or -1 for the terminal's default (also
 * when NCOLOURS < 8).  *ATTRS gets COLOUR_ATTR_* bits that stand in for a
 * bright colour at 8 colours (FG=1: foreground; a bright background just
 * loses its brightness).  ATTRS may be NULL. */
int colour_resolve(const struct colour *c, int ncolours, int fg, unsigned *attrs);

#endif
