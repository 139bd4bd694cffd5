/* health.h: the periodic health checks of a container, run by its own monitor (pm-monitor
 * for a detached container, the cli for a foreground one) rather than by systemd timers as
 * podman does, so they work on hosts without systemd. A timerfd fires first when the start
 * period ends (after one interval when there is none), then every interval; each firing
 * spawns the check command (`pm healthcheck run ID`, which runs the check in the container,
 * records the result and applies --health-on-failure: engine/health.h) unless the previous
 * one still runs, so there are never two at once. The relay (monitor/mon-io.h) polls the
 * two fds and calls pm_mon_health_event. With a startup check (--health-startup-*), the
 * timer first fires at its interval; once a check ends and the startup_done file exists
 * (engine/health.c makes it when the startup check passed), at the health check's.
 *
 * libc only: pm-monitor links it statically. Never prints, never sleeps. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct pm_mon_health {
	int64_t interval_ns;	  /* between checks; <= 0: no periodic checks */
	int64_t start_ns;	  /* the start period: the first check when it ends */
	int64_t startup_ns;	  /* the startup check's interval; <= 0: none */
	const char *startup_done; /* exists once the startup check passed; borrowed */
	bool in_startup;
	char **argv;		 /* the check command (execv), NULL-terminated; borrowed */
	const sigset_t *sigmask; /* signals the child unblocks (the relay's blocked set) */
	int timerfd;		 /* -1 when off */
	int pidfd;		 /* the running check, -1 when none */
	pid_t pid;
};

/* Everything off (-1). */
void pm_mon_health_init(struct pm_mon_health *h);

/* Arm the timer when interval_ns or startup_ns is > 0 and argv is set. Returns 0 or a
 * negative errno. */
int pm_mon_health_start(struct pm_mon_health *h);

/* fd (the timer or the running check's pidfd) is ready: spawn a check when one is due and
 * none runs; forget a check that ended (its exit is reaped here or by the relay). */
void pm_mon_health_event(struct pm_mon_health *h, int fd);

/* Stop the timer (the container exited). A check still running is left to finish: it may
 * be the one restarting the container. */
void pm_mon_health_stop(struct pm_mon_health *h);
