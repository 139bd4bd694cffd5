/* pm-pause.c: the pod infra's pause program, the PID 1 of a pod's infra container. The
 * engine bind-mounts it at /pause in an otherwise empty rootfs and the runtime execs it
 * like any container command (its comm is then "pause", as podman's infra shows).
 *
 * It holds the pod's namespaces open and, as the init of a pod's shared pid namespace, reaps
 * the orphans of its members. All signals blocked, then one loop on rt_sigtimedwait (no
 * handlers: a blocked signal reaches a pid namespace's init even when sent from inside it,
 * as tini and catatonit rely on): SIGCHLD reaps every child that has exited, SIGTERM and
 * SIGINT exit 0, any other signal is ignored. No arguments, no output.
 *
 * Freestanding: no libc at all (built -nostdlib -static -ffreestanding, see the Makefile),
 * raw system calls, so a pod's infra costs a few pages. Not part of libmonitor.a; calls
 * nothing of pm. The architecture part is the block below: _start and one system call. */
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/signal.h>
#include <linux/wait.h>

/* ---- architecture: _start calls pause_main() with an aligned stack; sys() is syscall(2) */
#if defined(__x86_64__)
__asm__(".text\n"
	".globl _start\n"
	".type _start, @function\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call pause_main\n"
	"	hlt\n");

static long sys(long n, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
__asm__(".text\n"
	".globl _start\n"
	".type _start, %function\n"
	"_start:\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	bl pause_main\n"
	"	brk #0\n");

static long sys(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}
#else
/* cppcheck knows no compiler's predefined macros: it checks both branches above, and
 * would stop here */
// cppcheck-suppress preprocessorErrorDirective
#error "pm-pause: no _start and system call for this architecture (monitor/pm-pause.c)"
#endif

/* ---- the program ------------------------------------------------------------------------ */

/* The kernel's sigset_t: _NSIG (64) bits on x86_64 and aarch64. */
#define KERNEL_SIGSET_SIZE 8

static void __attribute__((noreturn)) quit(int status)
{
	for (;;)
		sys(__NR_exit_group, status, 0, 0, 0);
}

/* Reap every child that has exited, clone children too (__WALL): a member's orphans. */
static void reap(void)
{
	while (sys(__NR_wait4, -1, 0, WNOHANG | __WALL, 0) > 0)
		;
}

/* Called by _start; never returns. Exits 0 on SIGTERM or SIGINT, 1 when the kernel refuses
 * the signal mask (cannot happen unless this file is wrong for the architecture). */
__attribute__((used, noreturn)) void pause_main(void);
__attribute__((used, noreturn)) void pause_main(void)
{
	/* SIGKILL and SIGSTOP cannot be blocked nor waited for: the kernel drops them here */
	unsigned long all = ~0UL;
	if (sys(__NR_rt_sigprocmask, SIG_BLOCK, (long)&all, 0, KERNEL_SIGSET_SIZE) < 0)
		quit(1);
	/* a child that ended before the mask was set sent a SIGCHLD nobody waited for */
	reap();
	for (;;) {
		long sig = sys(__NR_rt_sigtimedwait, (long)&all, 0, 0, KERNEL_SIGSET_SIZE);
		if (sig == SIGCHLD)
			reap();
		else if (sig == SIGTERM || sig == SIGINT)
			quit(0);
		else if (sig < 0 && sig != -EINTR)
			quit(1);
	}
}
