/* engine.h: the engine's handle, passed to every engine call: where pm keeps its data
 * (lib/paths.h) and the storage driver. Its own header so that the engine's files can take
 * it without including each other (run.h, monitor.h, net.h, ctr-paths.h all use it). */
#pragma once

#include <stdbool.h>

#include "lib/paths.h"

struct pm_engine_early_net;

struct pm_engine {
	const struct pm_paths *paths;
	const char *storage_driver; /* --storage-driver, or NULL */
	/* run/exec --preserve-fds N: this process's fds 3..3+N-1 go to the container's
	 * process too (a property of the invocation, not recorded) */
	unsigned preserve_fds;
	/* the caller removes what it stops (rm -f): a root unmounted at the exit is not
	 * synced first (storage/container.h PM_STORAGE_CTR_DISCARD) */
	bool removing;
	/* run -d: a create writes its record and root without fsync, and the detached
	 * monitor makes them durable once it has reported the start (off the command's
	 * path; a crash before that leaves a record the next command lists as broken) */
	bool sync_later;
	/* a foreground run's slirp4netns, launched before its container was created
	 * (engine/net.h pm_engine_net_launch_first); its start takes it, NULL = none */
	struct pm_engine_early_net *early_net;
};
