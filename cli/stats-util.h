/* stats-util.h: what `pm stats` and `pm pod stats` share: one reading of a container (a
 * zero reading when it is not running) with the previous readings kept for the next CPU %,
 * podman's text of the figures ("1.23MB / 4.1GB", "12.34%"), the screen reset between
 * streamed reports, and the check for cgroup v2. The figures are engine/stats.h's. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/stats.h"

/* The readings of a report by container id, for the CPU % of the next. */
struct pm_stats_prev {
	char **ids;
	struct pm_ctr_stats *v;
	size_t n;
};

const struct pm_ctr_stats *pm_stats_prev_find(const struct pm_stats_prev *p, const char *id);
void pm_stats_prev_add(struct pm_stats_prev *p, const char *id, const struct pm_ctr_stats *s);
void pm_stats_prev_clear(struct pm_stats_prev *p);

/* Read c (its state refreshed first) against its reading in prev, and keep the new one in
 * next. Returns 1 with the figures, 0 with a zero reading when c is not running (or its
 * init went away meanwhile), or the error of engine/stats.h. */
int pm_stats_read_ctr(const struct pm_engine *e, const struct pm_stats_host *h,
		      struct pm_container *c, const struct pm_stats_prev *prev,
		      struct pm_stats_prev *next, struct pm_ctr_stats *ret, pm_error **err);

/* "A / B" with go-units' HumanSize (iec false: "1.23MB") or BytesSize (iec true: "1.2MiB"). */
char *pm_stats_pair(uint64_t a, uint64_t b, bool iec);
/* podman's percent: "12.34%". */
char *pm_stats_percent(double v);

/* Is format podman's JSON (report.IsJSON: "json" or "{{json .}}", blanks allowed)? */
bool pm_stats_format_is_json(const char *format);

/* Between streamed reports: clear the screen and home the cursor (goterm's Clear). */
void pm_stats_reset_screen(void);
