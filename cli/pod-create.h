/* pod-create.h: pod create's flags, shared with pod clone (cli/cmd-pod-clone.c): the option
 * table and the parser of one flag into a struct pm_pod_config. */
#pragma once

#include <getopt.h>
#include <stdbool.h>

#include "pods/pod.h"

/* pod create's options (getopt_long), {NULL}-terminated; short options "c:l:m:n:p:v:" */
extern const struct option pm_cli_pod_create_opts[];

/* what a flag sets beside the config */
struct pm_cli_pod_create_flags {
	bool replace, share_set;
	const char *id_file;
	char **file_labels; /* --label-file's labels, before --label's (owned) */
};
void pm_cli_pod_create_flags_clear(struct pm_cli_pod_create_flags *f);

/* One flag (opt: its value in pm_cli_pod_create_opts, or 'c', 'l', 'm', 'n', 'p', 'v') into
 * cfg or f: 0, or the exit status after printing the error. */
int pm_cli_pod_create_flag(struct pm_pod_config *cfg, struct pm_cli_pod_create_flags *f, int opt,
			   const char *arg);

/* --label-file's labels, then --label's, which win over a file's with the same key */
char **pm_cli_pod_merge_labels(char **from_files, char **flags);
