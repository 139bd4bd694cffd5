/* dlopen.h: open an optional shared library on first use (systemd's dlopen_many_sym_or_warn).
 *
 * pm links only what every command needs. A library that only some commands use
 * (libarchive for layers, libcrypto for big digests, libsubid for the user namespace) is
 * opened by its SONAME the first time a command needs it, so `pm version` or `pm run` do not
 * pay for mapping and initialising it (and the dozen libraries it drags in). Call sites keep
 * the library's own header for types and prototypes and call through typed pointers:
 *
 *   module dl-x.h:  extern PM_DLSYM_PROTOTYPE(archive_read_new);
 *   module dl-x.c:  PM_DLSYM_PROTOTYPE(archive_read_new) = NULL;
 *                   static void *dl;
 *                   int pm_dl_archive(pm_error **err) {
 *                       return pm_dlopen_many_sym(&dl, "libarchive.so.13", "libarchive13", err,
 *                                                 PM_DLSYM_ARG(archive_read_new), ..., (void
 * **)NULL); } call site:      if ((r = pm_dl_archive(err)) < 0) return r;  ...
 * sym_archive_read_new()
 *
 * PM_DLSYM_ARG checks at compile time that each pointer has the type of the header's
 * prototype. Always name the versioned SONAME (libfoo.so.N), never the -dev symlink. */
#pragma once

#include "lib/error.h"

#define PM_DLSYM_PROTOTYPE(symbol) __typeof__(symbol) *sym_##symbol

#define PM_DLSYM_ARG(symbol)                                                                       \
	({                                                                                         \
		_Static_assert(__builtin_types_compatible_p(__typeof__(sym_##symbol),              \
							    __typeof__(&symbol)),                  \
			       "sym_" #symbol " does not match the prototype of " #symbol);        \
		(void **)&sym_##symbol;                                                            \
	}),                                                                                        \
		#symbol

/* A handle value meaning "the sym_ pointers were set by hand; do not dlopen" (unit tests
 * put fakes in the pointers and store this in the module's handle). */
#define PM_DL_PRESET ((void *)1)

/* Open soname (once: returns 0 at once when *dlp is set) and resolve each
 * (void **fn, const char *name) pair given with PM_DLSYM_ARG, ended by (void **)NULL. All or
 * nothing: on failure *dlp stays NULL, no pointer is left set (a missing symbol resets those
 * already resolved) and err says "<soname> is not installed: install the '<package>' package"
 * or names the missing symbol (-EOPNOTSUPP both). Returns 1 when the library was opened by
 * this call. Never prints. */
int pm_dlopen_many_sym(void **dlp, const char *soname, const char *package, pm_error **err, ...)
	__attribute__((sentinel));
