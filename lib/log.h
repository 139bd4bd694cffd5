/* log.h: leveled logging to stderr, podman-like ("WARN[0000] message").
 * The cli sets the level from --log-level. Library code logs at debug (and warn only
 * for conditions the user must hear about but that do not fail the command). */
#pragma once

enum pm_log_level {
	PM_LOG_ERROR = 0,
	PM_LOG_WARN = 1,
	PM_LOG_INFO = 2,
	PM_LOG_DEBUG = 3,
	PM_LOG_TRACE = 4,
};

extern int pm_log_level;

/* Parse "trace|debug|info|warn|warning|error|fatal|panic"; returns level or -EINVAL. */
int pm_log_parse_level(const char *s);

void pm_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pm_log_debug(...) pm_log(PM_LOG_DEBUG, __VA_ARGS__)
#define pm_log_info(...)  pm_log(PM_LOG_INFO, __VA_ARGS__)
#define pm_log_warn(...)  pm_log(PM_LOG_WARN, __VA_ARGS__)
