/* mode_id.h - identifiers of the launch modes (the table is in modes.c).
 *
 * A mode's id is its place in mode_table.  The modes that code outside
 * their own file names (the plan, teardown, exports) have a name here; a
 * mode that keeps all its knowledge in its mode_<name>.c needs none
 * (docs/ARCHITECTURE.md "Adding a mode").  MODE__COUNT is the number of
 * rows, at most MODE_MAX. */
#ifndef WS_MODE_ID_H
#define WS_MODE_ID_H

enum mode_id {
	MODE_NONE = -1,
	MODE_SYSBOX = 0,
	MODE_PRIVILEGED,
	MODE_SOCKET,
	MODE_TCP,
	MODE_SSH,
	MODE_DIND,
	MODE__NAMED
};

#define MODE_MAX 16
extern const int mode_count;
#define MODE__COUNT mode_count

#define MODE_BIT(m) (1u << (m))
#define MODES_ALL (~0u)

#endif
