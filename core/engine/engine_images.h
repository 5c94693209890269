/* engine_images.h - images out of a daemon and into one, as one archive
 * (the format of `docker save`), streamed both ways through the Engine
 * API on a struct net:
 *
 *   GET  /images/get?names=A&names=B   the archive, written to FD as it
 *                                      arrives (nothing held in memory but
 *                                      its first bytes, for an error reply)
 *   POST /images/load?quiet=0          the archive read from FD as curl
 *                                      sends it; the daemon's reply stream
 *                                      ("Loaded image: X", errors) is read
 *                                      line by line
 *
 * The caller owns FD (opened, and afterwards closed and, for a failed
 * save, removed, by it) and X, which must outlive the call; X->done turns
 * 1 from net_dispatch() when the transfer ended.  Errors are the daemon's
 * words (its "message", or the stream's errorDetail.message) or the
 * transport's one line.  net_cancel(net, id) stops a transfer (X->done
 * then stays 0). */
#ifndef WS_ENGINE_IMAGES_H
#define WS_ENGINE_IMAGES_H

#include "engine.h"

#define ENGINE_IMAGES_TIMEOUT_MS (6L * 60 * 60 * 1000)  /* a whole transfer */
#define ENGINE_IMAGES_STALL_MS 120000L                  /* no byte moved */
#define ENGINE_IMAGES_LINE_MAX (1 << 20)

struct engine_transfer {
	int fd;
	long long bytes;          /* written (save) or sent (load) so far */
	int done, failed;
	struct err err;           /* when failed */
	struct strvec loaded;     /* load: "Loaded image: X" / "Loaded image ID: X", one each */
	/* internal */
	struct strbuf head;       /* save: the first bytes (an error reply is JSON) */
	struct strbuf line;       /* load: the reply stream's partial line */
	int write_failed;
};

/* The daemon's words in a JSON reply or a line of a progress stream
 * (pull, load): errorDetail.message, else error, else message (an error
 * reply's); NULL when it holds none.  Borrowed from D. */
const char *engine_stream_error(const struct jdoc *d);

void engine_transfer_init(struct engine_transfer *x, int fd);
void engine_transfer_release(struct engine_transfer *x);

/* Starts the save of NAMES[0..N) into X->fd; returns the net request id. */
unsigned engine_images_save(struct net *net, struct engine_target *t, const char *const *names, size_t n,
			    struct engine_transfer *x);
/* Starts the load of the SIZE-byte archive at X->fd (image_archive.h
 * checks it first); returns the net request id. */
unsigned engine_images_load(struct net *net, struct engine_target *t, long long size, struct engine_transfer *x);

#endif
