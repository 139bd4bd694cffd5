/* crashpoint.c: see crashpoint.h. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crashpoint.h"

static char crash_at[64];

void pm_crash_point_init(void)
{
	const char *v = getenv("PM_CRASH_POINT");
	if (!v)
		return;
	strncpy(crash_at, v, sizeof(crash_at) - 1);
	unsetenv("PM_CRASH_POINT");
}

void pm_crash_point(const char *name)
{
	if (crash_at[0] && strcmp(crash_at, name) == 0)
		kill(getpid(), SIGKILL);
}
