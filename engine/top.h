/* top.h: the process table of `pm top` / `pm container top`: a running container's processes
 * (its init and every descendant, found through /proc/PID/task/TID/children) with the fields
 * podman's (psgo's) descriptors name, as text cells: pid, ppid, user, args, etime, time,
 * pcpu... Container pids and users are the container's view (NSpid, the process' uid_map,
 * the container's /etc/passwd). Reads /proc (stat through lib/proc.h) only: no namespace to
 * join, no subprocess. Never prints; cli/cmd-top.c validates and prints. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "engine/container.h"
#include "engine/run.h"
#include "lib/cleanup.h"
#include "lib/error.h"

/* A descriptor and its column header ("pcpu" -> "%CPU"). */
struct pm_top_desc {
	const char *name;
	const char *header;
};

/* The descriptor called name, or NULL when it is not one pm knows. */
const struct pm_top_desc *pm_top_desc_find(const char *name);

/* The descriptor arguments of top/pod top (words or comma lists) into *ret (NULL: none
 * given); an unknown one: -EINVAL "unknown descriptor: X". */
int pm_top_descs_parse(char *const *args, int n, char ***ret, pm_error **err);

/* podman's default descriptors, NULL-terminated: user pid ppid pcpu etime tty time args. */
extern const char *const pm_top_default_descs[];

/* The table: one header per descriptor, one row (cells in descriptor order) per process,
 * init first, then its descendants depth first. */
struct pm_top_table {
	char **headers;
	char ***rows;
	size_t n_rows;
};

void pm_top_table_clear(struct pm_top_table *t);
PM_DEFINE_CLEANUP_VALUE(struct pm_top_table, pm_top_table_clear)
#define _cleanup_top_table_ _cleanup_(pm_top_table_clearp)

/* The table of the processes under init (a host pid), for descs (NULL: the default).
 * Processes that exit while being read are left out. -EINVAL "unknown descriptor: X". */
int pm_top_table(pid_t init, char *const *descs, struct pm_top_table *ret, pm_error **err);

/* pm_engine_refresh c, then its table; -EINVAL "top can only be used on running containers"
 * when c is neither running nor paused. */
int pm_engine_top(const struct pm_engine *e, struct pm_container *c, char *const *descs,
		  struct pm_top_table *ret, pm_error **err);

/* ---- pure pieces, exposed for tests/unit/test-top.c ---------------------------------- */

/* A Go time.Duration as String() prints it ("1h2m3.5s", "4.29226366s", "0s" for <= 0). */
char *pm_top_go_duration(long long ns);

/* psgo's tty name of a tty_nr (stat field 7): "?", "pts/N", "ttyN", else "MAJOR:MINOR". */
char *pm_top_tty_name(long tty_nr);

/* id (as pm sees it) mapped through the text of a uid_map/gid_map ("IN OUT COUNT" lines)
 * into the namespace; -1 when no line maps it. */
long pm_top_map_id(const char *map, unsigned long id);

/* The name of id in the text of a passwd or group file (name:x:ID:...), or NULL. */
char *pm_top_db_name(const char *db, unsigned long id);
