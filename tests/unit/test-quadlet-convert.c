/* test-quadlet-convert.c: unit tests for quadlet/convert and quadlet/generator: the unit a
 * .container, .pod, .volume and .kube file gives (the exact ExecStart= lines, the defaults
 * a [Service] may override, groups copied through), each [Container] key's flag, Pod= and
 * Volume= links between files, [Install] links, every error with its FILE:LINE, and a
 * generator pass over directories (shadowing, a bad file left out, the others written,
 * install symlinks, dry run). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "quadlet/quadlet.h"

static const struct pm_quadlet_opts opts = {.pm = "/usr/bin/pm"};

/* A set of files given as pairs of path and text, NULL-terminated. */
static void set_make(struct pm_quadlet_set *set, const char *const *files)
{
	for (size_t i = 0; files[i]; i += 2) {
		assert_int_equal(pm_quadlet_set_add(set, files[i]), 0);
		assert_int_equal(pm_unit_file_parse(files[i], files[i + 1],
						    &set->units[set->n - 1].file, NULL),
				 0);
	}
}

/* Convert the member called filename; its text in *ret (or the error message). */
static int convert(const struct pm_quadlet_set *set, const char *filename, char **ret,
		   char ***ret_links)
{
	const struct pm_quadlet_unit *u = pm_quadlet_set_find(set, filename);
	assert_non_null(u);
	_cleanup_error_ pm_error *err = NULL;
	char **links = NULL;
	int r = pm_quadlet_convert(set, u, &opts, ret, &links, &err);
	if (r < 0) {
		assert_non_null(err);
		*ret = pm_xstrdup(err->msg);
	}
	if (ret_links)
		*ret_links = links;
	else
		pm_strv_free(links);
	return r;
}

static char *convert_one(const char *filename, const char *text, int want_r)
{
	struct pm_quadlet_set set = {0};
	_cleanup_free_ char *path = pm_xasprintf("/q/%s", filename);
	set_make(&set, (const char *const[]){path, text, NULL});
	char *out = NULL;
	int r = convert(&set, filename, &out, NULL);
	if (r != want_r)
		fail_msg("%s: %d, want %d: %s", filename, r, want_r, out);
	pm_quadlet_set_clear(&set);
	return out;
}

/* The line of text that starts with prefix (malloc'd), or NULL. */
static char *line_of(const char *text, const char *prefix)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, prefix, strlen(prefix)))
			return pm_xstrndup(p, n);
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void assert_line(const char *text, const char *line)
{
	_cleanup_free_ char *l = line_of(text, line);
	if (!l || strcmp(l, line))
		fail_msg("no line '%s' in:\n%s", line, text);
}

static void test_container_unit(void **state)
{
	_cleanup_free_ char *t = convert_one("web.container",
					     "[Unit]\n"
					     "Description=web\n"
					     "[Container]\n"
					     "Image=localhost/busybox\n"
					     "Exec=sh -c \"echo hi; sleep 100\"\n"
					     "[Service]\n"
					     "Restart=always\n"
					     "[Install]\n"
					     "WantedBy=default.target\n",
					     0);
	const char *want =
		"# Made by pm-user-generator from /q/web.container\n"
		"# Do not edit: edit the source file.\n"
		"[Unit]\n"
		"Description=web\n"
		"SourcePath=/q/web.container\n"
		"\n"
		"[X-Container]\n"
		"Image=localhost/busybox\n"
		"Exec=sh -c \"echo hi; sleep 100\"\n"
		"\n"
		"[Service]\n"
		"Restart=always\n"
		"Environment=PODMAN_SYSTEMD_UNIT=%n\n"
		"KillMode=mixed\n"
		"Delegate=yes\n"
		"Type=notify\n"
		"NotifyAccess=all\n"
		"SyslogIdentifier=%N\n"
		"TimeoutStopSec=70\n"
		"ExecStart=/usr/bin/pm run --cidfile=%t/%N.cid --cgroups=split "
		"--sdnotify=conmon -d --replace --rm --name systemd-%N localhost/busybox "
		"sh -c \"echo hi; sleep 100\"\n"
		"ExecStop=/usr/bin/pm rm -v -f --ignore -t 10 --cidfile=%t/%N.cid\n"
		"ExecStopPost=-/usr/bin/pm rm -v -f --ignore -t 10 --cidfile=%t/%N.cid\n"
		"\n"
		"[Install]\n"
		"WantedBy=default.target\n";
	assert_string_equal(t, want);
}

/* key=value in [Container] gives exactly these words before the image */
static void expect_flag(const char *kv, const char *words)
{
	_cleanup_free_ char *text = pm_xasprintf("[Container]\nImage=img\n%s\n", kv);
	_cleanup_free_ char *t = convert_one("c.container", text, 0);
	_cleanup_free_ char *l = line_of(t, "ExecStart=");
	_cleanup_free_ char *want = pm_xasprintf(
		"ExecStart=/usr/bin/pm run --cidfile=%%t/%%N.cid --cgroups=split "
		"--sdnotify=%s -d --replace --rm --name %s%s%s img",
		strstr(kv, "Notify=yes") ? "container" : "conmon",
		strstr(kv, "ContainerName=") ? "web" : "systemd-%N", *words ? " " : "", words);
	if (!l || strcmp(l, want))
		fail_msg("%s:\n got  %s\n want %s", kv, l, want);
}

static void test_container_keys(void **state)
{
	expect_flag("ContainerName=web", "");
	expect_flag("Notify=yes", "");
	expect_flag("Notify=no", "");
	expect_flag("PublishPort=8080:80\nPublishPort=127.0.0.1::53/udp",
		    "--publish 8080:80 --publish 127.0.0.1::53/udp");
	expect_flag("PublishPort=[::1]:8080:80", "--publish [::1]:8080:80");
	expect_flag("Environment=A=1 \"B=two words\"\nEnvironment=C=3",
		    "--env A=1 --env \"B=two words\" --env C=3");
	expect_flag("Environment=A=1\nEnvironment=\nEnvironment=C=3", "--env C=3");
	expect_flag("EnvironmentFile=/etc/env", "--env-file /etc/env");
	expect_flag("Label=a=b \"c=d e\"", "--label a=b --label \"c=d e\"");
	expect_flag("Network=none", "--network none");
	expect_flag("User=1000", "--user 1000");
	expect_flag("User=app\nGroup=wheel", "--user app:wheel");
	expect_flag("WorkingDir=/srv", "--workdir /srv");
	expect_flag("Entrypoint=/bin/sh", "--entrypoint /bin/sh");
	expect_flag("HostName=h1", "--hostname h1");
	expect_flag("Tmpfs=/tmp:rw,size=10m", "--tmpfs /tmp:rw,size=10m");
	expect_flag("ReadOnly=yes", "--read-only");
	expect_flag("ReadOnly=false", "");
	expect_flag("ReadOnlyTmpfs=true", "--read-only-tmpfs");
	expect_flag("RunInit=true", "--init");
	expect_flag("NoNewPrivileges=on", "--security-opt=no-new-privileges");
	expect_flag("SeccompProfile=/p.json", "--security-opt=seccomp=/p.json");
	expect_flag("DropCapability=all\nAddCapability=CAP_NET_RAW CAP_CHOWN",
		    "--cap-drop all --cap-add CAP_NET_RAW --cap-add CAP_CHOWN");
	expect_flag("PidsLimit=100", "--pids-limit 100");
	expect_flag("Memory=64m", "--memory 64m");
	expect_flag("Secret=s1,type=env", "--secret s1,type=env");
	expect_flag("HealthCmd=true\nHealthInterval=5s\nHealthRetries=2",
		    "--health-cmd true --health-interval 5s --health-retries 2");
	expect_flag("StopTimeout=5", "--stop-timeout 5");
	expect_flag("DNS=1.1.1.1\nAddHost=h:10.0.0.1", "--dns 1.1.1.1 --add-host h:10.0.0.1");
	expect_flag("Mount=type=tmpfs,dst=/m", "--mount type=tmpfs,dst=/m");
	expect_flag("LogDriver=k8s-file", "--log-driver k8s-file");
	expect_flag("Volume=/srv:/srv:ro\nVolume=/anon", "--volume /srv:/srv:ro --volume /anon");
	expect_flag("PodmanArgs=--log-level=debug \"--annotation=a b\"\nPodmanArgs=--tz=UTC",
		    "--log-level=debug \"--annotation=a b\" --tz=UTC");
	expect_flag("Exec=", "");
	expect_flag("AutoUpdate=registry", "--label=io.containers.autoupdate=registry");
}

static void test_global_args_and_stop(void **state)
{
	_cleanup_free_ char *t =
		convert_one("g.container", "[Container]\nImage=i\nGlobalArgs=--root /r\n", 0);
	assert_line(t, "ExecStart=/usr/bin/pm --root /r run --cidfile=%t/%N.cid --cgroups=split "
		       "--sdnotify=conmon -d --replace --rm --name systemd-%N i");
	assert_line(t, "ExecStop=/usr/bin/pm --root /r rm -v -f --ignore -t 10 "
		       "--cidfile=%t/%N.cid");
}

static void test_service_overrides(void **state)
{
	_cleanup_free_ char *t = convert_one("o.container",
					     "[Container]\nImage=i\n[Service]\nType=simple\n"
					     "KillMode=control-group\nTimeoutStopSec=5\n",
					     0);
	assert_null(strstr(t, "Type=notify"));
	assert_null(strstr(t, "KillMode=mixed"));
	assert_null(strstr(t, "TimeoutStopSec=70"));
	assert_line(t, "Type=simple");
	assert_line(t, "Delegate=yes");
}

static void test_pod_and_volume_links(void **state)
{
	struct pm_quadlet_set set = {0};
	set_make(&set,
		 (const char *const[]){
			 "/q/web.container",
			 "[Container]\nImage=i\nPod=app.pod\nVolume=data.volume:/d:Z\n",
			 "/q/db.container", "[Container]\nImage=i\nPod=app.pod\n", "/q/app.pod",
			 "[Pod]\nPodName=mypod\nPublishPort=8080:80\nNetwork=slirp4netns\n",
			 "/q/data.volume",
			 "[Volume]\nVolumeName=vol1\nLabel=a=b\nDriver=local\nOptions=x\n", NULL});
	_cleanup_free_ char *web = NULL, *pod = NULL, *vol = NULL;
	assert_int_equal(convert(&set, "web.container", &web, NULL), 0);
	assert_line(web, "ExecStart=/usr/bin/pm run --cidfile=%t/%N.cid --cgroups=split "
			 "--sdnotify=conmon -d --replace --rm --name systemd-%N --pod mypod "
			 "--volume vol1:/d:Z i");
	assert_line(web, "BindsTo=app-pod.service");
	assert_line(web, "After=app-pod.service");
	assert_line(web, "Requires=data-volume.service");
	assert_line(web, "After=data-volume.service");

	assert_int_equal(convert(&set, "app.pod", &pod, NULL), 0);
	assert_line(pod, "ExecStartPre=/usr/bin/pm pod create --pod-id-file=%t/%N.pod-id --replace "
			 "--name mypod --publish 8080:80 --network slirp4netns");
	assert_line(pod, "ExecStart=/usr/bin/pm pod start --pod-id-file=%t/%N.pod-id");
	assert_line(pod, "ExecStop=/usr/bin/pm pod stop --ignore -t 10 "
			 "--pod-id-file=%t/%N.pod-id");
	assert_line(pod, "ExecStopPost=-/usr/bin/pm pod rm -f --ignore "
			 "--pod-id-file=%t/%N.pod-id");
	assert_line(pod, "Wants=web.service");
	assert_line(pod, "Wants=db.service");
	assert_line(pod, "Before=db.service");
	assert_line(pod, "Type=oneshot");
	assert_line(pod, "RemainAfterExit=yes");

	assert_int_equal(convert(&set, "data.volume", &vol, NULL), 0);
	assert_line(vol, "ExecStart=/usr/bin/pm volume create --ignore --label a=b --opt o=x vol1");
	assert_line(vol, "Type=oneshot");
	pm_quadlet_set_clear(&set);

	/* default names: systemd-NAME */
	set_make(&set,
		 (const char *const[]){"/q/c.container",
				       "[Container]\nImage=i\nPod=p.pod\nVolume=v.volume:/v\n",
				       "/q/p.pod", "[Pod]\n", "/q/v.volume", "[Volume]\n", NULL});
	_cleanup_free_ char *c = NULL, *p = NULL, *v = NULL;
	assert_int_equal(convert(&set, "c.container", &c, NULL), 0);
	assert_non_null(strstr(c, " --pod systemd-p --volume systemd-v:/v i\n"));
	assert_int_equal(convert(&set, "p.pod", &p, NULL), 0);
	assert_non_null(strstr(p, "--replace --name systemd-p\n"));
	assert_int_equal(convert(&set, "v.volume", &v, NULL), 0);
	assert_line(v, "ExecStart=/usr/bin/pm volume create --ignore systemd-v");
	assert_int_equal(pm_quadlet_set_add(&set, "/q/x.service"), -EINVAL);
	assert_non_null(pm_quadlet_set_find(&set, "p.pod"));
	assert_null(pm_quadlet_set_find(&set, "p.container"));
	pm_quadlet_set_clear(&set);
}

static void test_kube(void **state)
{
	_cleanup_free_ char *t = convert_one(
		"app.kube", "[Kube]\nYaml=app.yaml\nPublishPort=8080:80\nNetwork=none\n", 0);
	assert_line(t, "ExecStart=/usr/bin/pm kube play --replace --publish 8080:80 --network none "
		       "/q/app.yaml");
	assert_line(t, "ExecStopPost=/usr/bin/pm kube down /q/app.yaml");
	_cleanup_free_ char *a = convert_one("abs.kube", "[Kube]\nYaml=/srv/a b.yaml\n", 0);
	assert_line(a, "ExecStart=/usr/bin/pm kube play --replace \"/srv/a b.yaml\"");
	/* AutoUpdate= (repeatable, words): podman Quadlet's annotations, per container with / */
	_cleanup_free_ char *u = convert_one(
		"au.kube",
		"[Kube]\nYaml=/y\nAutoUpdate=registry\nAutoUpdate=web/local db/registry\n", 0);
	assert_line(u, "ExecStart=/usr/bin/pm kube play --replace "
		       "--annotation=io.containers.autoupdate=registry "
		       "--annotation=io.containers.autoupdate/web=local "
		       "--annotation=io.containers.autoupdate/db=registry /y");
}

static void test_install_links(void **state)
{
	struct pm_quadlet_set set = {0};
	set_make(&set, (const char *const[]){"/q/c.container",
					     "[Container]\nImage=i\n[Install]\n"
					     "WantedBy=default.target multi-user.target\n"
					     "RequiredBy=x.target\nAlias=web.service\n",
					     NULL});
	_cleanup_free_ char *t = NULL;
	_cleanup_strv_ char **links = NULL;
	assert_int_equal(convert(&set, "c.container", &t, &links), 0);
	assert_int_equal(pm_strv_length(links), 4);
	assert_string_equal(links[0], "default.target.wants/c.service");
	assert_string_equal(links[1], "multi-user.target.wants/c.service");
	assert_string_equal(links[2], "x.target.requires/c.service");
	assert_string_equal(links[3], "web.service");
	pm_quadlet_set_clear(&set);
}

static void expect_error(const char *filename, const char *text, const char *msg)
{
	_cleanup_free_ char *e = convert_one(filename, text, -EINVAL);
	assert_string_equal(e, msg);
}

static void test_errors(void **state)
{
	expect_error("c.container", "[Container]\nImage=i\nFoo=bar\n",
		     "/q/c.container:3: unsupported key 'Foo' in group 'Container'");
	expect_error("c.container", "[Container]\nImage=i\n\nAnnotation=a=b\n",
		     "/q/c.container:4: key 'Annotation' in group 'Container' is not supported by "
		     "pm (podman's --annotation)");
	expect_error("c.container", "[Unit]\nDescription=x\n",
		     "/q/c.container: no [Container] group");
	expect_error("c.container", "[Container]\nExec=true\n",
		     "/q/c.container:1: no Image key in group 'Container'");
	expect_error("c.container", "[Container]\nImage=i\nPublishPort=80:99999\n",
		     "/q/c.container:3: invalid value '80:99999' for key 'PublishPort': not a "
		     "port or range of ports (1-65535)");
	expect_error("c.container", "[Container]\nImage=i\nPublishPort=80/icmp\n",
		     "/q/c.container:3: invalid value '80/icmp' for key 'PublishPort': the "
		     "protocol must be tcp, udp or sctp");
	expect_error("c.container", "[Container]\nImage=i\nPublishPort=::1:80:80\n",
		     "/q/c.container:3: invalid value '::1:80:80' for key 'PublishPort': too many "
		     "':' (write an IPv6 address in [])");
	expect_error("c.container", "[Container]\nImage=i\nReadOnly=maybe\n",
		     "/q/c.container:3: invalid value 'maybe' for key 'ReadOnly': not a boolean");
	expect_error("c.container", "[Container]\nImage=i\nEnvironment=A=1 1B=2\n",
		     "/q/c.container:3: invalid value '1B=2' for key 'Environment': not a valid "
		     "variable name before '='");
	expect_error("c.container", "[Container]\nImage=i\nEnvironment=\"A=1\n",
		     "/q/c.container:3: invalid value for key 'Environment': an unfinished quote");
	expect_error("c.container", "[Container]\nImage=i\nExec=sh -c 'x\n",
		     "/q/c.container:3: invalid value for key 'Exec': an unfinished quote");
	expect_error("c.container", "[Container]\nImage=i\nPidsLimit=lots\n",
		     "/q/c.container:3: invalid value 'lots' for key 'PidsLimit': not an integer");
	expect_error("c.container", "[Container]\nImage=i\nMemory=1q\n",
		     "/q/c.container:3: invalid value '1q' for key 'Memory': not a size (such as "
		     "512m or 1g)");
	expect_error("c.container", "[Container]\nImage=i\nNotify=healthy\n",
		     "/q/c.container:3: invalid value 'healthy' for key 'Notify': 'healthy' is not "
		     "supported by pm (yes or no)");
	expect_error("c.container", "[Container]\nImage=i\nNetwork=n.network\n",
		     "/q/c.container:3: invalid value 'n.network' for key 'Network': Quadlet "
		     ".network files are not supported by pm");
	expect_error("c.container", "[Container]\nImage=i\nPod=p\n",
		     "/q/c.container:3: invalid value 'p' for key 'Pod': not the name of a .pod "
		     "file");
	expect_error("c.container", "[Container]\nImage=i\nPod=gone.pod\n",
		     "/q/c.container:3: Pod=gone.pod: there is no Quadlet file 'gone.pod'");
	expect_error("c.container", "[Container]\nImage=i\nVolume=gone.volume:/v\n",
		     "/q/c.container:3: Volume=gone.volume:/v: there is no Quadlet file "
		     "'gone.volume'");
	expect_error("c.container", "[Container]\nImage=i\nVolume=:/v\n",
		     "/q/c.container:3: invalid value ':/v' for key 'Volume': no source before "
		     "':'");
	expect_error("c.container", "[Container]\nImage=i\nGroup=g\n",
		     "/q/c.container:3: Group=g needs a User= too");
	expect_error("c.container", "[Container]\nImage=i\n[Service]\nExecStart=/bin/true\n",
		     "/q/c.container:4: key 'ExecStart' in group 'Service' is made by Quadlet from "
		     "group 'Container' (remove it)");
	expect_error("c.container", "[Container]\nImage=i\n[Service]\nKillMode=none\n",
		     "/q/c.container:4: invalid value 'none' for key 'KillMode': mixed or "
		     "control-group");
	expect_error("c.container", "[Container]\nImage=i\n[Install]\nWantedBy=../x\n",
		     "/q/c.container:4: invalid value '../x' for key 'WantedBy': not a unit name");
	expect_error("c.container", "[Container]\nImage=i.image\n",
		     "/q/c.container:2: Image=i.image: Quadlet .image and .build files are not "
		     "supported by pm");
	expect_error("p.pod", "[Pod]\nVolume=/a:/b\n",
		     "/q/p.pod:2: key 'Volume' in group 'Pod' is not supported by pm (podman's pod "
		     "create --volume)");
	expect_error("p.pod", "[Pod]\nImage=x\n",
		     "/q/p.pod:2: unsupported key 'Image' in group 'Pod'");
	expect_error("v.volume", "[Volume]\nDriver=nfs\n",
		     "/q/v.volume:2: invalid value 'nfs' for key 'Driver': pm has the 'local' "
		     "driver only");
	expect_error("k.kube", "[Kube]\nNetwork=none\n",
		     "/q/k.kube:1: no Yaml key in group 'Kube'");
}

/* A referenced file that had errors makes the referrer fail too, naming it. */
static void test_reference_to_bad_file(void **state)
{
	struct pm_quadlet_set set = {0};
	assert_int_equal(pm_quadlet_set_add(&set, "/q/bad.pod"), 0); /* file NULL: unreadable */
	set_make(&set, (const char *const[]){"/q/c.container",
					     "[Container]\nImage=i\nPod=bad.pod\n", NULL});
	_cleanup_free_ char *t = NULL;
	assert_int_equal(convert(&set, "c.container", &t, NULL), -EINVAL);
	assert_string_equal(t, "/q/c.container:3: Pod=bad.pod: '/q/bad.pod' has errors");
	pm_quadlet_set_clear(&set);
}

struct logged {
	char **errors;
	char **info;
};

static void log_cb(void *data, bool error, const char *line)
{
	struct logged *l = data;
	pm_strv_push(error ? &l->errors : &l->info, line);
}

static void put(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *p = pm_path_join(dir, name);
	assert_int_equal(pm_write_file_atomic(p, text, strlen(text), 0644, NULL), 0);
}

static void test_generate(void **state)
{
	char tmpl[] = "/tmp/pm-quadlet-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	_cleanup_free_ char *d1 = pm_path_join(tmpl, "d1"), *d2 = pm_path_join(tmpl, "d2");
	_cleanup_free_ char *out = pm_path_join(tmpl, "out");
	assert_int_equal(pm_mkdir_p(d1, 0755, NULL), 0);
	assert_int_equal(pm_mkdir_p(d2, 0755, NULL), 0);
	put(d1, "web.container",
	    "[Container]\nImage=i\nPod=app.pod\n[Install]\nWantedBy=default.target\n");
	put(d1, "bad.container", "[Container]\nImage=i\n\nNope=1\n");
	put(d1, "syntax.volume", "[Volume]\nno equals\n");
	put(d1, "notes.txt", "not a unit\n");
	put(d2, "app.pod", "[Pod]\n");
	put(d2, "web.container", "[Container]\nImage=shadowed\n");
	char *dirs[] = {d1, d2, (char *)"/nonexistent/dir", NULL};
	struct logged l = {0};
	struct pm_quadlet_gen g = {.dirs = dirs,
				   .pm = "/usr/bin/pm",
				   .output = out,
				   .verbose = true,
				   .log = log_cb,
				   .log_data = &l};
	assert_int_equal(pm_quadlet_generate(&g), 2);
	assert_int_equal(pm_strv_length(l.errors), 2);
	_cleanup_free_ char *e1 = pm_xasprintf("%s/bad.container:4: unsupported key 'Nope' in "
					       "group 'Container'",
					       d1);
	_cleanup_free_ char *e2 =
		pm_xasprintf("%s/syntax.volume:2: missing '=' in 'no equals'", d1);
	assert_true(pm_strv_contains(l.errors, e1));
	assert_true(pm_strv_contains(l.errors, e2));

	_cleanup_free_ char *web = pm_path_join(out, "web.service");
	_cleanup_free_ char *pod = pm_path_join(out, "app-pod.service");
	_cleanup_free_ char *bad = pm_path_join(out, "bad.service");
	_cleanup_free_ char *vol = pm_path_join(out, "syntax-volume.service");
	_cleanup_free_ char *text = NULL;
	assert_int_equal(pm_read_file(web, 65536, &text, NULL, NULL), 0);
	assert_non_null(strstr(text, " i\n"));
	assert_null(strstr(text, "shadowed"));
	assert_true(pm_path_exists(pod));
	assert_false(pm_path_exists(bad));
	assert_false(pm_path_exists(vol));
	_cleanup_free_ char *link = pm_path_join(out, "default.target.wants/web.service");
	_cleanup_free_ char *target = pm_read_link(link);
	assert_non_null(target);
	assert_string_equal(target, "../web.service");
	pm_strv_free(l.errors);
	pm_strv_free(l.info);

	/* again over the same output (links replaced), and as a dry run */
	l = (struct logged){0};
	g.verbose = false;
	assert_int_equal(pm_quadlet_generate(&g), 2);
	assert_null(l.info);
	pm_strv_free(l.errors);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	g.output = NULL;
	g.dryrun = f;
	l = (struct logged){0};
	assert_int_equal(pm_quadlet_generate(&g), 2);
	fclose(f);
	assert_non_null(strstr(buf, "---app-pod.service---\n# Made by pm-user-generator"));
	assert_non_null(strstr(buf, "---web.service---\n"));
	assert_null(strstr(buf, "---bad.service---"));
	free(buf);
	pm_strv_free(l.errors);
	assert_int_equal(pm_rm_rf(tmpl, NULL), 0);
}

static void test_search_dirs(void **state)
{
	setenv("QUADLET_UNIT_DIRS", "/a:/b", 1);
	_cleanup_strv_ char **o = pm_quadlet_search_dirs(true, 1000);
	assert_int_equal(pm_strv_length(o), 2);
	assert_string_equal(o[1], "/b");
	unsetenv("QUADLET_UNIT_DIRS");
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	_cleanup_strv_ char **u = pm_quadlet_search_dirs(true, 1000);
	assert_int_equal(pm_strv_length(u), 3);
	assert_string_equal(u[0], "/x/cfg/containers/systemd");
	assert_string_equal(u[1], "/etc/containers/systemd/users/1000");
	assert_string_equal(u[2], "/etc/containers/systemd/users");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/h", 1);
	_cleanup_strv_ char **h = pm_quadlet_search_dirs(true, 1000);
	assert_string_equal(h[0], "/home/h/.config/containers/systemd");
	_cleanup_strv_ char **s = pm_quadlet_search_dirs(false, 0);
	assert_string_equal(s[0], "/etc/containers/systemd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_container_unit),
		cmocka_unit_test(test_container_keys),
		cmocka_unit_test(test_global_args_and_stop),
		cmocka_unit_test(test_service_overrides),
		cmocka_unit_test(test_pod_and_volume_links),
		cmocka_unit_test(test_kube),
		cmocka_unit_test(test_install_links),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_reference_to_bad_file),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_search_dirs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
