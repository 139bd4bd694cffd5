/* ignore.h: .containerignore / .dockerignore patterns, matched as BuildKit's
 * moby/patternmatcher does: one pattern per line, '#' comments, leading and trailing
 * whitespace trimmed, paths cleaned (a leading '/' or './' dropped), '*', '?', '[...]',
 * '**' for any number of directories, '!' re-includes what an earlier line excluded; the
 * last matching line wins; a directory excluded excludes what is under it unless a later
 * '!' pattern names something inside it (then the walk must descend).
 *
 *   struct pm_ignore *ig; pm_ignore_parse(buf, len, ".containerignore", &ig, &err);
 *   pm_ignore_match(ig, "src/a.o", false) -> true: leave it out of the context
 *   pm_ignore_free(ig);
 * Never prints; errors name the file and line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

struct pm_ignore;

int pm_ignore_parse(const char *buf, size_t len, const char *filename, struct pm_ignore **ret,
		    pm_error **err);
/* path: relative to the context root, '/'-separated (cleaned again: a leading "./" or '/'
 * is dropped; "." is never ignored). Excluded when path or one of its parents matches, the
 * last matching line winning. is_dir changes nothing (patternmatcher's rules ignore it). */
bool pm_ignore_match(const struct pm_ignore *ig, const char *path, bool is_dir);
/* True when some '!' pattern could match below dir (so an excluded dir must be walked). */
bool pm_ignore_may_reinclude(const struct pm_ignore *ig, const char *dir);
struct pm_ignore *pm_ignore_free(struct pm_ignore *ig);
