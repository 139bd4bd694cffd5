/* cleanup.h: scope-bound cleanup (systemd style) and ownership transfer.
 * Owns: the _cleanup_* attributes, TAKE_PTR/TAKE_FD. Header only, no state. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

/* Define name##p(type *p), the cleanup function for a variable of type `type` (a pointer)
 * that calls func(*p) when it is not NULL (systemd's DEFINE_TRIVIAL_CLEANUP_FUNC). For
 * value types (a struct on the stack), use PM_DEFINE_CLEANUP_VALUE. Both accept NULL. */
#define PM_DEFINE_CLEANUP_FUNC(type, func)                                                         \
	static inline void func##p(type *p)                                                        \
	{                                                                                          \
		if (*p)                                                                            \
			func(*p);                                                                  \
	}

/* Define func##p(type *p) that calls func(p) on a value that owns memory (a struct on
 * the stack whose destructor takes its address). */
#define PM_DEFINE_CLEANUP_VALUE(type, func)                                                        \
	static inline void func##p(type *p)                                                        \
	{                                                                                          \
		func(p);                                                                           \
	}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Free a NULL-terminated array of strings and the array. Accepts NULL. */
static inline char **pm_strv_free(char **v)
{
	if (v) {
		for (char **i = v; *i; i++)
			free(*i);
		free(v);
	}
	return NULL;
}

static inline void pm_strv_freep(char ***v)
{
	pm_strv_free(*v);
}

#define _cleanup_free_	   _cleanup_(freep)
#define _cleanup_close_	   _cleanup_(closep)
#define _cleanup_fclose_   _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_strv_	   _cleanup_(pm_strv_freep)

/* Hand ownership out of a scope: returns the value and clears the variable. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) *_pp = &(p);                                                         \
		__typeof__(p) _v = *_pp;                                                           \
		*_pp = NULL;                                                                       \
		_v;                                                                                \
	})

#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int *_pfd = &(fd);                                                                 \
		int _v = *_pfd;                                                                    \
		*_pfd = -1;                                                                        \
		_v;                                                                                \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
