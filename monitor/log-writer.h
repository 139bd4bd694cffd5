/* log-writer.h: the writer of the k8s-file container log (the format and rotation are
 * described in engine/ctr-log.h, the reader's header). libc and lib/ only: pm-monitor links it
 * statically. Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/error.h"

enum pm_log_stream {
	PM_LOG_STDOUT = 0,
	PM_LOG_STDERR = 1,
};
#define PM_LOG_NSTREAMS 2

/* The stream field of a log entry: "stdout", "stderr" (the writer's and the reader's). */
extern const char *const pm_log_stream_names[PM_LOG_NSTREAMS];

/* Longest piece of output one entry carries: conmon's read buffer (STDIO_BUF_SIZE), so a
 * line longer than this is written as P entries and a final F entry. */
#define PM_CTR_LOG_LINE_MAX 8192

/* ---- writer (the monitor) ------------------------------------------------------------- */

typedef struct pm_ctr_log pm_ctr_log;

/* Open (create 0600, append) the log at path. max_size: rotate when an entry would make
 * the file larger (0: unlimited). The size already in the file counts. */
int pm_ctr_log_open(const char *path, uint64_t max_size, pm_ctr_log **ret, pm_error **err);

/* Write container output read from one stream. Every line ending in '\n' becomes an F entry
 * (at most PM_CTR_LOG_LINE_MAX bytes each: longer lines are cut into P entries); bytes
 * after the last '\n' are written at once as a P entry (conmon does not hold them back, so
 * a prompt shows up in `logs -f`, and a killed monitor loses nothing). All entries of one
 * call share one timestamp, taken now. Short writes and EINTR are retried. */
int pm_ctr_log_write(pm_ctr_log *log, enum pm_log_stream stream, const void *buf, size_t len,
		     pm_error **err);
/* The same with an explicit time (tests). */
int pm_ctr_log_write_at(pm_ctr_log *log, enum pm_log_stream stream, const void *buf, size_t len,
			const struct timespec *ts, pm_error **err);

/* fsync and close; NULL is fine. Nothing is buffered between writes, so there is nothing
 * to flush: a trailing fragment is already in the file as a P entry, and readers show it
 * as the container's last, unterminated line. The monitor calls this before it records
 * the exit state, so a follower that sees the state sees the whole log. */
int pm_ctr_log_close(pm_ctr_log *log, pm_error **err);
/* The same without the fsync, for a log removed with its container (run --rm): readers see
 * the same bytes, only a power loss could lose them, and the record goes too. */
int pm_ctr_log_close_nosync(pm_ctr_log *log, pm_error **err);

/* Bytes in the current file (after rotation: since the rotation). */
uint64_t pm_ctr_log_size(const pm_ctr_log *log);
