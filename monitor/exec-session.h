/* exec-session.h: the monitor of an exec session (`pm exec -d`, `pm exec -it` that can
 * detach), conmon's --exec role: `pm-monitor exec ...` (monitor/pm-monitor.c). The engine
 * (engine/exec-session.c) starts the exec process in a detached process of its own, which
 * then execs pm-monitor with the process as its child: relay its pty to the attach client
 * (pm exec, over a socketpair; PM_ATTACH_SIGNAL carries its signals) until it exits (what it
 * writes once no client is left is read and dropped, so it never blocks), kill it when the
 * container's init exits, write the session's exit file (<session dir>/exit, the format of
 * monitor/rundir.h) and give the client the status.
 *
 *   pm-monitor exec --rundir SESSION-DIR --pid PID --pidfd FD [--pty FD] [--client FD]
 *                   [--ctr-pidfd FD]
 *
 * libc and this module only (pm-monitor links it statically). Must not print. */
#pragma once

/* argv[0] is "exec". Returns the process's exit status, 125 for bad arguments. */
int pm_mon_exec_session_main(int argc, char **argv);
