/* mode_id.h - identifiers of the launch modes (the table is in modes.c). */
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
	MODE_ROOTLESS,
	MODE__COUNT
};

#define MODE_BIT(m) (1u << (m))
#define MODES_ALL ((1u << MODE__COUNT) - 1)

#endif
