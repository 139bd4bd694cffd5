/* commands.c: the command table. One line per command; the code lives in cli/cmd-*.c.
 * Keep the table sorted by name, as podman's help lists them. */
#include "cli/cli.h"
#include "cli/commands.h"

static const struct pm_command buildx_commands[] = {
	{"build", cmd_build, PM_CMD_USERNS, "Build an image using instructions from Containerfiles",
	 NULL},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct pm_command system_commands[] = {
	{"df", cmd_system_df, PM_CMD_USERNS, "Show pm disk usage", NULL},
	{"events", cmd_events, 0, "Show pm events", NULL},
	{"info", cmd_info, 0, "Display pm related system information", NULL},
	{"migrate", cmd_system_migrate, 0,
	 "Migrate containers (ends the pause process so changed subordinate ids apply)", NULL},
	{"prune", cmd_system_prune, PM_CMD_USERNS, "Remove unused data", NULL},
	{"reset", cmd_system_reset, PM_CMD_USERNS, "Reset pm storage", NULL},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct pm_command generate_commands[] = {
	{"kube", cmd_generate_kube, 0, "Generate Kubernetes YAML from containers or pods", NULL},
	{"systemd", cmd_generate_systemd, 0, "Generate systemd units", NULL},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct pm_command kube_commands[] = {
	{"down", cmd_kube_down, PM_CMD_USERNS, "Remove pods based on Kubernetes YAML", NULL},
	{"generate", cmd_generate_kube, 0, "Generate Kubernetes YAML from containers or pods",
	 NULL},
	{"play", cmd_play_kube, PM_CMD_USERNS, "Play a pod or volume based on Kubernetes YAML",
	 NULL},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct pm_command play_commands[] = {
	{"kube", cmd_play_kube, PM_CMD_USERNS, "Play a pod or volume based on Kubernetes YAML",
	 NULL},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct pm_command healthcheck_commands[] = {
	{"run", cmd_healthcheck_run, PM_CMD_USERNS, "Run the health check of a container", NULL},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct pm_command pod_commands[] = {
	{"create", cmd_pod_create, PM_CMD_USERNS, "Create a new empty pod", NULL},
	{"exists", cmd_pod_exists, 0, "Check if a pod exists in local storage", NULL},
	{"inspect", cmd_pod_inspect, 0, "Displays a pod configuration", NULL},
	{"kill", cmd_pod_kill, PM_CMD_USERNS,
	 "Send the specified signal or SIGKILL to containers in pod", NULL},
	{"list", cmd_pod_ps, PM_CMD_HIDDEN, "List pods", NULL},
	{"logs", cmd_pod_logs, 0, "Fetch logs for pod with one or more containers", NULL},
	{"ls", cmd_pod_ps, PM_CMD_HIDDEN, "List pods", NULL},
	{"pause", cmd_pod_pause, 0, "Pause one or more pods", NULL},
	{"prune", cmd_pod_prune, PM_CMD_USERNS, "Remove all stopped pods and their containers",
	 NULL},
	{"ps", cmd_pod_ps, 0, "List pods", NULL},
	{"restart", cmd_pod_restart, PM_CMD_USERNS, "Restart one or more pods", NULL},
	{"rm", cmd_pod_rm, PM_CMD_USERNS, "Remove one or more pods", NULL},
	{"start", cmd_pod_start, PM_CMD_USERNS, "Start one or more pods", NULL},
	{"stats", cmd_pod_stats, 0,
	 "Display a live stream of resource usage statistics for the containers in one or more "
	 "pods",
	 NULL},
	{"stop", cmd_pod_stop, PM_CMD_USERNS, "Stop one or more pods", NULL},
	{"top", cmd_pod_top, 0, "Display the running processes of containers in a pod", NULL},
	{"unpause", cmd_pod_unpause, 0, "Unpause one or more pods", NULL},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct pm_command secret_commands[] = {
	{"create", cmd_secret_create, 0, "Create a new secret", NULL},
	{"inspect", cmd_secret_inspect, 0, "Inspect a secret", NULL},
	{"list", cmd_secret_ls, PM_CMD_HIDDEN, "List secrets", NULL},
	{"ls", cmd_secret_ls, 0, "List secrets", NULL},
	{"rm", cmd_secret_rm, 0, "Remove one or more secrets", NULL},
	{NULL, NULL, 0, NULL, NULL},
};

static const struct pm_command volume_commands[] = {
	{"create", cmd_volume_create, PM_CMD_USERNS, "Create a new volume", NULL},
	{"exists", cmd_volume_exists, 0, "Volume exists", NULL},
	{"export", cmd_volume_export, PM_CMD_USERNS, "Export volumes", NULL},
	{"import", cmd_volume_import, PM_CMD_USERNS, "Import a tarball contents into a pm volume",
	 NULL},
	{"inspect", cmd_volume_inspect, 0, "Display detailed information on one or more volumes",
	 NULL},
	{"list", cmd_volume_ls, PM_CMD_HIDDEN, "List volumes", NULL},
	{"ls", cmd_volume_ls, 0, "List volumes", NULL},
	{"prune", cmd_volume_prune, PM_CMD_USERNS, "Remove all unused volumes", NULL},
	{"remove", cmd_volume_rm, PM_CMD_USERNS | PM_CMD_HIDDEN, "Remove one or more volumes",
	 NULL},
	{"rm", cmd_volume_rm, PM_CMD_USERNS, "Remove one or more volumes", NULL},
	{NULL, NULL, 0, NULL, NULL},
};

const struct option pm_global_options[] = {
	{"cgroup-manager", required_argument, NULL, 'C'},
	{"conmon", required_argument, NULL, 'M'},
	{"events-backend", required_argument, NULL, 'E'},
	{"help", no_argument, NULL, 'h'},
	{"hooks-dir", required_argument, NULL, 'H'},
	{"log-level", required_argument, NULL, 'L'},
	{"network-cmd-path", required_argument, NULL, 'P'},
	{"noout", no_argument, NULL, 'N'},
	{"root", required_argument, NULL, 'R'},
	{"runroot", required_argument, NULL, 'r'},
	{"runtime", required_argument, NULL, 'U'},
	{"storage-driver", required_argument, NULL, 's'},
	{"storage-opt", required_argument, NULL, 'O'},
	{"syslog", optional_argument, NULL, 'Y'},
	{"tmpdir", required_argument, NULL, 'T'},
	{"version", no_argument, NULL, 'v'},
	{"volumepath", required_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

const struct pm_command pm_commands[] = {
	{"__complete", cmd___complete, PM_CMD_HIDDEN, "Shell completion candidates", NULL},
	{"attach", cmd_attach, PM_CMD_USERNS, "Attach to a running container", NULL},
	{"build", cmd_build, PM_CMD_USERNS, "Build an image using instructions from Containerfiles",
	 NULL},
	{"buildx", NULL, PM_CMD_HIDDEN, "Build images (an alias of build)", buildx_commands},
	{"commit", cmd_commit, PM_CMD_USERNS, "Create new image based on the changed container",
	 NULL},
	{"completion", cmd_completion, 0, "Generate shell autocompletions", NULL},
	{"container", NULL, 0, "Manage containers", pm_container_commands},
	{"diff", cmd_diff, PM_CMD_USERNS, "Display the changes to the object's file system", NULL},
	{"create", cmd_create, PM_CMD_USERNS, "Create but do not start a container", NULL},
	{"cp", cmd_cp, PM_CMD_USERNS,
	 "Copy files/folders between a container and the local filesystem", NULL},
	{"doctor", cmd_doctor, 0, "Check the host for what rootless pm needs", NULL},
	{"events", cmd_events, 0, "Show pm events", NULL},
	{"exec", cmd_exec, PM_CMD_USERNS, "Run a process in a running container", NULL},
	{"export", cmd_export, PM_CMD_USERNS,
	 "Export container's filesystem contents as a tar archive", NULL},
	{"generate", NULL, 0, "Generate structured data based on containers and pods",
	 generate_commands},
	{"healthcheck", NULL, 0, "Manage health checks on containers", healthcheck_commands},
	{"help", cmd_help, 0, "Help about any command", NULL},
	{"history", cmd_history, PM_CMD_USERNS, "Show history of a specified image", NULL},
	{"image", NULL, 0, "Manage images", pm_image_commands},
	{"images", cmd_images, PM_CMD_USERNS, "List images in local storage", NULL},
	{"import", cmd_import, PM_CMD_USERNS, "Import a tarball to create a filesystem image",
	 NULL},
	{"info", cmd_info, 0, "Display pm related system information", NULL},
	{"init", cmd_init, PM_CMD_USERNS, "Initialize one or more containers", NULL},
	{"inspect", cmd_inspect, 0, "Display the configuration of object denoted by ID", NULL},
	{"kill", cmd_kill, PM_CMD_USERNS,
	 "Kill one or more running containers with a specific signal", NULL},
	{"kube", NULL, 0, "Play containers, pods or volumes from a structured file", kube_commands},
	{"load", cmd_load, PM_CMD_USERNS, "Load image(s) from a tar archive", NULL},
	{"login", cmd_login, 0, "Log in to a container registry", NULL},
	{"logout", cmd_logout, 0, "Log out of a container registry", NULL},
	{"logs", cmd_logs, 0, "Fetch the logs of one or more containers", NULL},
	{"mount", cmd_mount, PM_CMD_USERNS, "Mount a working container's root filesystem", NULL},
	{"pause", cmd_pause, 0, "Pause all the processes in one or more containers", NULL},
	{"play", NULL, 0, "Play containers, pods or volumes from a structured file", play_commands},
	{"pod", NULL, 0, "Manage pods", pod_commands},
	{"port", cmd_port, 0, "List port mappings or a specific mapping for the container", NULL},
	{"ps", cmd_ps, 0, "List containers", NULL},
	{"pull", cmd_pull, PM_CMD_USERNS, "Pull an image from a registry", NULL},
	{"push", cmd_push, PM_CMD_USERNS, "Push an image to a specified destination", NULL},
	{"rename", cmd_rename, 0, "Rename an existing container", NULL},
	{"restart", cmd_restart, PM_CMD_USERNS, "Restart one or more containers", NULL},
	{"rm", cmd_rm, PM_CMD_USERNS, "Remove one or more containers", NULL},
	{"rmi", cmd_rmi, PM_CMD_USERNS, "Remove one or more images from local storage", NULL},
	{"run", cmd_run, PM_CMD_USERNS, "Run a command in a new container", NULL},
	{"save", cmd_save, PM_CMD_USERNS, "Save image(s) to an archive", NULL},
	{"secret", NULL, 0, "Manage secrets", secret_commands},
	{"start", cmd_start, PM_CMD_USERNS, "Start one or more containers", NULL},
	{"stats", cmd_stats, 0, "Display a live stream of container resource usage statistics",
	 NULL},
	{"stop", cmd_stop, PM_CMD_USERNS, "Stop one or more containers", NULL},
	{"system", NULL, 0, "Manage pm", system_commands},
	{"tag", cmd_tag, PM_CMD_USERNS, "Add an additional name to a local image", NULL},
	{"top", cmd_top, 0, "Display the running processes of a container", NULL},
	{"umount", cmd_unmount, PM_CMD_USERNS | PM_CMD_HIDDEN,
	 "Unmount working container's root filesystem", NULL},
	{"unmount", cmd_unmount, PM_CMD_USERNS, "Unmount working container's root filesystem",
	 NULL},
	{"unpause", cmd_unpause, 0, "Unpause the processes in one or more containers", NULL},
	{"unshare", cmd_unshare, 0, "Run a command in a modified user namespace", NULL},
	{"untag", cmd_untag, PM_CMD_USERNS, "Remove a name from a local image", NULL},
	{"update", cmd_update, 0, "Update an existing container", NULL},
	{"version", cmd_version, 0, "Display the pm version information", NULL},
	{"volume", NULL, 0, "Manage volumes", volume_commands},
	{"wait", cmd_wait, PM_CMD_USERNS, "Block on one or more containers", NULL},
	{NULL, NULL, 0, NULL, NULL},
};
