/* cli.h: the command-line frame shared by every command file (cli/cmd-*.c).
 * Only cli/ prints for the user: errors as one line "Error: <msg>" on stderr. */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/error.h"
#include "lib/paths.h"

struct pm_cli {
	const char *root_opt;	    /* --root */
	const char *runroot_opt;    /* --runroot */
	const char *storage_driver; /* --storage-driver */
	struct pm_paths paths;	    /* resolved before the command runs */
	const char *cmdpath;	    /* "pm image ls": for help and error hints */
	char **argv;		    /* the process's command line (podman's CreateCommand) */
	FILE *flag_list; /* set by `pm __complete`: pm_cli_getopt lists the flags here, runs nothing
			  */
};

enum {
	PM_CMD_USERNS = 1 << 0, /* join (or create) the rootless user namespace first */
	PM_CMD_HIDDEN = 1 << 1, /* not listed in help */
};

struct pm_command {
	const char *name;
	int (*run)(struct pm_cli *cli, int argc, char **argv); /* returns the exit status */
	unsigned flags;
	const char *summary;
	const struct pm_command *subcommands; /* NULL-name terminated, or NULL */
};

/* The top-level table (cli/commands.c). */
extern const struct pm_command pm_commands[];

/* pm's global flags, before the command (cli/commands.c): parsed by main, offered by
 * completion. Sorted by name; {NULL}-terminated. */
extern const struct option pm_global_options[];

/* THE printer of pm's errors: "Error: <msg>" on stderr, msg's control characters escaped
 * as Go's %q writes them (pm_str_escape_controls: user input never writes raw ESC or
 * newlines to the terminal). */
void pm_cli_print_error(const char *msg);
/* podman's second line after a flag it cannot parse: "See 'pm CMD --help'" (the command
 * pm_cli_getopt parses for; pm_cli_print_error adds it to pflag's "invalid argument" words) */
void pm_cli_print_see_help(void);
/* Print "Error: <msg>" and return its exit status (125/126/127). Frees nothing. */
int pm_cli_error(const pm_error *err);
/* Print "Error: <formatted>" and return 125. */
int pm_cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* getopt_long wrapper: resets getopt state, handles unknown flags and missing arguments
 * the podman way ("Error: unknown flag: --x\nSee 'pm run --help'") and --help/-h.
 * Call in a loop like getopt_long; returns the option, -1 at the end, or
 * PM_OPT_EXIT with *ret_status set (0 after --help, 125 on a bad flag).
 * usage: the full help text printed for --help.
 * With cli->flag_list set it writes the command's flags there instead, one a line, "--name"
 * or "-c", with a trailing "=" when the flag takes a value, and returns PM_OPT_EXIT with
 * status 0 (shell completion reads the same tables the command parses with). */
#define PM_OPT_EXIT (-1000)
struct pm_opt_state {
	bool started;
	int status;
};
int pm_cli_getopt(struct pm_cli *cli, struct pm_opt_state *st, int argc, char **argv,
		  const char *shortopts, const struct option *longopts, const char *usage);

/* Where an export writes: -o FILE (made as FILE.tmp-XXXXXX and renamed at
 * pm_cli_output_done, so it appears whole or not at all) or stdout, which must not be a
 * terminal (tty_msg: the command's podman words; a file that cannot be made is said in
 * export's or, volume_words, volume export's words). pm_cli_output_open returns 0 or the exit
 * status it printed; an output not done is removed by pm_cli_output_abort
 * (_cleanup_cli_output_). */
struct pm_cli_output {
	const char *path; /* NULL: stdout */
	char *tmp;
	int fd;
};
int pm_cli_output_open(struct pm_cli_output *o, const char *path, const char *tty_msg,
		       bool volume_words);
int pm_cli_output_done(struct pm_cli_output *o);
void pm_cli_output_abort(struct pm_cli_output *o);
#define _cleanup_cli_output_ _cleanup_(pm_cli_output_abort)

/* Print a command's usage (for --help). */
void pm_cli_usage(struct pm_cli *cli, const char *usage);

/* A boolean flag's value as pflag takes it (Go's strconv.ParseBool: 1 t T TRUE true True,
 * 0 f F FALSE false False; NULL, the bare flag, is true). A bad one is podman's "invalid
 * argument" error naming flag ("all" is "--all"; one starting with '-' as given, e.g.
 * "-s, --squash"). 0, or the exit status after printing. */
int pm_cli_bool_arg(const char *flag, const char *arg, bool *ret);
/* The answer to a "[y/N]" prompt already printed: stdout flushed, one line read from
 * stdin. true for an answer starting y or Y; else false with *status the command's exit
 * status: 0 for any other line, 125 at end of input after podman's "Error: EOF". */
bool pm_cli_confirm(int *status);

/* Require between min and max positional args (max < 0: unlimited); prints cobra's errors
 * as podman does ("Error: requires at least 2 arg(s), only received 1", "Error: accepts 1
 * arg(s), received 0", "Error: `pm info` takes no arguments") and returns false. */
bool pm_cli_nargs(struct pm_cli *cli, int nargs, int min, int max);

/* The options of a command that takes only -f/--format and no argument (version, info,
 * doctor): true with *ret_format (NULL when not given), or false with *ret_status, the
 * command's exit status (0 after --help, 125 for a bad flag or an argument). */
bool pm_cli_parse_format_only(struct pm_cli *cli, int argc, char **argv, const char *usage,
			      const char **ret_format, int *ret_status);

/* Join the rootless user namespace (no-op when real root or already inside). */
int pm_cli_enter_userns(struct pm_cli *cli, pm_error **err);
