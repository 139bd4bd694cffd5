/* unitfile.h: systemd-style unit files (systemd.syntax(7)) as Quadlet reads them: groups
 * ("[Container]"), "Key=value" entries with the line each came from, continuation lines,
 * comments; and the word rules of systemd's values (quotes, C escapes) both ways.
 * Pure: no output, no state; the parser reads a buffer, pm_unit_file_load a file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

struct pm_unit_entry {
	char *key;
	char *value; /* trimmed, raw: quotes and escapes are the reader's business */
	unsigned line;
};

struct pm_unit_group {
	char *name;
	unsigned line; /* the line of its "[Name]" header */
	struct pm_unit_entry *entries;
	size_t n_entries;
};

struct pm_unit_file {
	char *path;
	struct pm_unit_group *groups;
	size_t n_groups;
};

/* Longest accepted input (systemd's LONG_LINE_MAX is 1 MiB per line; a unit file is small). */
#define PM_UNIT_FILE_MAX (1024 * 1024)

/* Parse text (NUL-terminated) read from path (used in messages). A syntax error is
 * "PATH:LINE: <what>" in *err, -EINVAL. The same group may appear twice: its entries are
 * merged into the first, in order (systemd's rule). */
int pm_unit_file_parse(const char *path, const char *text, struct pm_unit_file **ret,
		       pm_error **err);
/* Read path (at most PM_UNIT_FILE_MAX bytes) and parse it. */
int pm_unit_file_load(const char *path, struct pm_unit_file **ret, pm_error **err);

struct pm_unit_file *pm_unit_file_free(struct pm_unit_file *f);
PM_DEFINE_CLEANUP_FUNC(struct pm_unit_file *, pm_unit_file_free)
#define _cleanup_unit_file_ _cleanup_(pm_unit_file_freep)

/* The group called name, or NULL. */
const struct pm_unit_group *pm_unit_file_group(const struct pm_unit_file *f, const char *name);

/* The last entry of key in g (the one that counts for a single-valued key), or NULL. */
const struct pm_unit_entry *pm_unit_group_last(const struct pm_unit_group *g, const char *key);

/* Split s into words as systemd splits ExecStart= (extract_first_word with UNQUOTE and
 * CUNESCAPE): whitespace separates, '...' and "..." quote, \n \t \xHH \NNN \uHHHH ... are
 * C escapes inside and outside quotes. 0 and a NULL-terminated array (never NULL), or
 * -EINVAL with *ret_why (static text) for an unfinished quote, a bad or NUL escape. */
int pm_unit_split_words(const char *s, char ***ret, const char **ret_why);

/* word as one word of an ExecStart= line: as it is when it needs no quoting, else in
 * double quotes with \\ \" and C escapes for control characters. '%' and '$' are left as
 * they are (systemd expands specifiers and variables there, as podman's Quadlet leaves
 * them). Malloc'd. */
char *pm_unit_quote_word(const char *word);

/* A systemd boolean: 1/yes/y/true/t/on or 0/no/n/false/f/off (case-insensitive).
 * 1 or 0, -EINVAL otherwise. */
int pm_unit_parse_bool(const char *s);
