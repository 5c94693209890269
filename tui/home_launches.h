/* home_launches.h - Home's "Launches on this endpoint": every launch found
 * by its labels (core/launch/launches.h), looked up on the wizard's net every 3 s
 * while Home is on top, so input never waits; and what the keys of a launch
 * row do (README.md "Day two"): its URL (copied with OSC 52), its logs
 * followed in the text viewer (docker logs -f while it is open), and `ws-launch shell|stop|start|upgrade|down --name N`
 * run on the terminal with curses set aside, then back.
 *
 * Ownership: the list belongs to this module until home_launches_release(). */
#ifndef WS_HOME_LAUNCHES_H
#define WS_HOME_LAUNCHES_H

#include "launch/launches.h"
#include "ui_keys.h"
#include "wizard.h"

const struct launches *home_launches(void);
/* Why the last lookup of the launches failed (the endpoint did not
 * answer...), or NULL. */
const char *home_launches_error(void);
/* Drives the lookup from the loop: 1 when a fresh list replaced the shown
 * one (its length moved by *DELTA). */
int home_launches_poll(struct app *app, int *delta);
/* Looks again at the next poll. */
void home_launches_refresh(void);
/* Cancels a lookup and a followed log, forgets the list and the endpoint
 * (also when the wizard ends). */
void home_launches_release(void);
/* http://HOST:PORT/ of LS, NULL without a published port.  Malloc'd. */
char *home_launch_url(const struct launch_seen *ls);
/* The key ACT on the launch row LS: R_DRAW when it is one of a launch's
 * (open/url, logs, shell, stop/start, upgrade, down), else 0. */
unsigned home_launch_action(struct app *app, const struct launch_seen *ls, enum action act);

#endif
