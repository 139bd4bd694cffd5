/* helper-output.c: pick the telling line out of a helper's output (see helper-output.h).
 * Pure: no I/O, never prints. Unit tested in tests/unit/test-helper-output.c. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lib/helper-output.h"
#include "lib/strutil.h"

/* Lines helpers print on every run that say nothing about a failure. */
static const char *const harmless[] = {
	"WARNING: Support for IPv6 is experimental",
	"unknown argument ignored:",
	"Multiple default addresses, picking first",
	"Couldn't get any nameserver address",
	"No routable interface for IPv6",
	"No external routable interface for IPv6",
	"Template interface:",
	NULL,
};

/* Words that name the cause itself (errno texts): the first such line is the root cause,
 * later lines are its consequences ("child failed(1)"). */
static const char *const strong[] = {
	"permission denied", "no such file", "not permitted", "not allowed",   "not found",
	"no space",	     "denied",	     "refused",	      "resource busy", NULL,
};

/* Words that say something failed: the last such line is the most specific. */
static const char *const weak[] = {
	"error", "failed", "cannot", "can't", "unable", "invalid", "fatal", NULL,
};

static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return true;
	return false;
}

static bool is_harmless(const char *line)
{
	for (size_t i = 0; harmless[i]; i++)
		if (strstr(line, harmless[i]))
			return true;
	return false;
}

static bool has_word(const char *line, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (contains_ci(line, words[i]))
			return true;
	return false;
}

static char *trimmed(const char *s, size_t len)
{
	while (len > 0 && strchr(" \t\r", s[0])) {
		s++;
		len--;
	}
	while (len > 0 && strchr(" \t\r", s[len - 1]))
		len--;
	return pm_xstrndup(s, len);
}

char *pm_helper_reason(const char *output)
{
	if (!output)
		return NULL;
	_cleanup_strv_ char **lines = pm_strv_split(output, "\n");
	_cleanup_free_ char *first_strong = NULL, *last_weak = NULL, *other = NULL, *any = NULL;
	for (size_t i = 0; lines && lines[i]; i++) {
		_cleanup_free_ char *l = trimmed(lines[i], strlen(lines[i]));
		if (!*l)
			continue;
		free(any);
		any = pm_xstrdup(l);
		if (is_harmless(l))
			continue;
		free(other);
		other = pm_xstrdup(l);
		if (!first_strong && has_word(l, strong))
			first_strong = pm_xstrdup(l);
		if (has_word(l, weak)) {
			free(last_weak);
			last_weak = pm_xstrdup(l);
		}
	}
	if (first_strong)
		return TAKE_PTR(first_strong);
	if (last_weak)
		return TAKE_PTR(last_weak);
	if (other)
		return TAKE_PTR(other);
	return TAKE_PTR(any);
}

const char *pm_helper_advice(const char *reason)
{
	/* pasta opens it in the namespace and says only "Failed to open tun socket" */
	if (reason &&
	    ((strstr(reason, "/dev/net/tun") && contains_ci(reason, "permission denied")) ||
	     contains_ci(reason, "failed to open tun socket")))
		return "run 'sudo chmod 0666 /dev/net/tun' (most distributions ship it 0666), "
		       "or 'pm doctor' to check the host";
	if (reason && strstr(reason, "/dev/net/tun") && contains_ci(reason, "no such file"))
		return "run 'sudo modprobe tun', or 'pm doctor' to check the host";
	if (reason && strstr(reason, "/dev/fuse") && contains_ci(reason, "permission denied"))
		return "run 'sudo chmod 0666 /dev/fuse', or 'pm doctor' to check the host";
	return "run 'pm doctor' to check the host";
}

/* A line that gives a version: "version" followed (later on the line) by a digit, and no
 * usage or license text. */
static bool is_version_line(const char *l)
{
	const char *v = strcasestr(l, "version");
	if (!v || contains_ci(l, "usage") || contains_ci(l, "unknown version") ||
	    contains_ci(l, "license") || contains_ci(l, "GPL"))
		return false;
	return strpbrk(v, "0123456789") != NULL;
}

char *pm_helper_version_line(const char *output, const char *name)
{
	if (!output)
		return NULL;
	_cleanup_strv_ char **lines = pm_strv_split(output, "\n");
	/* the tool's own line first ("fuse-overlayfs: version 1.10" after fusermount3's) */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; lines && lines[i]; i++) {
			const char *l = lines[i];
			if (!is_version_line(l) || (pass == 0 && (!name || !strcasestr(l, name))))
				continue;
			return trimmed(l, strlen(l));
		}
	return NULL;
}
