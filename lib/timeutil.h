/* timeutil.h: the clock, and times as podman reads and prints them: RFC 3339 timestamps
 * of container logs, the values of --since/--until (podman's util.ParseInputTime), Go
 * durations (time.ParseDuration), and the fixed-width RFC 3339 nano form of `logs -t`.
 * Pure functions (the clock is a parameter, except the two clock reads), unit tested in
 * tests/unit/test-timeutil.c.
 * Times are nanoseconds since the Unix epoch in an int64_t (years 1678..2262; values
 * outside saturate). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/error.h"

#define PM_NSEC_PER_SEC 1000000000LL

/* "2006-01-02T15:04:05.000000000Z07:00" plus NUL. */
#define PM_TIME_LOG_LEN 36

/* Longest text the other formatters below write, with the NUL. */
#define PM_TIME_BUF_LEN 128

/* Current CLOCK_REALTIME in ns. */
int64_t pm_time_now_ns(void);

/* Current time of clock (CLOCK_MONOTONIC for timeouts and back-off) in ns: the one helper
 * for every "now" in pm. */
int64_t pm_time_clock_ns(clockid_t clock);

/* Parse s[0..len) as Go's time.Parse with layout RFC3339 (which also takes a fraction of
 * any length after the seconds): "2006-01-02T15:04:05[.frac](Z|+07:00|-07:00)".
 * Returns 0, *ret_ns and *ret_off (zone offset in seconds, may be NULL), or -EINVAL. */
int pm_time_parse_rfc3339(const char *s, size_t len, int64_t *ret_ns, int *ret_off);

/* Go's time.ParseDuration: "300ms", "-1.5h", "2h45m", "1µs"; units ns us µs μs ms s m h.
 * 0, or -EINVAL (syntax) / -ERANGE (overflow). */
int pm_time_parse_duration(const char *s, int64_t *ret_ns);

/* A --since/--until value, as podman 4.3 takes it, tried in this order:
 *   RFC3339Nano / RFC3339 ("2006-01-02T15:04:05.999999999Z07:00"),
 *   "2006-01-02T15:04:05" and "2006-01-02T15:04:05.999999999" (UTC),
 *   "2006-01-02Z07:00", "2006-01-02" (UTC midnight),
 *   a Unix timestamp with an optional fraction ("1700000000", "1700000000.25", "1e9"),
 *   a Go duration: now - d when since is true, now + d for --until (podman's rule).
 * flag names the option for the message. On failure sets *err to podman's text
 * 'parsing --since "VALUE": unable to interpret time value' and returns -EINVAL.
 * An empty value is the caller's business (podman treats it as not given). */
int pm_time_parse_input(const char *flag, const char *value, bool since, int64_t now_ns,
			int64_t *ret_ns, pm_error **err);

/* A timestamp as podman's `--filter until=` takes it (docker's timetype.GetTimestamp, for
 * volume prune/ls, image prune, ...), tried in this order:
 *   a Go duration other than "0": now - d, in whole seconds;
 *   with a zone ("Z", "+07:00", or a third '-' as in "-07:00"): "2006-01-02T15:04:05.999Z07:00",
 *   "2006-01-02T15:04Z07:00", "2006-01-02T15Z07:00", "2006-01-02Z07:00";
 *   without: the same layouts in the zone offset now has (local time);
 *   a Unix timestamp "1700000000" or "1700000000.25" (no sign, no exponent).
 * 0, or -EINVAL. ("pm_time_parse_input" is the other rule, --since/--until of logs and
 * events: zone-less times in UTC, durations signed by the option.) */
int pm_time_parse_timestamp(const char *value, int64_t now_ns, int64_t *ret_ns);

/* ns as whole seconds rounded down (-1 for -0.5 s), and the ns left (0..999999999;
 * ret_nsec may be NULL). */
int64_t pm_time_sec_floor(int64_t ns, long *ret_nsec);

/* Format as podman's logs -t does (Go layout "2006-01-02T15:04:05.000000000Z07:00"): the
 * wall clock at zone offset off (seconds), nine fraction digits, "Z" for offset 0. */
void pm_time_format_log(int64_t ns, int off, char buf[PM_TIME_LOG_LEN]);

/* Go's time.RFC3339Nano of a local time (trailing fraction zeros dropped, "Z" for UTC):
 * "2026-11-23T02:38:07.263557704+01:00" (volume CreatedAt, container inspect). ns 0 is
 * Go's zero time "0001-01-01T00:00:00Z". */
void pm_time_format_rfc3339nano_local(int64_t ns, char buf[PM_TIME_BUF_LEN]);

/* Go's time.Time.String() of a local time, as templates print it:
 * "2026-11-23 02:38:07.263557704 +0100 CET". ns 0: "0001-01-01 00:00:00 +0000 UTC". */
void pm_time_format_go_string(int64_t ns, char buf[PM_TIME_BUF_LEN]);

/* RFC 3339 in UTC: "2026-11-23T02:38:07Z" (whole seconds), or with nano true nine fraction
 * digits "2026-11-23T02:38:07.263557704Z" (image Created). */
void pm_time_format_rfc3339_utc(int64_t ns, bool nano, char buf[PM_TIME_BUF_LEN]);

/* Go's time.RFC3339Nano in UTC, trailing fraction zeros dropped: "2026-11-23T02:38:07.2635Z"
 * (the event log's Time). */
void pm_time_format_rfc3339nano_utc(int64_t ns, char buf[PM_TIME_BUF_LEN]);

/* RFC 3339 with the zone optional (none: UTC), as image configs carry it. 0 or -EINVAL. */
int pm_time_parse_rfc3339_utc_default(const char *s, int64_t *ret_ns);

/* A date "2006-01-02" at midnight of the local zone. 0 or -EINVAL. */
int pm_time_parse_date_local(const char *s, int64_t *ret_ns);
