/* time-offset.h: pm's own --time-offset of run/create (podman has none; the OCI spec's
 * linux.timeOffsets, which crun implements): "monotonic=SECONDS,boottime=SECONDS", either or
 * both, each a whole number of seconds (a sign allowed, at most PM_TIME_OFFSET_MAX away from
 * 0). The container gets its own time namespace with these offsets (runtime/run.c). Pure,
 * unit tested in tests/unit/test-time-offset.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"

/* About 100 years: far inside what the kernel takes (KTIME_SEC_MAX / 2). */
#define PM_TIME_OFFSET_MAX (100LL * 366 * 24 * 3600)

struct pm_time_offsets {
	bool set;
	int64_t monotonic, boottime;
};

/* 0, or -EINVAL with *err naming the bad value ("invalid --time-offset 'x': ..."). NULL or
 * "" sets nothing. */
int pm_time_offset_parse(const char *s, struct pm_time_offsets *ret, pm_error **err);
