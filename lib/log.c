/* log.c: leveled logging to stderr. Owns the process-wide log level. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"

int pm_log_level = PM_LOG_WARN;

static struct timespec start;

int pm_log_parse_level(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} t[] = {
		{"trace", PM_LOG_TRACE}, {"debug", PM_LOG_DEBUG},  {"info", PM_LOG_INFO},
		{"warn", PM_LOG_WARN},	 {"warning", PM_LOG_WARN}, {"error", PM_LOG_ERROR},
		{"fatal", PM_LOG_ERROR}, {"panic", PM_LOG_ERROR},
	};
	for (size_t i = 0; s && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].level;
	return -EINVAL;
}

void pm_log(int level, const char *fmt, ...)
{
	static const char *names[] = {"ERRO", "WARN", "INFO", "DEBU", "TRAC"};
	if (level > pm_log_level)
		return;
	int saved = errno;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (start.tv_sec == 0 && start.tv_nsec == 0)
		start = now;
	long secs = (long)(now.tv_sec - start.tv_sec);
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s[%04ld] %s\n", names[level < 0 ? 0 : level > 4 ? 4 : level], secs, buf);
	errno = saved;
}

__attribute__((constructor)) static void log_init(void)
{
	clock_gettime(CLOCK_MONOTONIC, &start);
}
