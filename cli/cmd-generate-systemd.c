/* cmd-generate-systemd.c: `pm generate systemd [options] CONTAINER|POD`: systemd service units
 * (podman 4.3's), printed, as JSON (--format json) or written to the current directory
 * (--files). Without --new a unit starts and stops the existing container (Type=forking,
 * its monitor's pid file); with --new it runs a fresh one from the container's create
 * command (Type=notify: the monitor sends READY=1 once it runs, --sdnotify=conmon), the
 * contract the Quadlet generator shares. A pod gives pod-NAME.service plus one unit per
 * member, bound with BindsTo/After (members) and Wants/Before (the pod).
 *
 * The units are rendered by systemd/unit.c (pure); this file picks the commands. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd-run.h"
#include "cli/commands.h"
#include "cli/ctr-util.h"
#include "engine/config-json.h"
#include "engine/ctr-paths.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "pods/pod.h"
#include "systemd/unit.h"

static const char gen_usage[] =
	"Generate systemd units.\n"
	"\n"
	"Description:\n"
	"  Generate systemd units for a pod or container.\n"
	"  The generated units can later be controlled via systemctl(1).\n"
	"\n"
	"Usage:\n"
	"  pm generate systemd [options] {CONTAINER|POD}\n"
	"\n"
	"Options:\n"
	"      --after stringArray             Add dependencies order to the generated unit file\n"
	"      --container-prefix string       Systemd unit name prefix for containers (default "
	"\"container\")\n"
	"  -e, --env stringArray               Set environment variables to the systemd unit "
	"files\n"
	"  -f, --files                         Generate .service files instead of printing to "
	"stdout\n"
	"      --format string                 Print the created units in specified format (json)\n"
	"  -n, --name                          Use container/pod names instead of IDs\n"
	"      --new                           Create a new container or pod instead of starting "
	"an existing one\n"
	"      --no-header                     Skip header generation\n"
	"      --pod-prefix string             Systemd unit name prefix for pods (default "
	"\"pod\")\n"
	"      --requires stringArray          Similar to wants, but declares stronger requirement "
	"dependencies\n"
	"      --restart-policy string         Systemd restart-policy (default \"on-failure\")\n"
	"      --restart-sec uint              Configures the time to sleep before restarting a "
	"service (as configured with restart-policy)\n"
	"      --separator string              Systemd unit name separator between name/id and "
	"prefix (default \"-\")\n"
	"      --start-timeout uint            Start timeout override\n"
	"  -t, --stop-timeout uint             Stop timeout override (default 10)\n"
	"      --template                      Make it a template file and use %i and %I "
	"specifiers. Working only with --new\n"
	"      --wants stringArray             Add (weak) requirement dependencies to the "
	"generated unit file\n";

struct gen_opts {
	bool name, new_, files, no_header, template_;
	const char *format;
	const char *restart;
	int restart_sec, stop_timeout, start_timeout;
	const char *ctr_prefix, *pod_prefix, *sep;
	char **after, **wants, **requires, **env;
	char *self; /* pm's absolute path */
	char *date;
};

/* ---- the --new command line ------------------------------------------------------------------ */

/* run/create flags the unit sets itself: dropped from the stored command (with their value) */
static bool dropped(const char *name)
{
	static const char *const drop[] = {"detach",   "name",	  "rm",	 "replace",	"cidfile",
					   "sdnotify", "cgroups", "pod", "pod-id-file", "d"};
	for (size_t i = 0; i < ARRAY_SIZE(drop); i++)
		if (!strcmp(name, drop[i]))
			return true;
	return false;
}

static void push_esc(char ***argv, const char *arg)
{
	pm_strv_consume(argv, pm_unit_exec_escape(arg));
}

/* The global options of cmd (argv[1..] up to the command word), escaped, into *out; returns
 * the index of the command word (argc when none). */
static int copy_globals(char **cmd, char ***out)
{
	int i = 1;
	while (cmd[i] && cmd[i][0] == '-' && cmd[i][1]) {
		const char *a = cmd[i];
		push_esc(out, a);
		bool takes = false;
		if (a[1] == '-' && !strchr(a, '='))
			for (const struct option *o = pm_global_options; o->name; o++)
				if (!strcmp(a + 2, o->name))
					takes = o->has_arg == required_argument;
		i++;
		if (takes && cmd[i])
			push_esc(out, cmd[i++]);
	}
	return i;
}

/* ExecStart of a --new unit: pm [globals] run --cidfile=%t/%n.ctr-id --cgroups=split
 * --sdnotify=conmon -d --replace --rm [--pod POD] --name NAME [the create command's other
 * flags] IMAGE [ARGS]. NULL when cmd is not a run/create command line. */
static char *new_exec_start(const struct gen_opts *o, char **cmd, const char *name, const char *pod)
{
	if (!cmd || !cmd[0])
		return NULL;
	_cleanup_strv_ char **out = NULL;
	pm_strv_push(&out, o->self);
	int i = copy_globals(cmd, &out);
	if (cmd[i] && !strcmp(cmd[i], "container"))
		i++;
	if (!cmd[i] || (strcmp(cmd[i], "run") && strcmp(cmd[i], "create")))
		return NULL;
	i++;
	pm_strv_push(&out, "run");
	pm_strv_push(&out, "--cidfile=%t/%n.ctr-id");
	pm_strv_push(&out, "--cgroups=split");
	pm_strv_push(&out, "--sdnotify=conmon");
	pm_strv_push(&out, "-d");
	pm_strv_push(&out, "--replace");
	pm_strv_push(&out, "--rm");
	if (pod) {
		pm_strv_push(&out, "--pod");
		push_esc(&out, pod);
	}
	pm_strv_push(&out, "--name");
	_cleanup_free_ char *n = pm_unit_exec_escape(name);
	pm_strv_consume(&out, o->template_ ? pm_xasprintf("%s-%%i", n) : TAKE_PTR(n));
	for (; cmd[i]; i++) {
		const char *a = cmd[i];
		if (!strcmp(a, "--")) {
			push_esc(&out, a);
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break; /* the image */
		if (a[1] == '-') {
			_cleanup_free_ char *fname = pm_xstrdup(a + 2);
			char *eq = strchr(fname, '=');
			if (eq)
				*eq = 0;
			bool value = !eq && cmd_run_flag_arg(fname, 0) == required_argument;
			if (!dropped(fname)) {
				push_esc(&out, a);
				if (value && cmd[i + 1])
					push_esc(&out, cmd[i + 1]);
			}
			if (value && cmd[i + 1])
				i++;
			continue;
		}
		/* -abc: short flags, the first taking a value ends the cluster */
		_cleanup_free_ char *kept = pm_xstrdup("-");
		bool value = false;
		for (const char *p = a + 1; *p; p++) {
			int has = cmd_run_flag_arg(NULL, *p);
			if (has == required_argument) {
				char *k = pm_xasprintf("%s%s", kept, p);
				free(kept);
				kept = k;
				value = !p[1];
				break;
			}
			if (*p != 'd') {
				char *k = pm_xasprintf("%s%c", kept, *p);
				free(kept);
				kept = k;
			}
		}
		if (strcmp(kept, "-"))
			push_esc(&out, kept);
		if (value && cmd[i + 1])
			push_esc(&out, cmd[++i]);
	}
	for (; cmd[i]; i++)
		push_esc(&out, cmd[i]);
	return pm_strv_join(out, " ");
}

/* ---- units ------------------------------------------------------------------------------------
 */

/* "pm [--root X --runroot Y --storage-driver Z]": the commands of a unit without --new run
 * against the store this command ran against */
static char *pm_cmd(struct pm_cli *cli, const struct gen_opts *o)
{
	_cleanup_strv_ char **v = NULL;
	pm_strv_push(&v, o->self);
	if (cli->root_opt) {
		pm_strv_push(&v, "--root");
		push_esc(&v, cli->root_opt);
	}
	if (cli->runroot_opt) {
		pm_strv_push(&v, "--runroot");
		push_esc(&v, cli->runroot_opt);
	}
	if (cli->storage_driver) {
		pm_strv_push(&v, "--storage-driver");
		push_esc(&v, cli->storage_driver);
	}
	return pm_strv_join(v, " ");
}

static void unit_common(struct pm_unit *u, const struct gen_opts *o)
{
	u->template_ = o->template_;
	u->generator = "pm " PM_VERSION;
	u->date = o->no_header ? NULL : o->date;
	u->after = o->after;
	u->wants = o->wants;
	u->requires = o->requires;
	u->env = o->env;
	u->restart = o->restart;
	u->restart_sec = o->restart_sec;
}

struct out_unit {
	char *name; /* the file's name without .service */
	char *file;
	char *text;
};

static void add_out(struct out_unit **list, size_t *n, const struct pm_unit *u)
{
	*list = pm_xrealloc(*list, (*n + 1) * sizeof(**list));
	_cleanup_free_ char *file = pm_unit_file_name(u);
	(*list)[*n] = (struct out_unit){
		.name = pm_xstrndup(file, strlen(file) - strlen(".service")),
		.file = TAKE_PTR(file),
		.text = pm_unit_render(u),
	};
	(*n)++;
}

static char *ctr_unit_name(const struct gen_opts *o, const struct pm_container *c)
{
	return pm_xasprintf("%s%s%s", o->ctr_prefix, o->sep, o->name ? c->name : c->id);
}

static char *pod_unit_name(const struct gen_opts *o, const struct pm_pod *p)
{
	return pm_xasprintf("%s%s%s", o->pod_prefix, o->sep, o->name ? p->name : p->id);
}

/* One container's unit (pod_unit: the unit of its pod, or NULL). Returns 0 or the exit
 * status of a printed error. */
static int ctr_unit(struct pm_cli *cli, const struct gen_opts *o, const struct pm_container *c,
		    const struct pm_pod *pod, const char *pod_unit, struct out_unit **list,
		    size_t *n)
{
	struct pm_container_config cfg = {0};
	_cleanup_error_ pm_error *err = NULL;
	if (c->broken || pm_config_from_json(c->config_json, &cfg, &err) < 0)
		return pm_cli_errorf("container %s: its configuration cannot be read", c->name);
	struct pm_unit u = {0};
	unit_common(&u, o);
	_cleanup_free_ char *name = ctr_unit_name(o, c);
	_cleanup_free_ char *bound = pod_unit ? pm_xasprintf("%s.service", pod_unit) : NULL;
	_cleanup_free_ char *pm = pm_cmd(cli, o);
	_cleanup_free_ char *start = NULL, *stop = NULL, *stop_post = NULL, *pidfile = NULL;
	_cleanup_free_ char *ident = pm_unit_exec_escape(o->name ? c->name : c->id);
	_cleanup_strv_ char **pre = NULL;
	int timeout = o->stop_timeout >= 0   ? o->stop_timeout
		      : cfg.stop_timeout_set ? (int)cfg.stop_timeout
					     : 10;
	u.name = name;
	u.bound_to = bound;
	u.stop_timeout = timeout;
	u.start_timeout = o->start_timeout; /* podman: container units only */
	int status = 0;
	if (o->new_) {
		start = new_exec_start(o, cfg.create_command, c->name, pod ? pod->name : NULL);
		if (!start) {
			status =
				pm_cli_errorf("container %s: no create command to run it anew with "
					      "--new (it was not made by run or create)",
					      c->name);
			goto out;
		}
		/* pm and the create command's global options (its store) */
		_cleanup_strv_ char **g = NULL;
		pm_strv_push(&g, o->self);
		copy_globals(cfg.create_command, &g);
		_cleanup_free_ char *npm = pm_strv_join(g, " ");
		pm_strv_push(&pre, "/bin/rm -f %t/%n.ctr-id");
		stop = pm_xasprintf("%s stop --ignore -t %d --cidfile=%%t/%%n.ctr-id", npm,
				    timeout);
		stop_post = pm_xasprintf("%s rm -f --ignore -t %d --cidfile=%%t/%%n.ctr-id", npm,
					 timeout);
		u.mounts_for = "%t/containers";
		u.exec_start_pre = pre;
		u.type = "notify";
		u.notify_all = true;
		u.delegate = true;
	} else {
		struct pm_engine e = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
		_cleanup_free_ char *rundir = pm_ctr_run_dir(&e, c->id);
		pidfile = pm_path_join(rundir, "conmon.pid");
		start = pm_xasprintf("%s start %s", pm, ident);
		stop = pm_xasprintf("%s stop -t %d %s", pm, timeout, ident);
		stop_post = pm_xstrdup(stop);
		u.mounts_for = cli->paths.runroot;
		u.pidfile = pidfile;
		u.type = "forking";
	}
	u.exec_start = start;
	u.exec_stop = stop;
	u.exec_stop_post = stop_post;
	add_out(list, n, &u);
out:
	pm_spec_config_clear(&cfg);
	return status;
}

/* `pod create` again from the pod's record (--new) */
static char *pod_create_cmd(const char *pm, const struct pm_pod *p, const char *idfile)
{
	_cleanup_strv_ char **v = NULL;
	pm_strv_push(&v, pm);
	pm_strv_push(&v, "pod");
	pm_strv_push(&v, "create");
	pm_strv_push(&v, "--pod-id-file");
	pm_strv_push(&v, idfile);
	pm_strv_push(&v, "--exit-policy=stop");
	pm_strv_push(&v, "--name");
	push_esc(&v, p->name);
	pm_strv_push(&v, "--replace");
	const struct pm_pod_config *c = &p->cfg;
	if (!c->infra)
		pm_strv_push(&v, "--infra=false");
	if (c->hostname) {
		pm_strv_push(&v, "--hostname");
		push_esc(&v, c->hostname);
	}
	if (c->network) {
		pm_strv_push(&v, "--network");
		push_esc(&v, c->network);
	}
	struct {
		const char *flag;
		char **v;
	} lists[] = {{"--label", c->labels},
		     {"--publish", c->publish},
		     {"--dns", c->dns},
		     {"--dns-search", c->dns_search},
		     {"--dns-option", c->dns_options},
		     {"--add-host", c->add_hosts}};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		for (char **x = lists[i].v; x && *x; x++) {
			pm_strv_push(&v, lists[i].flag);
			push_esc(&v, *x);
		}
	if (c->share) {
		_cleanup_free_ char *s = pm_strv_join(c->share, ",");
		pm_strv_consume(&v, pm_xasprintf("--share=%s", s));
	}
	if (c->no_hosts)
		pm_strv_push(&v, "--no-hosts");
	return pm_strv_join(v, " ");
}

static int pod_units(struct pm_cli *cli, const struct gen_opts *o, const struct pm_pod *p,
		     struct out_unit **list, size_t *n)
{
	struct pm_container **all = NULL;
	size_t nall = 0;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_container_list(&cli->paths, &all, &nall, &err) < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *pname = pod_unit_name(o, p);
	_cleanup_strv_ char **members = NULL;
	int status = 0;
	/* the members, oldest first */
	for (size_t k = nall; k-- > 0 && !status;) {
		struct pm_container *c = all[k];
		if (c->infra || !c->pod_id || strcmp(c->pod_id, p->id))
			continue;
		_cleanup_free_ char *cn = ctr_unit_name(o, c);
		pm_strv_consume(&members, pm_xasprintf("%s.service", cn));
		status = ctr_unit(cli, o, c, p, pname, list, n);
	}
	if (status) {
		pm_container_list_free(all, nall);
		return status;
	}
	struct pm_unit u = {0};
	unit_common(&u, o);
	u.name = pname;
	u.members = members;
	u.stop_timeout = o->stop_timeout >= 0 ? o->stop_timeout : 10;
	_cleanup_free_ char *pm = pm_cmd(cli, o);
	_cleanup_free_ char *start = NULL, *stop = NULL, *stop_post = NULL, *pidfile = NULL;
	_cleanup_strv_ char **pre = NULL;
	if (o->new_) {
		_cleanup_free_ char *idfile = pm_xasprintf("%%t/%s.pod-id", pname);
		pm_strv_consume(&pre, pm_xasprintf("/bin/rm -f %s", idfile));
		pm_strv_consume(&pre, pod_create_cmd(pm, p, idfile));
		start = pm_xasprintf("%s pod start --pod-id-file %s", pm, idfile);
		stop = pm_xasprintf("%s pod stop --ignore --pod-id-file %s -t %d", pm, idfile,
				    u.stop_timeout);
		stop_post = pm_xasprintf("%s pod rm --ignore -f --pod-id-file %s", pm, idfile);
		u.mounts_for = "%t/containers";
		u.exec_start_pre = pre;
		/* the infra's monitor stays in the unit; pm pod create has no
		 * --infra-conmon-pidfile to make it the unit's main process */
		u.type = "oneshot";
		u.remain = true;
	} else {
		_cleanup_container_ struct pm_container *infra = NULL;
		const char *ident = o->name ? p->name : p->id;
		if (p->infra_id && *p->infra_id &&
		    pm_container_lookup(&cli->paths, p->infra_id, &infra, NULL) == 0) {
			/* podman's: the infra container is the pod unit's process */
			struct pm_engine e = {.paths = &cli->paths,
					      .storage_driver = cli->storage_driver};
			_cleanup_free_ char *rundir = pm_ctr_run_dir(&e, infra->id);
			pidfile = pm_path_join(rundir, "conmon.pid");
			start = pm_xasprintf("%s start %s", pm, infra->id);
			stop = pm_xasprintf("%s stop -t %d %s", pm, u.stop_timeout, infra->id);
			stop_post = pm_xstrdup(stop);
			u.type = "forking";
			u.pidfile = pidfile;
		} else {
			_cleanup_free_ char *q = pm_unit_exec_escape(ident);
			start = pm_xasprintf("%s pod start %s", pm, q);
			stop = pm_xasprintf("%s pod stop -t %d %s", pm, u.stop_timeout, q);
			u.type = "oneshot";
			u.remain = true;
		}
		u.mounts_for = cli->paths.runroot;
	}
	u.exec_start = start;
	u.exec_stop = stop;
	u.exec_stop_post = stop_post;
	add_out(list, n, &u);
	pm_container_list_free(all, nall);
	return 0;
}

static int emit(const struct gen_opts *o, struct out_unit *list, size_t n)
{
	if (o->files) {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *path = pm_path_join(cwd ? cwd : ".", list[i].file);
			_cleanup_error_ pm_error *err = NULL;
			if (pm_write_file_atomic(path, list[i].text, strlen(list[i].text), 0644,
						 &err) < 0)
				return pm_cli_error(err);
			if (!o->format)
				printf("%s\n", path);
		}
		if (!o->format)
			return 0;
	}
	if (o->format) {
		_cleanup_json_ json_t *j = json_object();
		for (size_t i = 0; i < n; i++)
			json_object_set_new(j, list[i].name,
					    json_string(o->files ? list[i].file : list[i].text));
		_cleanup_free_ char *s = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		fputs(list[i].text, stdout);
	return 0;
}

int cmd_generate_systemd(struct pm_cli *cli, int argc, char **argv)
{
	enum {
		AFTER = 1000,
		STIMEOUT,
		WANTS,
		REQUIRES,
		NEW,
		NOHEADER,
		TEMPLATE,
		RPOL,
		RSEC,
		CPFX,
		PPFX,
		SEP,
		FORMAT
	};
	static const struct option opts[] = {
		{"after", required_argument, NULL, AFTER},
		{"container-prefix", required_argument, NULL, CPFX},
		{"env", required_argument, NULL, 'e'},
		{"files", no_argument, NULL, 'f'},
		{"format", required_argument, NULL, FORMAT},
		{"name", no_argument, NULL, 'n'},
		{"new", no_argument, NULL, NEW},
		{"no-header", no_argument, NULL, NOHEADER},
		{"pod-prefix", required_argument, NULL, PPFX},
		{"requires", required_argument, NULL, REQUIRES},
		{"restart-policy", required_argument, NULL, RPOL},
		{"restart-sec", required_argument, NULL, RSEC},
		{"separator", required_argument, NULL, SEP},
		{"start-timeout", required_argument, NULL, STIMEOUT},
		{"stop-timeout", required_argument, NULL, 't'},
		{"time", required_argument, NULL, 't'},
		{"template", no_argument, NULL, TEMPLATE},
		{"wants", required_argument, NULL, WANTS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct gen_opts o = {.restart = "on-failure",
			     .restart_sec = -1,
			     .stop_timeout = -1,
			     .ctr_prefix = "container",
			     .pod_prefix = "pod",
			     .sep = "-"};
	struct pm_opt_state st = {0};
	int opt, status = PM_EXIT_ERROR;
	struct out_unit *list = NULL;
	size_t n = 0;
	_cleanup_container_ struct pm_container *c = NULL;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, "e:fnt:", opts, gen_usage)) != -1) {
		switch (opt) {
		case PM_OPT_EXIT:
			status = st.status;
			goto out;
		case AFTER:
			pm_strv_push(&o.after, optarg);
			break;
		case WANTS:
			pm_strv_push(&o.wants, optarg);
			break;
		case REQUIRES:
			pm_strv_push(&o.requires, optarg);
			break;
		case 'e':
			pm_strv_push(&o.env, optarg);
			break;
		case 'f':
			o.files = true;
			break;
		case 'n':
			o.name = true;
			break;
		case NEW:
			o.new_ = true;
			break;
		case NOHEADER:
			o.no_header = true;
			break;
		case TEMPLATE:
			o.template_ = true;
			break;
		case FORMAT:
			o.format = optarg;
			break;
		case RPOL:
			o.restart = optarg;
			break;
		case RSEC:
			if (!pm_cli_parse_seconds("--restart-sec", optarg, &o.restart_sec))
				goto out;
			break;
		case STIMEOUT:
			if (!pm_cli_parse_seconds("--start-timeout", optarg, &o.start_timeout))
				goto out;
			break;
		case 't':
			if (!pm_cli_parse_seconds("--stop-timeout", optarg, &o.stop_timeout))
				goto out;
			break;
		case CPFX:
			o.ctr_prefix = optarg;
			break;
		case PPFX:
			o.pod_prefix = optarg;
			break;
		case SEP:
			o.sep = optarg;
			break;
		default:
			goto out;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		goto out;
	if (!pm_unit_restart_policy_valid(o.restart)) {
		status = pm_cli_errorf("%s is not a valid restart policy", o.restart);
		goto out;
	}
	if (o.format && strcmp(o.format, "json")) {
		status = pm_cli_errorf("unsupported format \"%s\": only json is supported",
				       o.format);
		goto out;
	}
	if (o.template_ && !o.new_) {
		status = pm_cli_errorf("--template cannot be set without --new");
		goto out;
	}
	for (char **e = o.env; e && *e; e++)
		if (!strchr(*e, '=') || **e == '=') {
			status = pm_cli_errorf("invalid environment variable '%s': want KEY=VALUE",
					       *e);
			goto out;
		}
	const char *ref = argv[optind];
	o.self = pm_read_link("/proc/self/exe");
	if (!o.self)
		o.self = pm_xstrdup("pm");
	time_t now = time(NULL);
	char date[64];
	struct tm tm;
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Z %Y", localtime_r(&now, &tm));
	o.date = pm_xstrdup(date);

	if (pm_container_lookup(&cli->paths, ref, &c, NULL) == 0) {
		if (c->infra) {
			status = pm_cli_errorf("%s is the infra container of a pod: generate the "
					       "units of its pod",
					       ref);
			goto out;
		}
		if (c->pod_id && *c->pod_id) {
			status = pm_cli_errorf(
				"container %s is a member of a pod: generate the units of its pod",
				c->name);
			goto out;
		}
		status = ctr_unit(cli, &o, c, NULL, NULL, &list, &n);
	} else if (pm_pod_lookup(&cli->paths, ref, &pod, NULL) == 0) {
		status = pod_units(cli, &o, pod, &list, &n);
	} else {
		status = pm_cli_errorf("%s does not refer to a container or pod: no pod with name "
				       "or ID %s found: no such pod: no container with name or ID "
				       "\"%s\" found: no such container",
				       ref, ref, ref);
		goto out;
	}
	if (status == 0)
		status = emit(&o, list, n);
out:
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].file);
		free(list[i].text);
	}
	free(list);
	pm_strv_free(o.after);
	pm_strv_free(o.wants);
	pm_strv_free(o.requires);
	pm_strv_free(o.env);
	free(o.self);
	free(o.date);
	fflush(stdout);
	return status;
}
