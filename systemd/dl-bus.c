/* dl-bus.c: the sd-bus symbol table and its loader. Owns nothing but the sym_sd_bus_*
 * pointers; never prints. Called by systemd/scope.c before its first sd-bus call. */
#include "systemd/dl-bus.h"

PM_DLSYM_PROTOTYPE(sd_bus_call) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_error_free) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_flush_close_unref) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_match_signal) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_message_append) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_message_append_array) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_message_close_container) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_message_new_method_call) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_message_open_container) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_message_read) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_message_unref) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_open_system) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_open_user) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_process) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_slot_unref) = NULL;
PM_DLSYM_PROTOTYPE(sd_bus_wait) = NULL;

int pm_dl_bus(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(
		&dl, "libsystemd.so.0", "libsystemd0", err, PM_DLSYM_ARG(sd_bus_call),
		PM_DLSYM_ARG(sd_bus_error_free), PM_DLSYM_ARG(sd_bus_flush_close_unref),
		PM_DLSYM_ARG(sd_bus_match_signal), PM_DLSYM_ARG(sd_bus_message_append),
		PM_DLSYM_ARG(sd_bus_message_append_array),
		PM_DLSYM_ARG(sd_bus_message_close_container),
		PM_DLSYM_ARG(sd_bus_message_new_method_call),
		PM_DLSYM_ARG(sd_bus_message_open_container), PM_DLSYM_ARG(sd_bus_message_read),
		PM_DLSYM_ARG(sd_bus_message_unref), PM_DLSYM_ARG(sd_bus_open_system),
		PM_DLSYM_ARG(sd_bus_open_user), PM_DLSYM_ARG(sd_bus_process),
		PM_DLSYM_ARG(sd_bus_slot_unref), PM_DLSYM_ARG(sd_bus_wait), (void **)NULL);
}
