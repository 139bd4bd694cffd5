/* dl-seccomp.c: the libseccomp symbol table and its loader. Owns nothing but the
 * sym_seccomp_* pointers; never prints. Called by runtime/seccomp.c before it compiles a
 * filter. */
#include "runtime/dl-seccomp.h"

PM_DLSYM_PROTOTYPE(seccomp_arch_add) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_arch_native) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_arch_resolve_name) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_attr_set) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_export_bpf) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_init) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_release) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_rule_add_array) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_syscall_resolve_name) = NULL;
PM_DLSYM_PROTOTYPE(seccomp_version) = NULL;

int pm_dl_seccomp(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(
		&dl, "libseccomp.so.2", "libseccomp2", err, PM_DLSYM_ARG(seccomp_arch_add),
		PM_DLSYM_ARG(seccomp_arch_native), PM_DLSYM_ARG(seccomp_arch_resolve_name),
		PM_DLSYM_ARG(seccomp_attr_set), PM_DLSYM_ARG(seccomp_export_bpf),
		PM_DLSYM_ARG(seccomp_init), PM_DLSYM_ARG(seccomp_release),
		PM_DLSYM_ARG(seccomp_rule_add_array), PM_DLSYM_ARG(seccomp_syscall_resolve_name),
		PM_DLSYM_ARG(seccomp_version), (void **)NULL);
}
