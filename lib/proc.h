/* proc.h: the one reader of /proc/PID/stat (systemd's process-util.c is the model): the
 * fields pm uses, a process' start time and whether a pid is still the process we started;
 * of /proc/PID/status (signal masks, NSpid, Uid, Gid), /proc/PID/cgroup (the v2 path),
 * /proc/PID/cmdline and the links /proc/PID/fd/N; and the pidfd of such a process and the wait for
 * its end. Every module that asks the kernel about a process by pid comes here. libc only
 * (pm-monitor links it statically). Never prints. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* The fields of /proc/PID/stat pm reads (proc(5) numbering in the comments). */
struct pm_proc_stat {
	char comm[64];		      /* (2) without the parentheses, may hold ' ' and ')' */
	char state;		      /* (3) R S D Z T t X ... */
	pid_t ppid;		      /* (4) */
	pid_t pgrp;		      /* (5) */
	pid_t session;		      /* (6) */
	int tty_nr;		      /* (7) */
	unsigned long long utime;     /* (14) clock ticks */
	unsigned long long stime;     /* (15) clock ticks */
	long nice;		      /* (19) */
	long num_threads;	      /* (20) */
	unsigned long long starttime; /* (22) clock ticks after boot */
	unsigned long long vsize;     /* (23) bytes */
	long rss;		      /* (24) pages */
};

/* Parse the text of a /proc/PID/stat file. comm may hold spaces and ')', so the fields are
 * counted from the last ')'. 0, or -EINVAL when text is NULL or cut short. Pure. */
int pm_proc_stat_parse(const char *text, struct pm_proc_stat *ret);

/* Read and parse /proc/PID/stat: 0, -ESRCH when there is no such process (or pid <= 0),
 * -EINVAL when the file does not parse. */
int pm_proc_stat_read(pid_t pid, struct pm_proc_stat *ret);

/* The start time of pid (field 22): 0, or -ESRCH when it is gone or a zombie. */
int pm_proc_starttime(pid_t pid, unsigned long long *ret);

/* Is pid alive (not a zombie) and, when start is not 0, the process that started at start?
 * (a pid alone can be reused; a pid with its start time names one process). */
bool pm_proc_alive(pid_t pid, unsigned long long start);

/* A pidfd (O_CLOEXEC) for pid if it is still the process that started at start (checked
 * after opening: the pidfd pins that very process). -ESRCH when pid <= 0, gone, a zombie or
 * another process; another -errno when pidfd_open fails otherwise. */
int pm_pidfd_open_verified(pid_t pid, unsigned long long start);

/* This boot's id (/proc/sys/kernel/random/boot_id, 36 characters and a NUL): a pid and
 * start time recorded in another boot name nothing. 0 or -errno. */
int pm_proc_boot_id(char ret[37]);

/* Wait (poll on the pidfd, no sleep-polling; EINTR resumes with the time left) up to
 * timeout_ms (< 0: forever) for fd's process to exit. 1: it exited, 0: timed out, -errno. */
int pm_pidfd_wait(int fd, int timeout_ms);

/* ---- /proc/PID/status --------------------------------------------------------------------- */

/* Which fields of struct pm_proc_status the text had (and parsed). */
enum {
	PM_PROC_HAVE_SIGCGT = 1 << 0,
	PM_PROC_HAVE_SIGIGN = 1 << 1,
	PM_PROC_HAVE_SIGBLK = 1 << 2,
	PM_PROC_HAVE_NSPID = 1 << 3,
	PM_PROC_HAVE_UID = 1 << 4,
	PM_PROC_HAVE_GID = 1 << 5,
};

/* The fields of /proc/PID/status pm reads. Signal masks: bit N-1 is signal N. */
struct pm_proc_status {
	unsigned have; /* PM_PROC_HAVE_* */
	unsigned long long sig_cgt, sig_ign, sig_blk;
	long nspid;	   /* the last NSpid field: the pid in the innermost pid namespace */
	unsigned uid, gid; /* the real ids (first field of Uid:, Gid:) */
};

/* Parse the text of a /proc/PID/status file: the fields found are set and flagged in have
 * (a field missing or garbled is left 0 and not flagged). 0, or -EINVAL when text is NULL.
 * Pure. */
int pm_proc_status_parse(const char *text, struct pm_proc_status *ret);

/* Read and parse /proc/PID/status: 0, or -ESRCH when it cannot be read. */
int pm_proc_status_read(pid_t pid, struct pm_proc_status *ret);

/* Does the process act on sig: *ret_caught when it has a handler or blocks it (a blocked
 * signal is queued whatever its handler: signalfd users, pm's --init), *ret_ignored when it
 * ignores it and does not block it. -EINVAL when s lacks SigCgt or SigIgn (SigBlk missing:
 * not blocked). Pure. */
int pm_proc_status_sig(const struct pm_proc_status *s, int sig, bool *ret_caught,
		       bool *ret_ignored);

/* ---- /proc/PID/cgroup --------------------------------------------------------------------- */

/* The cgroup v2 path of the text of a /proc/PID/cgroup file (its "0::PATH" line): malloc'd
 * PATH, or NULL when there is none (or text is NULL, or out of memory). Pure. */
char *pm_proc_cgroup_parse(const char *text);

/* Read /proc/PID/cgroup (pid 0: /proc/self/cgroup) and return its v2 path as above; NULL
 * when it cannot be read or has none. */
char *pm_proc_cgroup_read(pid_t pid);

/* ---- /proc/PID/cmdline, /proc/PID/fd/N ---------------------------------------------------- */

/* Read /proc/PID/cmdline: malloc'd, the arguments each ended by a NUL as the kernel gives
 * them (plus one NUL after the last byte), at most 64 KiB, their length in *ret_len (may be
 * NULL); NULL when it cannot be read (gone, pid <= 0). A kernel thread's is empty (len 0). */
char *pm_proc_cmdline_read(pid_t pid, size_t *ret_len);

/* The target of the link /proc/PID/fd/FD ("/some/dir", "/some/dir (deleted)",
 * "socket:[1234]"), malloc'd; NULL when pid is gone, fd is not open or the link may not be
 * read (another user's process). */
char *pm_proc_fd_link(pid_t pid, int fd);

/* The inode of namespace ns ("net", "pid", "mnt", ...) of PID, from the link
 * /proc/PID/ns/NS ("net:[4026532244]"); 0 when it cannot be read (gone, another user's). */
unsigned long long pm_proc_ns_inode(pid_t pid, const char *ns);
/* /proc/PID/ns/NS opened (O_RDONLY, O_CLOEXEC): the fd, which keeps the namespace alive, or
 * -errno. */
int pm_proc_ns_open(pid_t pid, const char *ns);
