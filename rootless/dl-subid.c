/* dl-subid.c: the libsubid symbol table and its loader. Owns nothing but the sym_subid_*
 * pointers; never prints. Called by rootless/subid.c before it reads subordinate ranges. */
#include "rootless/dl-subid.h"

PM_DLSYM_PROTOTYPE(subid_init) = NULL;
PM_DLSYM_PROTOTYPE(subid_get_uid_ranges) = NULL;
PM_DLSYM_PROTOTYPE(subid_get_gid_ranges) = NULL;

static void *dl;

int pm_dl_subid(pm_error **err)
{
	return pm_dlopen_many_sym(&dl, "libsubid.so.4", "libsubid4", err, PM_DLSYM_ARG(subid_init),
				  PM_DLSYM_ARG(subid_get_uid_ranges),
				  PM_DLSYM_ARG(subid_get_gid_ranges), (void **)NULL);
}

void pm_dl_subid_preset(void)
{
	dl = PM_DL_PRESET;
}
