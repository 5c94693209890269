/* wizard_term.h - the wizard's terminal lifecycle (wizard_term.c).
 *
 * wizard_term_start() takes the terminal (newterm, raw keys, mouse,
 * bracketed paste, stderr captured) or fails with E when it cannot show
 * the wizard (no cursor addressing: the message names the commands);
 * wizard_term_stop() gives it back exactly as it was and replays what was
 * written to stderr meanwhile (idempotent).  SIGINT, SIGTERM and SIGHUP
 * only set a flag the loop reads with wizard_take_signal(). */
#ifndef WS_WIZARD_TERM_H
#define WS_WIZARD_TERM_H

#include "wizard.h"

/* The wheel: buttons 4 and 5 (ncurses' mouse version 2 has both). */
#if defined(BUTTON5_PRESSED)
#define WHEEL_UP BUTTON4_PRESSED
#define WHEEL_DOWN BUTTON5_PRESSED
#else
#define WHEEL_UP BUTTON4_PRESSED
#define WHEEL_DOWN 0
#endif
#define WHEEL_MASK (WHEEL_UP | WHEEL_DOWN)

void wizard_signals_install(void);
int wizard_term_start(struct app *app, struct err *e);
void wizard_term_stop(void);
/* Restores the terminal, prints the message on stderr, exits 1. */
void wizard_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* 1 when a signal arrived since the last wizard_take_signal(). */
int wizard_signal_pending(void);
/* The signal that arrived (0: none), and forgets it. */
int wizard_take_signal(void);

#endif
