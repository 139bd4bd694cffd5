/* commands.h: one entry point per command, int cmd_NAME(struct pm_cli *, int argc, char **argv)
 * returning the exit status. argv[0] is the command name. */
#pragma once

#include "cli/cli.h"

int cmd_events(struct pm_cli *cli, int argc, char **argv); /* cmd-events.c */
int cmd_init(struct pm_cli *cli, int argc, char **argv);   /* cmd-init.c */
int cmd_exec(struct pm_cli *cli, int argc, char **argv);
int cmd_healthcheck_run(struct pm_cli *cli, int argc, char **argv);
int cmd_doctor(struct pm_cli *cli, int argc, char **argv);
int cmd_completion(struct pm_cli *cli, int argc, char **argv); /* cmd-completion.c */
int cmd___complete(struct pm_cli *cli, int argc, char **argv);
int cmd_help(struct pm_cli *cli, int argc, char **argv);
int cmd_info(struct pm_cli *cli, int argc, char **argv);
int cmd_login(struct pm_cli *cli, int argc, char **argv);  /* cmd-login.c (registry client) */
int cmd_logout(struct pm_cli *cli, int argc, char **argv); /* cmd-logout.c */
/* images (storage helper): cli/cmd-image*.c, cmd-tag.c, cmd-rmi.c, cmd-save.c, cmd-load.c */
int cmd_history(struct pm_cli *cli, int argc, char **argv);
int cmd_image_exists(struct pm_cli *cli, int argc, char **argv);
int cmd_image_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_image_prune(struct pm_cli *cli, int argc, char **argv);
int cmd_images(struct pm_cli *cli, int argc, char **argv);
int cmd_import(struct pm_cli *cli, int argc, char **argv);
int cmd_load(struct pm_cli *cli, int argc, char **argv);
int cmd_pull(struct pm_cli *cli, int argc, char **argv);
int cmd_push(struct pm_cli *cli, int argc, char **argv);
int cmd_image_sign(struct pm_cli *cli, int argc, char **argv);
int cmd_rmi(struct pm_cli *cli, int argc, char **argv);
int cmd_save(struct pm_cli *cli, int argc, char **argv);
int cmd_tag(struct pm_cli *cli, int argc, char **argv);
int cmd_untag(struct pm_cli *cli, int argc, char **argv);
extern const struct pm_command pm_image_commands[];
int cmd_run(struct pm_cli *cli, int argc, char **argv);
/* manifest lists: cli/cmd-manifest.c; search: cli/cmd-search.c */
int cmd_manifest_add(struct pm_cli *cli, int argc, char **argv);
int cmd_manifest_annotate(struct pm_cli *cli, int argc, char **argv);
int cmd_manifest_create(struct pm_cli *cli, int argc, char **argv);
int cmd_manifest_exists(struct pm_cli *cli, int argc, char **argv);
int cmd_manifest_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_manifest_push(struct pm_cli *cli, int argc, char **argv);
int cmd_manifest_remove(struct pm_cli *cli, int argc, char **argv);
int cmd_manifest_rm(struct pm_cli *cli, int argc, char **argv);
int cmd_search(struct pm_cli *cli, int argc, char **argv);
/* lifecycle (monitor helper): cli/cmd-create.c, cmd-start.c, cmd-stop.c, cmd-kill.c,
 * cmd-restart.c, cmd-wait.c, cmd-rm.c, cmd-attach.c */
int cmd_attach(struct pm_cli *cli, int argc, char **argv);
int cmd_auto_update(struct pm_cli *cli, int argc, char **argv); /* cmd-auto-update.c */
int cmd_create(struct pm_cli *cli, int argc, char **argv);
int cmd_kill(struct pm_cli *cli, int argc, char **argv);
int cmd_restart(struct pm_cli *cli, int argc, char **argv);
int cmd_rm(struct pm_cli *cli, int argc, char **argv);
int cmd_start(struct pm_cli *cli, int argc, char **argv);
int cmd_stop(struct pm_cli *cli, int argc, char **argv);
int cmd_wait(struct pm_cli *cli, int argc, char **argv);
int cmd_port(struct pm_cli *cli, int argc, char **argv); /* cmd-port.c (networking) */
int cmd_system_migrate(struct pm_cli *cli, int argc, char **argv);
int cmd_system_renumber(struct pm_cli *cli, int argc, char **argv);
int cmd_system_prune(struct pm_cli *cli, int argc, char **argv); /* cmd-system-prune.c */
int cmd_system_reset(struct pm_cli *cli, int argc, char **argv);
int cmd_system_df(struct pm_cli *cli, int argc, char **argv); /* cmd-system-df.c */
int cmd_unshare(struct pm_cli *cli, int argc, char **argv);
int cmd_version(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_create(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_exists(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_logs(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_stats(struct pm_cli *cli, int argc, char **argv);
int cmd_stats(struct pm_cli *cli, int argc, char **argv);
int cmd_play_kube(struct pm_cli *cli, int argc, char **argv);
int cmd_kube_down(struct pm_cli *cli, int argc, char **argv);
int cmd_generate_kube(struct pm_cli *cli, int argc, char **argv);
int cmd_generate_systemd(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_top(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_kill(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_pause(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_prune(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_ps(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_restart(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_rm(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_start(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_stop(struct pm_cli *cli, int argc, char **argv);
int cmd_pod_unpause(struct pm_cli *cli, int argc, char **argv);
int cmd_secret_create(struct pm_cli *cli, int argc, char **argv);
int cmd_secret_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_secret_ls(struct pm_cli *cli, int argc, char **argv);
int cmd_secret_rm(struct pm_cli *cli, int argc, char **argv);
int cmd_network_connect(struct pm_cli *cli, int argc, char **argv);
int cmd_network_create(struct pm_cli *cli, int argc, char **argv);
int cmd_network_disconnect(struct pm_cli *cli, int argc, char **argv);
int cmd_network_exists(struct pm_cli *cli, int argc, char **argv);
int cmd_network_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_network_ls(struct pm_cli *cli, int argc, char **argv);
int cmd_network_prune(struct pm_cli *cli, int argc, char **argv);
int cmd_network_reload(struct pm_cli *cli, int argc, char **argv);
int cmd_network_rm(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_create(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_exists(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_export(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_import(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_ls(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_prune(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_rm(struct pm_cli *cli, int argc, char **argv);
int cmd_volume_mount(struct pm_cli *cli, int argc, char **argv);   /* cmd-volume-mount.c */
int cmd_volume_unmount(struct pm_cli *cli, int argc, char **argv); /* cmd-volume-mount.c */
int cmd_volume_reload(struct pm_cli *cli, int argc, char **argv);
/* container views (views helper): cli/cmd-ps.c, cmd-inspect.c, cmd-logs.c, cmd-rename.c,
 * cmd-container.c (the `container` table), cmd-top.c, cmd-cp.c, cmd-pause.c, cmd-mount.c,
 * cmd-commit.c, cmd-diff.c, cmd-export.c */
int cmd_build(struct pm_cli *cli, int argc, char **argv);
int cmd_commit(struct pm_cli *cli, int argc, char **argv);
int cmd_container_exists(struct pm_cli *cli, int argc, char **argv);
int cmd_container_cleanup(struct pm_cli *cli, int argc, char **argv);
int cmd_cp(struct pm_cli *cli, int argc, char **argv);
int cmd_container_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_container_prune(struct pm_cli *cli, int argc, char **argv);
int cmd_diff(struct pm_cli *cli, int argc, char **argv);
int cmd_container_diff(struct pm_cli *cli, int argc, char **argv);
int cmd_image_diff(struct pm_cli *cli, int argc, char **argv);
int cmd_export(struct pm_cli *cli, int argc, char **argv);
int cmd_inspect(struct pm_cli *cli, int argc, char **argv);
int cmd_logs(struct pm_cli *cli, int argc, char **argv);
int cmd_mount(struct pm_cli *cli, int argc, char **argv);
int cmd_pause(struct pm_cli *cli, int argc, char **argv);
int cmd_ps(struct pm_cli *cli, int argc, char **argv);
int cmd_rename(struct pm_cli *cli, int argc, char **argv);
int cmd_container_clone(struct pm_cli *cli, int argc, char **argv);
int cmd_image_mount(struct pm_cli *cli, int argc, char **argv);
int cmd_image_unmount(struct pm_cli *cli, int argc, char **argv);
/* cli/cmd-update.c (limits helper) */
int cmd_update(struct pm_cli *cli, int argc, char **argv);
int cmd_top(struct pm_cli *cli, int argc, char **argv);
int cmd_unmount(struct pm_cli *cli, int argc, char **argv);
int cmd_unpause(struct pm_cli *cli, int argc, char **argv);
extern const struct pm_command pm_container_commands[];
/* cli/cmd-refuse.c: podman's commands pm does not do, refused with their flags and --help */
int cmd_refused(struct pm_cli *cli, int argc, char **argv);
int cmd_container_runlabel(struct pm_cli *cli, int argc, char **argv); /* cmd-runlabel.c */
int cmd_pod_clone(struct pm_cli *cli, int argc, char **argv);	       /* cmd-pod-clone.c */
int cmd_image_tree(struct pm_cli *cli, int argc, char **argv);	       /* cmd-image-tree.c */
/* cli/cmd-image-trust.c: `image trust show|set` */
int cmd_image_trust_show(struct pm_cli *cli, int argc, char **argv);
int cmd_image_trust_set(struct pm_cli *cli, int argc, char **argv);
extern const struct pm_command pm_image_trust_commands[];
int cmd_generate_spec(struct pm_cli *cli, int argc, char **argv); /* cmd-generate-spec.c */
