/* events.h: pm's event log, as podman's file events backend (events_logger = "file") keeps
 * it: one JSON object per line in <runroot>/events/events.log, fields in podman's order
 *   {"ContainerExitCode":3,"ID":"..","Image":"..","Name":"..","Status":"create",
 *    "Time":"2026-12-06T04:59:45.356660614Z","Type":"container","PodID":"..",
 *    "Attributes":{"label":"value"}}
 * (empty fields left out, Attributes null when empty). A writer appends its line with one
 * write(2) on an O_APPEND descriptor (lines are capped at PM_EVENT_LINE_MAX, so concurrent
 * writers never interleave); writing an event never fails the action that made it.
 * Encoding, decoding, the human form and filter matching are pure and unit tested in
 * tests/unit/test-events.c. Callers: engine/ (containers), pods/, storage callers in cli/
 * (images, volumes), and `pm events` (cli/cmd-events.c), which reads the log. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

/* Longest line written (with its newline): bigger events lose their Attributes, then are
 * dropped. */
#define PM_EVENT_LINE_MAX (16 * 1024)

/* Most --filter values `pm events` takes. */
#define PM_EVENT_FILTERS_MAX 64

struct pm_event {
	char *type;   /* container, image, pod, volume, system */
	char *status; /* create, start, died, remove, pull, ... */
	char *id;     /* may be NULL */
	char *name;
	char *image;
	char *pod_id;
	int exit_code; /* ContainerExitCode, when has_exit_code */
	bool has_exit_code;
	int64_t time_ns;
	char **attrs; /* "key=value" strv (labels), may be NULL */
};

void pm_event_clear(struct pm_event *ev);

/* The log's path under runroot (malloc'd). */
char *pm_event_log_path(const char *runroot);

/* The JSON line of ev, with its newline (malloc'd; NULL when over PM_EVENT_LINE_MAX even
 * without attributes). */
char *pm_event_encode(const struct pm_event *ev);

/* Parse one line (without or with its newline). 0, or -EINVAL for a line that is not an
 * event (not JSON, no Type/Status/Time). */
int pm_event_decode(const char *line, size_t len, struct pm_event *ret);

/* Append ev to <runroot>/events/events.log (directories made as needed), time now when
 * ev->time_ns is 0. Best effort: failures are logged at debug level only. */
void pm_event_write(const char *runroot, const struct pm_event *ev);
/* The global --events-backend, carried in the environment to every pm process of the command
 * (the monitor, the rootless re-exec): "none" writes no events. */
#define PM_EVENTS_BACKEND_ENV "_PM_EVENTS_BACKEND"
/* Set by `pm --tmpdir DIR` (podman's libpod tmp dir): the log is DIR/events/events.log. */
#define PM_TMPDIR_ENV "_PM_TMPDIR"

/* The same for the common case: type, status, id, name, image (each may be NULL). */
void pm_event_emit(const char *runroot, const char *type, const char *status, const char *id,
		   const char *name, const char *image);

/* An event another process writes later, with its exit code and time (exec_died, written by
 * the exec session's monitor, which has no JSON library): "LOG PATH\nJSON LINE\n", the line
 * that of ev (no exit code) with "Time":"1970-01-01T00:00:00Z". The writer puts the time in
 * place, "ContainerExitCode":N, after the '{' when N is not 0, and appends it as
 * pm_event_write does (monitor/exec-session.c). NULL when events are off or ev too long. */
char *pm_event_template(const char *runroot, const struct pm_event *ev);

/* podman's human form (no newline, malloc'd):
 *   container/pod: "TIME TYPE STATUS ID (image=I, name=N[, pod_id=P][, k=v...])"
 *   image:         "TIME image STATUS ID NAME"
 *   volume/system: "TIME TYPE STATUS NAME"
 * TIME as Go's time.Time.String() in the local zone; trunc cuts IDs to 12 characters. */
char *pm_event_human(const struct pm_event *ev, bool trunc);

/* --filter KEY=VALUE of `pm events`: container=, event= (status=), image=, label=, pod=,
 * type=, volume=. Values of one key are alternatives, keys all must match. */
struct pm_event_filters {
	size_t n;
	char *key[PM_EVENT_FILTERS_MAX];
	char *value[PM_EVENT_FILTERS_MAX];
};

/* Add one "KEY=VALUE"; -EINVAL with *err naming it for an unknown key or no '='. */
int pm_event_filters_add(struct pm_event_filters *f, const char *kv, pm_error **err);
void pm_event_filters_clear(struct pm_event_filters *f);
bool pm_event_match(const struct pm_event_filters *f, const struct pm_event *ev);
