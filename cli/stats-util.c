/* stats-util.c: the reading, keeping and wording shared by cli/cmd-stats.c and
 * cli/cmd-pod-stats.c (see stats-util.h). Prints only the screen reset. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/stats-util.h"
#include "engine/run.h"
#include "lib/strutil.h"

const struct pm_ctr_stats *pm_stats_prev_find(const struct pm_stats_prev *p, const char *id)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (!strcmp(p->ids[i], id))
			return &p->v[i];
	return NULL;
}

void pm_stats_prev_add(struct pm_stats_prev *p, const char *id, const struct pm_ctr_stats *s)
{
	pm_strv_push(&p->ids, id);
	p->v = pm_xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n++] = *s;
}

void pm_stats_prev_clear(struct pm_stats_prev *p)
{
	pm_strv_free(p->ids);
	free(p->v);
	*p = (struct pm_stats_prev){0};
}

int pm_stats_read_ctr(const struct pm_engine *e, const struct pm_stats_host *h,
		      struct pm_container *c, const struct pm_stats_prev *prev,
		      struct pm_stats_prev *next, struct pm_ctr_stats *ret, pm_error **err)
{
	*ret = (struct pm_ctr_stats){0};
	pm_engine_refresh(e, c);
	if (!pm_ctr_is_running(c))
		return 0;
	_cleanup_error_ pm_error *e1 = NULL;
	int r = pm_engine_stats(h, c, pm_stats_prev_find(prev, c->id), ret, &e1);
	if (r == -EINVAL || r == -ESRCH) {
		*ret = (struct pm_ctr_stats){0};
		return 0; /* it exited meanwhile */
	}
	if (r < 0) {
		pm_error_propagate(err, TAKE_PTR(e1));
		return r;
	}
	pm_stats_prev_add(next, c->id, ret);
	return 1;
}

char *pm_stats_pair(uint64_t a, uint64_t b, bool iec)
{
	_cleanup_free_ char *x = iec ? pm_format_bytes_iec(a) : pm_format_size_prec(a, 4);
	_cleanup_free_ char *y = iec ? pm_format_bytes_iec(b) : pm_format_size_prec(b, 4);
	return pm_xasprintf("%s / %s", x, y);
}

char *pm_stats_percent(double v)
{
	return pm_xasprintf("%.2f%%", v);
}

bool pm_stats_format_is_json(const char *format)
{
	if (!format)
		return false;
	const char *p = format + strspn(format, " \t\n");
	size_t n = strlen(p);
	while (n && strchr(" \t\n", p[n - 1]))
		n--;
	if (n == 4 && !strncasecmp(p, "json", 4))
		return true;
	/* {{ json . }} */
	if (n < 4 || strncmp(p, "{{", 2) || strncmp(p + n - 2, "}}", 2))
		return false;
	const char *q = p + 2, *end = p + n - 2;
	q += strspn(q, " ");
	if (end - q < 4 || strncmp(q, "json", 4))
		return false;
	q += 4;
	q += strspn(q, " ");
	if (q < end && *q == '.')
		q++;
	q += strspn(q, " ");
	return q == end;
}

void pm_stats_reset_screen(void)
{
	fputs("\033[2J\033[1;1H", stdout);
}
