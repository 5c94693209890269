/* wizard_term.c - the wizard's terminal: start, stop, signals and fatal
 * errors (wizard_term.h).
 *
 * The terminal is always restored: on quit, on SIGINT/SIGTERM/SIGHUP (a
 * flag the loop handles: a running launch is cancelled and rolled back
 * first), on fatal errors (wizard_fatal), and on crashes (a handler that
 * only calls async-signal-safe tcsetattr/write, then re-raises).  Stray
 * stderr output while curses owns the screen goes to a temporary file and
 * is replayed after endwin(). */
#include "wizard_term.h"
#include "ui_draw.h"
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;
static struct termios saved_tio;
static int have_tio;
static int saved_stderr = -1;
static FILE *stderr_capture;
static SCREEN *term_screen;
static int curses_on;

/* ---- terminal lifecycle ------------------------------------------------------- */

static void on_signal(int sig)
{
	int saved = errno;
	got_signal = sig;
	errno = saved;
}

static const char reset_seq[] = "\033[?2004l\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";

/* Crash path: only async-signal-safe calls. */
static void on_fatal_signal(int sig)
{
	if (curses_on) {
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		ssize_t n = write(STDOUT_FILENO, reset_seq, sizeof(reset_seq) - 1);
		(void)n;
		if (saved_stderr >= 0)
			dup2(saved_stderr, STDERR_FILENO);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void wizard_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
}

static void stderr_redirect(void)
{
	fflush(stderr);
	stderr_capture = tmpfile();
	if (!stderr_capture)
		return;
	saved_stderr = dup(STDERR_FILENO);
	if (saved_stderr < 0 || dup2(fileno(stderr_capture), STDERR_FILENO) < 0) {
		fclose(stderr_capture);
		stderr_capture = NULL;
	}
}

static void stderr_replay(void)
{
	if (!stderr_capture)
		return;
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	rewind(stderr_capture);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), stderr_capture)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(stderr_capture);
	stderr_capture = NULL;
}

int wizard_term_start(struct app *app, struct err *e)
{
	const char *tn = getenv("TERM");
	/* A terminal that cannot address the cursor cannot show the wizard:
	 * refused before anything is drawn, pointing at the commands. */
	static const char cli_hint[] = "use the commands instead: ws-launch check | print | up (see ws-launch --help)";
	if (!tn || !*tn || !strcmp(tn, "dumb"))
		return err_set(e, "the wizard needs a terminal with cursor addressing (TERM=%s); %s",
			       tn ? tn : "", cli_hint);
	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		have_tio = 1;
	term_screen = newterm(NULL, stdout, stdin);
	if (!term_screen)
		return err_set(e, "cannot use this terminal (TERM=%s); %s", tn, cli_hint);
	const char *cup = tigetstr("cup");
	if (!cup || cup == (const char *)-1) {
		endwin();
		delscreen(term_screen);
		term_screen = NULL;
		return err_set(e, "the wizard needs a terminal with cursor addressing (TERM=%s has none); %s", tn,
			       cli_hint);
	}
	curses_on = 1;
	stderr_redirect();
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	int colour = app->ncolours != 0;
	ui_colour_init(app, colour);
	ui_background();
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | WHEEL_MASK, NULL);
	mouseinterval(0);
	/* bracketed paste: a paste arrives marked, newlines do not submit */
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	return 0;
}

void wizard_term_stop(void)
{
	if (!curses_on)
		return;
	fputs("\033[?2004l", stdout);
	fflush(stdout);
	mousemask(0, NULL);
	endwin();
	curses_on = 0;
	delscreen(term_screen);
	term_screen = NULL;
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	stderr_replay();
}

/* Fatal error inside the wizard: restore the terminal, then report. */

void wizard_fatal(const char *fmt, ...)
{
	wizard_term_stop();
	va_list ap;
	va_start(ap, fmt);
	fputs("ws-launch: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_FAIL);
}

int wizard_signal_pending(void)
{
	return got_signal != 0;
}

int wizard_take_signal(void)
{
	int sig = got_signal;
	got_signal = 0;
	return sig;
}
