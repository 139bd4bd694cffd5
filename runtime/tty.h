/* tty.h: the user's terminal, parent side of a foreground exec (and raw mode for the
 * monitor and attach, engine/monitor.c): raw mode, window size, signal forwarding and the
 * relay between the terminal and the container's pty master (which the child made:
 * runtime/pty.h), as crun + conmon do. */
#pragma once

#include <signal.h>

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

/* Parent: raw mode on fd (saving the old settings); false when fd is not a terminal. */
bool pm_tty_make_raw(int fd, struct termios *saved);
void pm_tty_restore(int fd, const struct termios *saved);

/* Copy the window size of terminal `from` to the pty master `to` (no-op when from is not a
 * terminal). */
void pm_tty_copy_winsize(int from, int to);

/* Move what is readable on in to out. Returns bytes moved, 0 at EOF, -errno (-EAGAIN when
 * nothing was ready). */
ssize_t pm_tty_pump(int in, int out);

/* Block the signals a foreground exec forwards (INT TERM HUP QUIT USR1 USR2 WINCH),
 * saving the old mask in *old, and return a signalfd for them (-1 with errno on failure;
 * the mask stays blocked: restore it with sigprocmask(SIG_SETMASK, old, NULL)). */
int pm_tty_forward_signals(sigset_t *old);

/* The foreground relay of exec (runtime/exec.c): forward each signal read from sigfd (a
 * signalfd) to pidfd's process (SIGWINCH instead copies the terminal's size to master),
 * copy master <-> the terminal (stdin only when stdin_open) when master >= 0, and return
 * once the process has exited and what it wrote is drained. what names it in debug logs. */
void pm_tty_relay(int pidfd, int sigfd, int master, bool stdin_open, const char *what);
