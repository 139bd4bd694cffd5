/* error.c: the pm_error value. Owns formatting and context wrapping of errors.
 * Must not print. Called from every module. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"

static char *xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

int pm_error_setv(pm_error **err, int code, const char *fmt, va_list ap)
{
	if (code <= 0)
		code = EIO;
	if (!err || *err)
		return -code;
	pm_error *e = calloc(1, sizeof(*e));
	if (!e)
		return -code;
	e->code = code;
	e->msg = xvasprintf(fmt, ap);
	if (!e->msg)
		e->msg = strdup(strerror(code));
	*err = e;
	return -code;
}

int pm_error_set(pm_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = pm_error_setv(err, code, fmt, ap);
	va_end(ap);
	return r;
}

int pm_error_set_errno(pm_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	if (code <= 0)
		code = EIO;
	va_start(ap, fmt);
	_cleanup_free_ char *m = xvasprintf(fmt, ap);
	va_end(ap);
	return pm_error_set(err, code, "%s: %s", m ? m : "error", strerror(code));
}

int pm_error_set_status(pm_error **err, int status, int code, const char *fmt, ...)
{
	va_list ap;
	bool had = err && *err;
	va_start(ap, fmt);
	int r = pm_error_setv(err, code, fmt, ap);
	va_end(ap);
	if (err && *err && !had)
		(*err)->status = status;
	return r;
}

int pm_error_prefix(pm_error **err, const char *fmt, ...)
{
	if (!err || !*err)
		return -EIO;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *ctx = xvasprintf(fmt, ap);
	va_end(ap);
	char *m = NULL;
	if (ctx && asprintf(&m, "%s: %s", ctx, (*err)->msg ? (*err)->msg : "") >= 0) {
		free((*err)->msg);
		(*err)->msg = m;
	}
	return -(*err)->code;
}

int pm_error_exit_status(const pm_error *err)
{
	if (!err || err->status == 0)
		return PM_EXIT_ERROR;
	return err->status;
}

void pm_error_propagate(pm_error **dst, pm_error *src)
{
	if (dst && !*dst)
		*dst = src;
	else
		pm_error_free(src);
}

pm_error *pm_error_free(pm_error *err)
{
	if (err) {
		free(err->msg);
		free(err);
	}
	return NULL;
}

const char *pm_go_strerror(int e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(e));
	if (len)
		buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}
