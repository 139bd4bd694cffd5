/* config-json.c: struct pm_container_config <-> JSON (see config-json.h). One table lists
 * every field once, so the two directions cannot drift. Never prints. Called by engine/run.c. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "engine/config-json.h"
#include "lib/json.h"
#include "lib/strutil.h"

enum kind { K_STR, K_STRV, K_BOOL, K_U64, K_I64, K_DBL };

static const struct field {
	const char *key;
	enum kind kind;
	size_t off;
} fields[] = {
#define F(k, kind, m)                                                                              \
	{                                                                                          \
		k, kind, offsetof(struct pm_container_config, m)                                   \
	}
	F("Name", K_STR, name),
	F("Rm", K_BOOL, rm),
	F("Env", K_STRV, env),
	F("EnvFiles", K_STRV, env_files),
	F("Unsetenv", K_STRV, unsetenv),
	F("EnvMerge", K_STRV, env_merge),
	F("UnsetenvAll", K_BOOL, unsetenv_all),
	F("Entrypoint", K_STR, entrypoint),
	F("EntrypointSet", K_BOOL, entrypoint_set),
	F("WorkingDir", K_STR, workdir),
	F("User", K_STR, user),
	F("GroupAdd", K_STRV, group_add),
	F("Hostname", K_STR, hostname),
	F("Labels", K_STRV, labels),
	F("Annotations", K_STRV, annotations),
	F("Volumes", K_STRV, volumes),
	F("Mounts", K_STRV, mounts),
	F("Tmpfs", K_STRV, tmpfs),
	F("AnonVolumes", K_STRV, anon_volumes),
	F("Secrets", K_STRV, secrets),
	F("SecretIds", K_STRV, secret_ids),
	F("ReadOnly", K_BOOL, read_only),
	F("ReadOnlyTmpfs", K_BOOL, read_only_tmpfs),
	F("ShmSize", K_U64, shm_size),
	F("Umask", K_STR, umask),
	F("Interactive", K_BOOL, interactive),
	F("Tty", K_BOOL, tty),
	F("Init", K_BOOL, init),
	F("Userns", K_STR, userns),
	F("CapAdd", K_STRV, cap_add),
	F("CapDrop", K_STRV, cap_drop),
	F("Privileged", K_BOOL, privileged),
	F("Seccomp", K_STR, seccomp),
	F("NoNewPrivileges", K_BOOL, no_new_privs),
	F("PidMode", K_STR, pid),
	F("IpcMode", K_STR, ipc),
	F("UtsMode", K_STR, uts),
	F("NetworkMode", K_STR, network),
	F("Memory", K_U64, memory),
	F("Cpus", K_DBL, cpus),
	F("PidsLimit", K_I64, pids_limit),
	F("PidsLimitSet", K_BOOL, pids_limit_set),
	F("MemorySwap", K_I64, memory_swap),
	F("MemoryReservation", K_U64, memory_reservation),
	F("CpuQuota", K_I64, cpu_quota),
	F("CpuPeriod", K_U64, cpu_period),
	F("CpuShares", K_U64, cpu_shares),
	F("CpusetCpus", K_STR, cpuset_cpus),
	F("CpusetMems", K_STR, cpuset_mems),
	F("BlkioWeight", K_U64, blkio_weight),
	F("Cgroups", K_STR, cgroups),
	F("CgroupManager", K_STR, cgroup_manager),
	F("PodMemory", K_U64, pod_memory),
	F("PodCpus", K_DBL, pod_cpus),
	F("Rootfs", K_STR, rootfs),
	F("Image", K_STR, image),
	F("Command", K_STRV, command),
	F("Restart", K_STR, restart),
	F("StopSignal", K_STR, stop_signal),
	F("StopTimeout", K_I64, stop_timeout),
	F("StopTimeoutSet", K_BOOL, stop_timeout_set),
	F("LogMaxSize", K_U64, log_max_size),
	F("LogDriver", K_STR, log_driver),
	F("Publish", K_STRV, publish),
	F("PublishAll", K_BOOL, publish_all),
	F("Dns", K_STRV, dns),
	F("DnsSearch", K_STRV, dns_search),
	F("DnsOptions", K_STRV, dns_options),
	F("AddHost", K_STRV, add_hosts),
	F("NoHosts", K_BOOL, no_hosts),
	F("Pod", K_STR, pod),
	F("Infra", K_BOOL, infra),
	F("CgroupParent", K_STR, cgroup_parent),
	F("HealthTest", K_STRV, health.test),
	F("HealthInterval", K_I64, health.interval),
	F("HealthTimeout", K_I64, health.timeout),
	F("HealthStartPeriod", K_I64, health.start_period),
	F("HealthRetries", K_I64, health.retries),
	F("HealthOnFailure", K_STR, health.on_failure),
	F("StartupHealthTest", K_STRV, startup_health.test),
	F("StartupHealthInterval", K_I64, startup_health.interval),
	F("StartupHealthTimeout", K_I64, startup_health.timeout),
	F("StartupHealthRetries", K_I64, startup_health.retries),
	F("StartupHealthSuccesses", K_I64, startup_health.successes),
	F("SdNotifyMode", K_STR, sdnotify),
	F("Systemd", K_STR, systemd),
	F("SystemdMode", K_BOOL, systemd_mode),
	F("CreateCommand", K_STRV, create_command),
	F("TimeOffset", K_STR, time_offset),
	F("Ulimits", K_STRV, ulimits),
	F("Sysctls", K_STRV, sysctls),
	F("Devices", K_STRV, devices),
	F("Expose", K_STRV, expose),
	F("VolumesFrom", K_STRV, volumes_from),
	F("Timezone", K_STR, tz),
	F("Timeout", K_U64, timeout),
	F("Attach", K_STRV, attach),
	F("HostUsers", K_STRV, hostusers),
	F("UidMap", K_STRV, uidmap),
	F("GidMap", K_STRV, gidmap),
	F("MemorySwappiness", K_I64, memory_swappiness),
	F("MemorySwappinessSet", K_BOOL, memory_swappiness_set),
	F("CgroupnsMode", K_STR, cgroupns),
	F("CgroupConf", K_STRV, cgroup_conf),
	F("DeviceReadBps", K_STRV, device_read_bps),
	F("DeviceWriteBps", K_STRV, device_write_bps),
	F("DeviceReadIOps", K_STRV, device_read_iops),
	F("DeviceWriteIOps", K_STRV, device_write_iops),
	F("BlkioWeightDevice", K_STRV, blkio_weight_device),
	F("DeviceCgroupRules", K_STRV, device_cgroup_rules),
	F("StaticIP", K_STR, ip),
	F("StaticIP6", K_STR, ip6),
	F("StaticMAC", K_STR, mac_address),
	F("NetworkAliases", K_STRV, network_aliases),
	F("ExtraNetworks", K_STRV, extra_networks),
	F("PidFile", K_STR, pidfile),
	F("ConmonPidFile", K_STR, conmon_pidfile),
	F("Requires", K_STRV, requires),
	F("NoPasswd", K_BOOL, no_passwd),
	F("PasswdEntry", K_STR, passwd_entry),
	F("InitPath", K_STR, init_path),
	F("Personality", K_STR, personality),
	F("OomScoreAdj", K_I64, oom_score_adj),
	F("OomScoreAdjSet", K_BOOL, oom_score_adj_set),
	F("ChrootDirs", K_STRV, chrootdirs),
	F("SubUidName", K_STR, subuidname),
	F("SubGidName", K_STR, subgidname),
	F("SeccompPolicy", K_STR, seccomp_policy),
	F("SeccompImageProfile", K_STR, seccomp_image_profile),
#undef F
};

char *pm_config_to_json(const struct pm_container_config *c)
{
	_cleanup_json_ json_t *j = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const void *p = (const char *)c + fields[i].off;
		json_t *v = NULL;
		switch (fields[i].kind) {
		case K_STR:
			v = *(char *const *)p ? json_string(*(char *const *)p) : NULL;
			break;
		case K_STRV:
			v = *(char **const *)p ? pm_json_from_strv(*(char **const *)p) : NULL;
			break;
		case K_BOOL:
			v = json_boolean(*(const bool *)p);
			break;
		case K_U64:
			v = json_integer((json_int_t) * (const uint64_t *)p);
			break;
		case K_I64:
			v = json_integer((json_int_t) * (const int64_t *)p);
			break;
		case K_DBL:
			v = json_real(*(const double *)p);
			break;
		}
		if (v)
			json_object_set_new(j, fields[i].key, v);
	}
	return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int pm_config_from_json(const char *json, struct pm_container_config *ret, pm_error **err)
{
	json_error_t je;
	_cleanup_json_ json_t *j = json_loads(json, 0, &je);
	if (!json_is_object(j))
		return pm_error_set(err, EINVAL, "container configuration: %s",
				    j ? "not an object" : je.text);
	struct pm_container_config c = {0};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		void *p = (char *)&c + fields[i].off;
		json_t *v = json_object_get(j, fields[i].key);
		if (!v)
			continue;
		switch (fields[i].kind) {
		case K_STR:
			if (json_is_string(v))
				*(char **)p = pm_xstrdup(json_string_value(v));
			break;
		case K_STRV:
			if (json_is_array(v))
				*(char ***)p = pm_json_to_strv(v);
			break;
		case K_BOOL:
			*(bool *)p = json_is_true(v);
			break;
		case K_U64:
			*(uint64_t *)p = (uint64_t)json_integer_value(v);
			break;
		case K_I64:
			*(int64_t *)p = (int64_t)json_integer_value(v);
			break;
		case K_DBL:
			*(double *)p = json_number_value(v);
			break;
		}
	}
	*ret = c;
	return 0;
}
