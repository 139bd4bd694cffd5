/* error.h: the error value every module returns.
 *
 * Functions that can fail return int: >= 0 ok, negative errno on failure. Module entry
 * points also take `pm_error **err`; pm_error_set() fills it and returns -code, and
 * pm_error_prefix() adds context on the way up ("creating container 'x': <cause>").
 * Lower layers never print: cli/ prints the message once and exits with
 * pm_error_exit_status() (125 by default, 126/127 for exec failures).
 *
 * A NULL `err` is allowed everywhere: the error is then only returned as -code. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>

#include "lib/cleanup.h"

/* Exit statuses of the command-line contract (podman's). */
enum {
	PM_EXIT_ERROR = 125,	     /* pm's own error */
	PM_EXIT_CANNOT_INVOKE = 126, /* the container command cannot be invoked */
	PM_EXIT_NOT_FOUND = 127,     /* the container command was not found */
};

typedef struct pm_error {
	int code;   /* positive errno value */
	int status; /* exit status for the cli; 0 means PM_EXIT_ERROR */
	char *msg;  /* full message, context prefixes included */
} pm_error;

/* Set *err (if err and *err is unset) to code and the formatted message.
 * Returns -code. code <= 0 is taken as EIO. */
int pm_error_set(pm_error **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int pm_error_setv(pm_error **err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Like pm_error_set, appending ": strerror(code)". */
int pm_error_set_errno(pm_error **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* strerror(e) as Go's os package words it (lowercase: "no such file or directory"), for
 * podman's messages; into buf, which is returned. */
const char *pm_go_strerror(int e, char *buf, size_t len);

/* Like pm_error_set with an explicit exit status (126, 127, ...). */
int pm_error_set_status(pm_error **err, int status, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prefix context: "<context>: <old message>". Returns -(*err)->code, or -EIO when
 * there is no error to prefix. */
int pm_error_prefix(pm_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The exit status the cli should use for this error. */
int pm_error_exit_status(const pm_error *err);

/* Hand src on to *dst when dst is given and unset (the first error of several wins), else
 * free it. Accepts NULL for both. */
void pm_error_propagate(pm_error **dst, pm_error *src);

/* Frees and returns NULL; accepts NULL. */
pm_error *pm_error_free(pm_error *err);

PM_DEFINE_CLEANUP_FUNC(pm_error *, pm_error_free)
#define _cleanup_error_ _cleanup_(pm_error_freep)
