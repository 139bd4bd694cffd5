/* ctr-paths.c: where a container's files are (see ctr-paths.h). Pure path arithmetic plus
 * the lookup of the pm-monitor and pm-pause programs. Never prints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/ctr-paths.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/jscan.h"
#include "lib/paths.h"
#include "lib/strutil.h"

const char *pm_engine_log_driver(const struct pm_container *c)
{
	static const char *const kept[] = {"none", "passthrough", "passthrough-tty"};
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	const char *text = c->config_json ? c->config_json : "{}";
	int r = pm_jscan_object(&s, text, strlen(text));
	while (r >= 0 && (r = pm_jscan_member(&s, &k, &v)) > 0)
		if (pm_jscan_key_is(&k, "LogDriver")) {
			_cleanup_free_ char *d = NULL;
			if (pm_jscan_string(&v, &d) < 0 || !d)
				return NULL;
			for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
				if (!strcmp(d, kept[i]))
					return kept[i];
			return NULL;
		}
	return NULL;
}

bool pm_engine_logs_none(const struct pm_container *c)
{
	return pm_engine_log_driver(c) != NULL;
}

char *pm_engine_log_path(const struct pm_engine *e, const struct pm_container *c)
{
	(void)e;
	/* a pod's infra (pm-pause) never writes, and --log-driver none or passthrough keeps
	 * nothing: no log file is made for them */
	if (c->infra || pm_engine_logs_none(c))
		return pm_xstrdup("/dev/null");
	return pm_path_join(c->dir, "ctr.log");
}

char *pm_ctr_run_dir(const struct pm_engine *e, const char *id)
{
	return pm_xasprintf("%s/containers/%s", e->paths->runroot, id);
}

char *pm_ctr_run_file(const struct pm_engine *e, const char *id, const char *name)
{
	return pm_xasprintf("%s/containers/%s/%s", e->paths->runroot, id, name);
}

char *pm_ctr_userdata_dir(const struct pm_engine *e, const char *id)
{
	return pm_ctr_run_file(e, id, "userdata");
}

char *pm_ctr_net_dir(const struct pm_engine *e, const char *id, bool *ret_short)
{
	char *dir = pm_ctr_run_dir(e, id);
	*ret_short =
		strlen(dir) + strlen("/slirp.sock") >= sizeof(((struct sockaddr_un *)0)->sun_path);
	if (!*ret_short)
		return dir;
	free(dir);
	return pm_xasprintf("%s/n-%.12s", e->paths->runroot, id);
}

void pm_ctr_net_dir_remove(const struct pm_engine *e, const char *id)
{
	bool is_short;
	_cleanup_free_ char *dir = pm_ctr_net_dir(e, id, &is_short);
	if (is_short)
		pm_rm_rf(dir, NULL);
}

char *pm_monitor_program(pm_error **err)
{
	return pm_helper_path("pm-monitor", err);
}

char *pm_pause_program(pm_error **err)
{
	return pm_helper_path("pm-pause", err);
}
