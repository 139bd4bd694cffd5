/* dlopen.c: open an optional library by SONAME and resolve its symbols, all or nothing.
 * Owns only the loading; the per-library symbol tables live next to their users
 * (storage/dl-archive.c, storage/dl-crypto.c, rootless/dl-subid.c). Never prints (debug log
 * only). Called by those modules on the first use of the library. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "lib/dlopen.h"
#include "lib/log.h"

/* Set every (fn, name) pointer of the list to NULL. */
static void reset_syms(va_list ap)
{
	void **fn;
	while ((fn = va_arg(ap, void **))) {
		(void)va_arg(ap, const char *);
		*fn = NULL;
	}
}

int pm_dlopen_many_sym(void **dlp, const char *soname, const char *package, pm_error **err, ...)
{
	if (*dlp)
		return 0;

	void *h = dlopen(soname, RTLD_NOW | RTLD_NODELETE);
	if (!h) {
		const char *why = dlerror();
		pm_log_debug("dlopen '%s': %s", soname, why ? why : "unknown error");
		if (!why || strstr(why, "No such file"))
			return pm_error_set(err, EOPNOTSUPP,
					    "%s is not installed: install the '%s' package", soname,
					    package);
		return pm_error_set(err, EOPNOTSUPP,
				    "cannot load %s: %s (reinstall the '%s' package)", soname, why,
				    package);
	}

	va_list ap;
	va_start(ap, err);
	void **fn;
	while ((fn = va_arg(ap, void **))) {
		const char *name = va_arg(ap, const char *);
		*fn = dlsym(h, name);
		if (!*fn) {
			va_end(ap);
			va_start(ap, err);
			reset_syms(ap);
			va_end(ap);
			dlclose(h);
			return pm_error_set(err, EOPNOTSUPP,
					    "%s has no symbol '%s': install a newer '%s' package",
					    soname, name, package);
		}
	}
	va_end(ap);

	pm_log_debug("loaded %s", soname);
	*dlp = h;
	return 1;
}
