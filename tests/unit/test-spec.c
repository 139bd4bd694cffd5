/* test-spec.c: unit tests for engine/spec: -e and --env-file (host globbing), -v/--mount/
 * --tmpfs parsing, user/group resolution in passwd/group text, args from entrypoint/cmd,
 * keep-id mappings, mount option words, command resolution errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "engine/image-mount.h"
#include "engine/spec.h"
#include "lib/strutil.h"
#include "runtime/mounts.h"

static char *host_env[] = {"HOME=/home/u", "FOO1=a", "FOO2=b", "BAR=c", NULL};

static void test_env(void **state)
{
	_cleanup_strv_ char **env = NULL;
	assert_int_equal(pm_spec_env_add(&env, "A=1", host_env, NULL), 0);
	assert_int_equal(pm_spec_env_add(&env, "A=2", host_env, NULL), 0);
	assert_int_equal(pm_spec_env_add(&env, "HOME", host_env, NULL), 0);
	assert_int_equal(pm_spec_env_add(&env, "UNSET", host_env, NULL), 0);
	assert_int_equal(pm_spec_env_add(&env, "FOO*", host_env, NULL), 0);
	assert_int_equal(pm_spec_env_add(&env, "E=", host_env, NULL), 0);
	assert_int_equal(pm_strv_length(env), 5);
	assert_string_equal(env[0], "A=2");
	assert_string_equal(env[1], "HOME=/home/u");
	assert_string_equal(env[2], "FOO1=a");
	assert_string_equal(env[3], "FOO2=b");
	assert_string_equal(env[4], "E=");
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_spec_env_add(&env, "=x", host_env, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid environment variable '=x'");
}

/* --env-merge's expansion: $NAME, ${NAME}, unset ones empty, a lone $ kept */
static void test_env_expand(void **state)
{
	char *env[] = {"PATH=/bin", "A_1=x", NULL};
	char *v = pm_spec_env_expand("PATH=${PATH}:/y:$A_1$", env);
	assert_string_equal(v, "PATH=/bin:/y:x$");
	free(v);
	v = pm_spec_env_expand("K=$NOPE-${NOPE}-${unclosed", env);
	assert_string_equal(v, "K=--${unclosed");
	free(v);
}

static void test_env_file(void **state)
{
	_cleanup_strv_ char **env = NULL;
	const char *data = "# comment\n\nA=1\n  B=two words\r\nHOME\nA=3\n";
	assert_int_equal(pm_spec_env_file_parse("f", data, host_env, &env, NULL), 0);
	assert_int_equal(pm_strv_length(env), 3);
	assert_string_equal(env[0], "A=3");
	assert_string_equal(env[1], "B=two words");
	assert_string_equal(env[2], "HOME=/home/u");
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_spec_env_file_parse("f", "BAD KEY=1\n", host_env, &env, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "env file 'f'"));
}

static void mclear(struct pm_runtime_mount *m)
{
	free(m->source);
	free(m->destination);
	free(m->data);
}

static void test_volume(void **state)
{
	struct pm_runtime_mount m;
	char *vol = NULL;
	assert_int_equal(pm_spec_parse_volume("/a:/b", &m, &vol, NULL), 0);
	assert_string_equal(m.source, "/a");
	assert_string_equal(m.destination, "/b");
	assert_int_equal(m.flags, 0);
	assert_true(m.recursive);
	assert_null(vol);
	mclear(&m);
	assert_int_equal(pm_spec_parse_volume("/a:/b:ro,z,bind", &m, &vol, NULL), 0);
	assert_int_equal(m.flags, MS_RDONLY);
	assert_false(m.recursive);
	mclear(&m);
	assert_int_equal(pm_spec_parse_volume("data:/d", &m, &vol, NULL), 0);
	assert_string_equal(vol, "data");
	assert_null(m.source);
	assert_int_equal(m.flags, MS_NOSUID | MS_NODEV); /* a named volume: podman's defaults */
	free(vol);
	mclear(&m);
	assert_int_equal(pm_spec_parse_volume("data:/d:suid,ro", &m, &vol, NULL), 0);
	assert_int_equal(m.flags, MS_RDONLY | MS_NODEV);
	free(vol);
	mclear(&m);
	assert_int_equal(pm_spec_parse_volume("data:/d:nosuid,dev,noexec", &m, &vol, NULL), 0);
	assert_int_equal(m.flags, MS_NOSUID | MS_NOEXEC);
	free(vol);
	mclear(&m);
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	assert_int_equal(pm_spec_parse_volume("/a:rel", &m, &vol, &e1), -EINVAL);
	assert_string_equal(e1->msg, "-v: invalid container path 'rel', must be an absolute path");
	assert_int_equal(pm_spec_parse_volume("/", &m, &vol, &e2), -EINVAL);
	assert_int_equal(pm_spec_parse_volume("/a:/b:bogus", &m, &vol, &e3), -EINVAL);
	assert_string_equal(e3->msg, "invalid option type \"bogus\"");

	/* -v /dst: an anonymous volume, named "" until pm_engine_create names it */
	assert_int_equal(pm_spec_parse_volume("/a", &m, &vol, NULL), 0);
	assert_string_equal(vol, "");
	assert_string_equal(m.destination, "/a");
	assert_int_equal(m.flags, MS_NOSUID | MS_NODEV);
	free(vol);
	mclear(&m);
	_cleanup_free_ char *named = pm_spec_name_anonymous("/a", false, "abc");
	assert_string_equal(named, "abc:/a");
	assert_int_equal(pm_spec_parse_mount("type=volume,dst=/m", &m, &vol, NULL), 0);
	assert_string_equal(vol, "");
	free(vol);
	mclear(&m);
	_cleanup_free_ char *mnamed = pm_spec_name_anonymous("type=volume,dst=/m", true, "abc");
	assert_string_equal(mnamed, "type=volume,dst=/m,src=abc");

	/* U and chown=: the source is chowned at start; idmap is refused */
	assert_int_equal(pm_spec_parse_volume("/a:/b:U,ro", &m, &vol, NULL), 0);
	mclear(&m);
	assert_true(pm_spec_wants_chown("/a:/b:U,ro", false));
	assert_false(pm_spec_wants_chown("/a:/b:ro", false));
	assert_false(pm_spec_wants_chown("/a:/U", false));
	assert_true(pm_spec_wants_overlay("/a:/b:ro,O"));
	assert_false(pm_spec_wants_overlay("/a:/O"));
	assert_true(pm_spec_wants_chown("type=bind,src=/a,dst=/b,U=true", true));
	assert_true(pm_spec_wants_chown("type=bind,src=/a,dst=/b,chown", true));
	assert_false(pm_spec_wants_chown("type=bind,src=/a,dst=/b,U=false", true));
	/* copy-up: -v's nocopy (one of copy/nocopy), --mount's volume-nocopy; tmpcopyup */
	assert_int_equal(pm_spec_parse_volume("v:/b:nocopy,ro", &m, &vol, NULL), 0);
	mclear(&m);
	free(vol);
	vol = NULL;
	assert_true(pm_spec_wants_nocopy("v:/b:nocopy,ro", false));
	assert_false(pm_spec_wants_nocopy("v:/b:copy", false));
	assert_false(pm_spec_wants_nocopy("v:/nocopy", false));
	assert_int_equal(pm_spec_parse_volume("v:/b:copy,nocopy", &m, &vol, NULL), -EINVAL);
	assert_true(pm_spec_wants_nocopy("type=volume,src=v,dst=/b,volume-nocopy", true));
	assert_true(pm_spec_wants_nocopy("type=volume,src=v,dst=/b,volume-nocopy=true", true));
	assert_false(pm_spec_wants_nocopy("type=volume,src=v,dst=/b,volume-nocopy=false", true));
	assert_false(pm_spec_wants_nocopy("type=volume,src=v,dst=/b", true));
	assert_int_equal(pm_spec_parse_tmpfs("/t", &m, NULL), 0);
	assert_true(m.copy_up);
	mclear(&m);
	assert_int_equal(pm_spec_parse_tmpfs("/t:size=1m,notmpcopyup", &m, NULL), 0);
	assert_false(m.copy_up);
	mclear(&m);
	assert_int_equal(pm_spec_parse_mount("type=tmpfs,dst=/t", &m, &vol, NULL), 0);
	assert_true(m.copy_up);
	mclear(&m);
	assert_int_equal(pm_spec_parse_mount("type=tmpfs,dst=/t,notmpcopyup", &m, &vol, NULL), 0);
	assert_false(m.copy_up);
	mclear(&m);
	_cleanup_error_ pm_error *e4 = NULL, *e5 = NULL;
	assert_int_equal(pm_spec_parse_volume("/a:/b:idmap", &m, &vol, &e4), -ENOTSUP);
	assert_string_equal(e4->msg,
			    "-v '/a:/b:idmap': idmapped mounts ('idmap') are not supported by pm");
	assert_int_equal(pm_spec_parse_mount("type=bind,src=/a,dst=/b,idmap", &m, &vol, &e5),
			 -ENOTSUP);

	/* devpts: its own options, only there */
	assert_int_equal(pm_spec_parse_mount("type=devpts,dst=/p,mode=620,max=5", &m, &vol, NULL),
			 0);
	assert_int_equal(m.type, PM_RUNTIME_MOUNT_DEVPTS);
	assert_string_equal(m.data, "mode=620,max=5");
	mclear(&m);
	_cleanup_error_ pm_error *e6 = NULL;
	assert_int_equal(pm_spec_parse_mount("type=tmpfs,dst=/t,uid=5", &m, &vol, &e6), -EINVAL);
	assert_string_equal(e6->msg, "uid: invalid mount option");

	/* type=image: an overlay filled in at start, read-only unless rw=true; podman's words */
	assert_int_equal(pm_spec_parse_mount("type=image,src=busybox,dst=/i", &m, &vol, NULL), 0);
	assert_int_equal(m.type, PM_RUNTIME_MOUNT_OVERLAY);
	assert_null(m.data);
	assert_null(m.source);
	assert_null(vol);
	assert_string_equal(m.destination, "/i");
	assert_true(m.flags & MS_RDONLY);
	mclear(&m);
	assert_int_equal(pm_spec_parse_mount("dst=/i,source=b,rw=true,type=image", &m, &vol, NULL),
			 0);
	assert_false(m.flags & MS_RDONLY);
	mclear(&m);
	_cleanup_free_ char *ref = pm_image_mount_source("type=image,source=a,src=b:1,dst=/i");
	assert_string_equal(ref, "b:1");
	assert_null(pm_image_mount_source("type=bind,src=/a,dst=/i"));
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{"type=image,src=b", "must set source and destination for image volume"},
		{"type=image,dst=/i", "must set source and destination for image volume"},
		{"type=image,src=b,dst=/i,rw", "invalid rw value \"\": invalid mount option"},
		{"type=image,src=b,dst=/i,readwrite=1",
		 "invalid rw value \"1\": invalid mount option"},
		{"type=image,src=b,dst=/i,ro=true", "ro: invalid mount option"},
		{"type=image,src,dst=/i", "src: must provide an argument for option"},
		{"type=image,src=b,dst=i",
		 "--mount: invalid container path 'i', must be an absolute path"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_error_ pm_error *eb = NULL;
		assert_int_equal(pm_spec_parse_mount(bad[i].spec, &m, &vol, &eb), -EINVAL);
		assert_string_equal(eb->msg, bad[i].msg);
	}
}

/* --userns: modes and keep-id's uid=/gid=, podman's words for the bad ones */
static void test_userns(void **state)
{
	(void)state;
	struct pm_spec_userns u;
	assert_int_equal(pm_spec_parse_userns(NULL, &u, NULL), 0);
	assert_int_equal(u.mode, PM_USERNS_DEFAULT);
	assert_int_equal(pm_spec_parse_userns("host", &u, NULL), 0);
	assert_int_equal(u.mode, PM_USERNS_HOST);
	assert_int_equal(pm_spec_parse_userns("keep-id", &u, NULL), 0);
	assert_int_equal(u.mode, PM_USERNS_KEEP_ID);
	assert_false(u.uid_set);
	assert_int_equal(pm_spec_parse_userns("keep-id:uid=200,gid=210", &u, NULL), 0);
	assert_true(u.uid_set && u.gid_set);
	assert_int_equal(u.uid, 200);
	assert_int_equal(u.gid, 210);
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	assert_int_equal(pm_spec_parse_userns("bogus", &u, &e1), -EINVAL);
	assert_string_equal(e1->msg, "unrecognized namespace mode bogus passed");
	assert_int_equal(pm_spec_parse_userns("keep-id:size=5", &u, &e2), -EINVAL);
	assert_string_equal(e2->msg, "unknown option specified: \"size\"");
	assert_int_equal(
		pm_spec_parse_userns("auto:size=10,uidmapping=0:1:5,gidmapping=0:2:6", &u, NULL),
		0);
	assert_int_equal(u.mode, PM_USERNS_AUTO);
	assert_int_equal(u.a.size, 10);
	assert_int_equal(u.a.n_extra_uid, 1);
	assert_int_equal(u.a.extra_uid[0].host, 1);
	assert_int_equal(u.a.n_extra_gid, 1);
	assert_int_equal(u.a.extra_gid[0].size, 6);
	assert_int_equal(pm_spec_parse_userns("auto:size=x", &u, &e3), -EINVAL);
	assert_string_equal(e3->msg, "strconv.ParseUint: parsing \"x\": invalid syntax");
	assert_int_equal(pm_spec_parse_userns("nomap", &u, NULL), 0);
	assert_int_equal(u.mode, PM_USERNS_NOMAP);
}

/* podman's words for conflicting or repeated -v options; "/" is no destination */
static void test_volume_conflicts(void **state)
{
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{"/a:/b:ro,rw",
		 "invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option"},
		{"/a:/b:ro,z,ro",
		 "invalid options \"ro, z, ro\", can only specify 1 'rw' or 'ro' option"},
		{"/a:/b:nosuid,suid",
		 "invalid options \"nosuid, suid\", can only specify 1 'nosuid' or 'suid' option"},
		{"/a:/b:dev,nodev",
		 "invalid options \"dev, nodev\", can only specify 1 'nodev' or 'dev' option"},
		{"/a:/b:exec,noexec",
		 "invalid options \"exec, noexec\", can only specify 1 'noexec' or 'exec' option"},
		{"/a:/b:bind,rbind",
		 "invalid options \"bind, rbind\", can only specify 1 '[r]bind' option"},
		{"/a:/b:z,Z",
		 "invalid options \"z, Z\", can only specify 1 'z', 'Z', or 'O' option"},
		{"/a:/b:shared,private",
		 "invalid options \"shared, private\", can only specify 1 '[r]shared', "
		 "'[r]private', '[r]slave' or '[r]unbindable' option"},
		{"/a:/", "-v '/a:/': invalid container path '/': cannot mount over the "
			 "container's root directory"},
		{"vol:/x/..", "-v 'vol:/x/..': invalid container path '/x/..': cannot mount over "
			      "the container's root directory"},
		{"/a://.", "-v '/a://.': invalid container path '//.': cannot mount over the "
			   "container's root directory"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pm_runtime_mount m;
		char *vol = NULL;
		_cleanup_error_ pm_error *e = NULL;
		assert_int_equal(pm_spec_parse_volume(bad[i].spec, &m, &vol, &e), -EINVAL);
		assert_string_equal(e->msg, bad[i].msg);
		assert_null(vol);
	}
	struct pm_runtime_mount m;
	char *vol = NULL;
	assert_int_equal(pm_spec_parse_volume("/a:/x/../y:ro,nosuid,z", &m, &vol, NULL), 0);
	assert_int_equal(m.flags, MS_RDONLY | MS_NOSUID);
	mclear(&m);
}

static void test_mount_tmpfs(void **state)
{
	struct pm_runtime_mount m;
	char *vol = NULL;
	assert_int_equal(pm_spec_parse_mount("type=bind,src=/x,dst=/y,ro", &m, &vol, NULL), 0);
	assert_int_equal(m.type, PM_RUNTIME_MOUNT_BIND);
	assert_string_equal(m.source, "/x");
	assert_string_equal(m.destination, "/y");
	assert_int_equal(m.flags, MS_RDONLY);
	mclear(&m);
	assert_int_equal(pm_spec_parse_mount("type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=700",
					     &m, &vol, NULL),
			 0);
	assert_int_equal(m.type, PM_RUNTIME_MOUNT_TMPFS);
	assert_string_equal(m.data, "size=1m,mode=700");
	mclear(&m);
	assert_int_equal(pm_spec_parse_mount("type=volume,source=v,target=/v", &m, &vol, NULL), 0);
	assert_string_equal(vol, "v");
	assert_int_equal(m.flags, MS_NOSUID | MS_NODEV);
	free(vol);
	mclear(&m);
	assert_int_equal(pm_spec_parse_mount("type=volume,src=v,dst=/v,dev,ro", &m, &vol, NULL), 0);
	assert_int_equal(m.flags, MS_RDONLY | MS_NOSUID);
	free(vol);
	mclear(&m);
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL;
	assert_int_equal(pm_spec_parse_mount("src=/x,dst=/y", &m, &vol, &e1), -EINVAL);
	assert_non_null(strstr(e1->msg, "type must be specified"));
	assert_int_equal(pm_spec_parse_mount("type=nfs,dst=/y", &m, &vol, &e2), -EINVAL);
	assert_non_null(strstr(e2->msg, "invalid type 'nfs'"));
	/* an option of a group given twice, as podman refuses it */
	const char *twice[][2] = {
		{"type=bind,src=/x,dst=/y,ro,rw", "'readonly', 'ro', or 'rw' options"},
		{"type=bind,src=/x,dst=/y,readonly=true,readonly=false",
		 "'readonly', 'ro', or 'rw' options"},
		{"type=tmpfs,dst=/y,nodev,dev", "'nodev' and 'dev' options"},
		{"type=bind,src=/x,dst=/y,bind-propagation=shared,bind-propagation=private",
		 "'bind-propagation' option"},
	};
	for (size_t i = 0; i < sizeof(twice) / sizeof(twice[0]); i++) {
		_cleanup_error_ pm_error *e = NULL;
		assert_int_equal(pm_spec_parse_mount(twice[i][0], &m, &vol, &e), -EINVAL);
		_cleanup_free_ char *want = pm_xasprintf(
			"--mount '%s': cannot pass %s more than once", twice[i][0], twice[i][1]);
		assert_string_equal(e->msg, want);
	}
	assert_int_equal(pm_spec_parse_mount("type=bind,src=/x,dst=/y,ro=false", &m, &vol, NULL),
			 0);
	assert_int_equal(m.flags, 0);
	mclear(&m);

	assert_int_equal(pm_spec_parse_tmpfs("/run:size=64m,exec", &m, NULL), 0);
	assert_string_equal(m.destination, "/run");
	assert_int_equal(m.flags, MS_NOSUID | MS_NODEV);
	assert_string_equal(m.data, "size=64m");
	mclear(&m);
	assert_int_equal(pm_spec_parse_tmpfs("/t", &m, NULL), 0);
	assert_int_equal(m.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC);
	assert_null(m.data);
	mclear(&m);

	unsigned long f = 0;
	_cleanup_free_ char *d = NULL;
	assert_int_equal(pm_mounts_parse_options("ro,nosuid,mode=1777", &f, &d), 0);
	assert_int_equal(f, MS_RDONLY | MS_NOSUID);
	assert_string_equal(d, "mode=1777");
	char *d2 = NULL;
	assert_int_equal(pm_mounts_parse_options("bogus", &f, &d2), -EINVAL);
}

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "user1:x:1000:1000::/home/user1:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
static const char group[] = "root:x:0:\nwheel:x:10:user1,other\nusers:x:100:\nuser1:x:1000:\n";

static void test_user(void **state)
{
	uid_t u;
	gid_t g;
	gid_t *gs = NULL;
	size_t n;
	char *home = NULL;
	assert_int_equal(
		pm_spec_resolve_user(passwd, group, NULL, NULL, &u, &g, &gs, &n, &home, NULL), 0);
	assert_int_equal(u, 0);
	assert_int_equal(g, 0);
	assert_int_equal(n, 0);
	assert_string_equal(home, "/root");
	free(home);
	free(gs);

	assert_int_equal(
		pm_spec_resolve_user(passwd, group, "user1", NULL, &u, &g, &gs, &n, &home, NULL),
		0);
	assert_int_equal(u, 1000);
	assert_int_equal(g, 1000);
	assert_int_equal(n, 1);
	assert_int_equal(gs[0], 10);
	free(home);
	free(gs);

	char *add[] = {"users", "42", NULL};
	assert_int_equal(pm_spec_resolve_user(passwd, group, "1000:users", add, &u, &g, &gs, &n,
					      &home, NULL),
			 0);
	assert_int_equal(g, 100);
	assert_int_equal(n, 2);
	assert_int_equal(gs[0], 100);
	assert_int_equal(gs[1], 42);
	free(home);
	free(gs);

	/* A uid without an entry: gid 0, home / */
	assert_int_equal(
		pm_spec_resolve_user(passwd, group, "4242", NULL, &u, &g, &gs, &n, &home, NULL), 0);
	assert_int_equal(u, 4242);
	assert_int_equal(g, 0);
	assert_string_equal(home, "/");
	free(home);
	free(gs);
	/* No passwd file at all: numbers still work. */
	assert_int_equal(pm_spec_resolve_user(NULL, NULL, "5:6", NULL, &u, &g, &gs, &n, NULL, NULL),
			 0);
	assert_int_equal(u, 5);
	assert_int_equal(g, 6);
	free(gs);

	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	assert_int_equal(
		pm_spec_resolve_user(passwd, group, "nosuch", NULL, &u, &g, &gs, &n, NULL, &e1),
		-ENOENT);
	assert_string_equal(e1->msg,
			    "unable to find user 'nosuch': no matching entries in passwd file");
	assert_int_equal(pm_spec_resolve_user(passwd, group, "user1:nogroup", NULL, &u, &g, &gs, &n,
					      NULL, &e2),
			 -ENOENT);
	assert_string_equal(e2->msg,
			    "unable to find group 'nogroup': no matching entries in group file");
	char *badadd[] = {"ghosts", NULL};
	assert_int_equal(
		pm_spec_resolve_user(passwd, group, "user1", badadd, &u, &g, &gs, &n, NULL, &e3),
		-ENOENT);
	assert_non_null(strstr(e3->msg, "--group-add: unable to find group 'ghosts'"));
}

static void test_args(void **state)
{
	char *ep[] = {"/entry", NULL};
	char *cmd[] = {"sh", NULL};
	struct pm_spec_image img = {.entrypoint = ep, .cmd = cmd};
	struct pm_container_config c = {0};
	_cleanup_strv_ char **a1 = NULL, **a2 = NULL, **a3 = NULL, **a4 = NULL;
	assert_int_equal(pm_spec_args(&c, &img, &a1, NULL), 0);
	assert_int_equal(pm_strv_length(a1), 2);
	assert_string_equal(a1[0], "/entry");
	assert_string_equal(a1[1], "sh");

	char *user_cmd[] = {"ls", "-l", NULL};
	c.command = user_cmd;
	assert_int_equal(pm_spec_args(&c, &img, &a2, NULL), 0);
	assert_int_equal(pm_strv_length(a2), 3);
	assert_string_equal(a2[1], "ls");

	/* --entrypoint replaces the image's and drops its Cmd. */
	c.command = NULL;
	c.entrypoint_set = true;
	c.entrypoint = "[\"/bin/echo\", \"hi\"]";
	assert_int_equal(pm_spec_args(&c, &img, &a3, NULL), 0);
	assert_int_equal(pm_strv_length(a3), 2);
	assert_string_equal(a3[0], "/bin/echo");
	assert_string_equal(a3[1], "hi");

	c.entrypoint = "";
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_spec_args(&c, &img, &a4, &err), -EINVAL);
	assert_string_equal(
		err->msg, "no command or entrypoint provided, and no CMD or ENTRYPOINT from image");
	c.entrypoint = NULL;
}

static void test_keepid(void **state)
{
	struct pm_runtime_idmap *m = NULL;
	size_t n = 0;
	/* pm's rootless map: 0 -> user, 1..65536 -> first range, 65537.. -> second range */
	const char *map = "0 1003 1\n1 231072 65536\n65537 30000000 65536\n";
	assert_int_equal(pm_spec_keepid_map(map, 1003, &m, &n, NULL), 0);
	/* split at the namespace's own extent edges */
	assert_int_equal(n, 4);
	assert_true(m[0].ctr == 0 && m[0].host == 1 && m[0].size == 1003);
	assert_true(m[1].ctr == 1003 && m[1].host == 0 && m[1].size == 1);
	assert_true(m[2].ctr == 1004 && m[2].host == 1004 && m[2].size == 65537 - 1004);
	assert_true(m[3].ctr == 65537 && m[3].host == 65537 && m[3].size == 65536);
	free(m);
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_spec_keepid_map("0 1000 1\n", 1000, &m, &n, &err), -EINVAL);
}

static void test_validate(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_spec_validate(&c, NULL), 0);
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
	c.pid = "bogus";
	assert_int_equal(pm_spec_validate(&c, &e1), -EINVAL);
	assert_string_equal(
		e1->msg,
		"--pid: invalid namespace mode 'bogus' (use host, private or container:ID)");
	c.pid = "container:";
	_cleanup_error_ pm_error *e5 = NULL, *e6 = NULL;
	assert_int_equal(pm_spec_validate(&c, &e5), -EINVAL);
	assert_non_null(strstr(e5->msg, "requires a value"));
	c.pid = "container:abc";
	assert_int_equal(pm_spec_validate(&c, NULL), 0);
	c.pid = NULL;
	c.cgroup_parent = "user.slice/x";
	assert_int_equal(pm_spec_validate(&c, &e6), -EINVAL);
	assert_non_null(strstr(e6->msg, "'user.slice/x'"));
	c.cgroup_parent = "pm_pod_x.slice";
	assert_int_equal(pm_spec_validate(&c, NULL), 0);
	c.cgroup_parent = NULL;
	c.network = "bridge";
	assert_int_equal(pm_spec_validate(&c, &e2), -EOPNOTSUPP); /* netslirp/net.h */
	assert_non_null(strstr(e2->msg, "'bridge'"));
	c.network = NULL;
	c.workdir = "rel";
	assert_int_equal(pm_spec_validate(&c, &e3), -EINVAL);
	c.workdir = NULL;
	char *bad[] = {"/a:b", NULL};
	c.volumes = bad;
	assert_int_equal(pm_spec_validate(&c, &e4), -EINVAL);
	c.volumes = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),	    cmocka_unit_test(test_env_file),
		cmocka_unit_test(test_env_expand),  cmocka_unit_test(test_volume),
		cmocka_unit_test(test_userns),	    cmocka_unit_test(test_volume_conflicts),
		cmocka_unit_test(test_mount_tmpfs), cmocka_unit_test(test_user),
		cmocka_unit_test(test_args),	    cmocka_unit_test(test_keepid),
		cmocka_unit_test(test_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
