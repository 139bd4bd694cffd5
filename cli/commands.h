/* commands.h: one entry point per command, int cmd_NAME(struct pm_cli *, int argc, char **argv)
 * returning the exit status. argv[0] is the command name. */
#pragma once

#include "cli/cli.h"

int cmd_help(struct pm_cli *cli, int argc, char **argv);
int cmd_info(struct pm_cli *cli, int argc, char **argv);
/* images (storage helper): cli/cmd-image*.c, cmd-tag.c, cmd-rmi.c, cmd-save.c, cmd-load.c */
int cmd_history(struct pm_cli *cli, int argc, char **argv);
int cmd_image_exists(struct pm_cli *cli, int argc, char **argv);
int cmd_image_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_image_prune(struct pm_cli *cli, int argc, char **argv);
int cmd_images(struct pm_cli *cli, int argc, char **argv);
int cmd_import(struct pm_cli *cli, int argc, char **argv);
int cmd_load(struct pm_cli *cli, int argc, char **argv);
int cmd_rmi(struct pm_cli *cli, int argc, char **argv);
int cmd_save(struct pm_cli *cli, int argc, char **argv);
int cmd_tag(struct pm_cli *cli, int argc, char **argv);
int cmd_untag(struct pm_cli *cli, int argc, char **argv);
extern const struct pm_command pm_image_commands[];
int cmd_run(struct pm_cli *cli, int argc, char **argv);
int cmd_system_migrate(struct pm_cli *cli, int argc, char **argv);
int cmd_unshare(struct pm_cli *cli, int argc, char **argv);
int cmd_version(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_create(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_exists(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_ls(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_prune(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_rm(struct pm_cli *cli, int argc, char **argv);
