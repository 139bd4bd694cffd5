/* ctr-log.h: the container log in k8s-file format, as conmon 2.1 writes it and podman 4.3
 * reads it. One entry per line:
 *
 *     2026-11-23T03:04:05.123456789+00:00 stdout F hello
 *
 * RFC 3339 time with nine fraction digits and the local zone offset, the stream, "F" for
 * the end of a line or "P" for a fragment (the line goes on in the next entry of the same
 * stream), then the bytes. The reader (used by `pm logs`) lives here, the writer (used
 * by the monitors) in monitor/log-writer.h; neither prints.
 *
 * Rotation (--log-opt max-size): like conmon, when the next entry would make the file
 * larger than max-size, the file is replaced by an empty one (a new file renamed over the
 * path) and writing goes on there: older output is dropped, no ".1" is kept. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/error.h"
#include "lib/gofmt.h"

#include "monitor/log-writer.h"

/* ---- reader (pm logs) ------------------------------------------------------------------ */

/* One line of output, P fragments joined. A very long line (more than PM_LOG_JOIN_MAX
 * bytes before its end) comes in pieces: the first has first set, the last has eol set. */
#define PM_LOG_JOIN_MAX (1024 * 1024)

struct pm_log_line {
	enum pm_log_stream stream;
	int64_t ns;	 /* time of the line's first entry */
	int off;	 /* that entry's zone offset, seconds */
	const char *msg; /* NUL-terminated, without the newline */
	size_t len;
	bool first; /* starts a line (print the prefix and timestamp) */
	bool eol;   /* ends the line; false for a piece, and for output that was never
		     * terminated (the container's last bytes without a newline) */
};

/* Called for each line; a negative return stops reading and is returned. */
typedef int (*pm_log_line_fn)(const struct pm_log_line *line, void *userdata);

struct pm_log_filter {
	bool has_since, has_until;
	int64_t since_ns; /* lines strictly after (podman: Time.After) */
	int64_t until_ns; /* lines strictly before */
	int64_t tail;	  /* the last N lines only; < 0: all. Applied before since/until, as
			   * podman does. Unterminated trailing output counts as a line. */
};

typedef struct pm_log_reader pm_log_reader;

/* Open a reader. A missing file is not an error: it reads as empty until it appears
 * (a container that never started). filter may be NULL (everything). */
int pm_ctr_log_reader_open(const char *path, const struct pm_log_filter *filter,
			   pm_log_reader **ret, pm_error **err);

/* Deliver every complete line now in the file (the first call applies the tail by seeking
 * from the end, reading only what it needs). Later calls deliver what was added; a log
 * replaced by rotation or truncated is read again from its start. */
int pm_ctr_log_reader_read(pm_log_reader *r, pm_log_line_fn fn, void *userdata, pm_error **err);

/* Deliver what is left: fragments never terminated (eol false). Call at the end. */
int pm_ctr_log_reader_finish(pm_log_reader *r, pm_log_line_fn fn, void *userdata, pm_error **err);

pm_log_reader *pm_ctr_log_reader_free(pm_log_reader *r);
PM_DEFINE_CLEANUP_FUNC(pm_log_reader *, pm_ctr_log_reader_free)
#define _cleanup_log_reader_ _cleanup_(pm_ctr_log_reader_freep)

/* open + read + finish + free: `pm logs` without -f. */
int pm_ctr_log_read(const char *path, const struct pm_log_filter *filter, pm_log_line_fn fn,
		    void *userdata, pm_error **err);

/* ---- follow (pm logs -f) ------------------------------------------------------------------ */

/* One followed container. The source ends when the container has exited: exit_path is a
 * file the monitor creates or replaces when it records the exit (the container's state
 * file); at start and after each change of it, exited(exited_userdata) is asked (NULL:
 * "exit_path exists"). When it says yes, the rest of the log is delivered, then the
 * unterminated remainder, and the source ends. exit_path NULL: follow until stop_fd. */
struct pm_log_follow {
	pm_log_reader *reader;
	pm_log_line_fn fn;
	void *userdata;
	const char *exit_path;
	bool (*exited)(void *exited_userdata);
	void *exited_userdata;
};

/* Follow several logs at once with inotify (no polling, no timeout): returns 0 when every
 * source has ended or its log directory was removed, 1 when stop_fd (>= 0) became readable
 * or hung up (e.g. a signalfd for SIGINT), a callback's negative value, or -errno.
 * The directories of the log files and exit paths must exist. */
int pm_ctr_log_follow(struct pm_log_follow *srcs, size_t n, int stop_fd, pm_error **err);

/* ---- output (what podman logs prints) ------------------------------------------------- */

struct pm_log_print_opts {
	bool timestamps;    /* -t: "2026-11-23T03:04:05.123456789Z " before the message */
	const char *prefix; /* several containers: the 12-char id (or the name with -n),
			     * printed with a space before the timestamp; NULL: none */
	const char *color;  /* --color: an ANSI sequence wrapping the line; NULL: none */
};

/* Append the text podman prints for a line (or piece) to b: [color][prefix ][time ]msg
 * [reset] and "\n" when eol. A continuation piece has no prefix or time. The caller
 * writes it to stdout for PM_LOG_STDOUT and stderr for PM_LOG_STDERR, as podman does. */
void pm_ctr_log_format(const struct pm_log_line *line, const struct pm_log_print_opts *opts,
		       struct pm_gobuf *b);
