/* crashpoint.h: deterministic crash points for the fault-injection tier (tests/system/
 * 090-crash.bats, `make check-crash`). When the environment of a pm command names a step
 * in PM_CRASH_POINT, the process that reaches that step kills itself with SIGKILL there,
 * as a `kill -9` of a user would, so that a test can check that the next command repairs
 * everything.
 *
 * pm_crash_point_init() (cli/main.c, first thing) reads the variable once and removes it
 * from the environment, so that the programs pm starts (pm-monitor and its exit command,
 * slirp4netns) do not inherit it; a forked child (the detached monitor before its exec)
 * keeps the value. libc only. Never prints. */
#pragma once

/* Read and unset PM_CRASH_POINT. */
void pm_crash_point_init(void);

/* SIGKILL this process when name is the step PM_CRASH_POINT named. */
void pm_crash_point(const char *name);
