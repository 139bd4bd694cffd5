/* STUB: replaced by the lib helper. */
#include <stdlib.h>
#include <string.h>
#include "lib/paths.h"
int pm_paths_init(struct pm_paths *p, const char *root_opt, const char *runroot_opt, pm_error **err)
{
	memset(p, 0, sizeof(*p));
	p->root = strdup(root_opt ? root_opt : "/tmp/pm-root");
	p->runroot = strdup(runroot_opt ? runroot_opt : "/tmp/pm-runroot");
	return 0;
}
int pm_paths_ensure(const struct pm_paths *p, pm_error **err)
{
	return 0;
}
void pm_paths_free(struct pm_paths *p)
{
	free(p->root);
	free(p->runroot);
	free(p->config);
	free(p->data_home);
	free(p->runtime_dir);
}
