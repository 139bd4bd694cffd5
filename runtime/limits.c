/* limits.c: the cgroup v2 test for callers that need no more (cli/cmd-pod-stats.c). Never
 * prints. */
#include <sys/statfs.h>

#include <linux/magic.h>

#include "runtime/limits.h"

bool pm_runtime_have_cgroup2(void)
{
	struct statfs sf;
	return statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}
