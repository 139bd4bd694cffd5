/* ctr-log.c: the k8s-file container log (see ctr-log.h): the writer the monitor uses,
 * the reader with --since/--until/--tail and fragment joining, inotify follow, and the
 * line format of `pm logs`. Owns the log file format and rotation. Never prints and
 * never sleeps: follow blocks in poll() on inotify. Called by the monitor (writer) and
 * cli/ (pm logs). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "engine/ctr-log.h"
#include "lib/timeutil.h"
#include "lib/strutil.h"

/* ---- reader ---------------------------------------------------------------------------- */

/* An entry longer than this (without its newline) is not pm's or conmon's: refuse it. */
#define ENTRY_MAX  (16 * 1024 * 1024)
#define READ_CHUNK (64 * 1024)

struct pending {
	struct pm_gobuf text;
	bool active;  /* a line is open: fragments seen, no F yet */
	bool accept;  /* it passes --since/--until */
	bool started; /* a piece of it was delivered */
	int64_t ns;
	int off;
	int64_t end; /* file offset after its last entry */
};

struct pm_log_reader {
	char *path;
	struct pm_log_filter f;
	int fd;
	dev_t dev;
	ino_t ino;
	int64_t off; /* file offset of buf[0] */
	char *buf;   /* read, not yet processed (an incomplete entry) */
	size_t len, cap;
	bool tail_done;
	int64_t cut; /* lines whose last entry ends at or before this are dropped (tail) */
	struct pending pend[2];
};

pm_log_reader *pm_ctr_log_reader_free(pm_log_reader *r)
{
	if (!r)
		return NULL;
	if (r->fd >= 0)
		close(r->fd);
	for (size_t i = 0; i < ARRAY_SIZE(r->pend); i++)
		pm_gobuf_done(&r->pend[i].text);
	free(r->buf);
	free(r->path);
	free(r);
	return NULL;
}

int pm_ctr_log_reader_open(const char *path, const struct pm_log_filter *filter,
			   pm_log_reader **ret, pm_error **err)
{
	pm_log_reader *r = pm_xcalloc(1, sizeof(*r));
	r->path = pm_xstrdup(path);
	r->fd = -1;
	r->cut = -1;
	if (filter)
		r->f = *filter;
	else
		r->f.tail = -1;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 && errno != ENOENT) {
		int e = errno;
		pm_ctr_log_reader_free(r);
		return pm_error_set_errno(err, e, "opening container log '%s'", path);
	}
	if (r->fd >= 0) {
		struct stat st;
		if (fstat(r->fd, &st) == 0) {
			r->dev = st.st_dev;
			r->ino = st.st_ino;
		}
	}
	*ret = r;
	return 0;
}

struct entry {
	int64_t ns;
	int off;
	int stream; /* -1: a stream pm does not show (stdin) */
	bool partial;
	const char *msg;
	size_t len;
};

static int bad_entry(pm_log_reader *r, const char *line, size_t len, pm_error **err)
{
	return pm_error_set(err, EINVAL, "reading container log '%s': invalid entry '%.*s'",
			    r->path, (int)(len > 80 ? 80 : len), line);
}

/* "<time> <stream> <tag> <msg>". with_time: parse the time too. */
static int parse_entry(pm_log_reader *r, const char *line, size_t len, bool with_time,
		       struct entry *e, pm_error **err)
{
	const char *end = line + len;
	const char *sp1 = memchr(line, ' ', len);
	if (!sp1)
		return bad_entry(r, line, len, err);
	const char *st = sp1 + 1;
	const char *sp2 = memchr(st, ' ', (size_t)(end - st));
	if (!sp2 || sp2 + 1 >= end)
		return bad_entry(r, line, len, err);
	const char *tag = sp2 + 1;
	const char *sp3 = memchr(tag, ' ', (size_t)(end - tag));
	const char *tag_end = sp3 ? sp3 : end;
	if (tag_end == tag || (tag[0] != 'F' && tag[0] != 'P'))
		return bad_entry(r, line, len, err);
	if (with_time && pm_time_parse_rfc3339(line, (size_t)(sp1 - line), &e->ns, &e->off) < 0)
		return bad_entry(r, line, len, err);
	size_t slen = (size_t)(sp2 - st);
	e->stream = -1;
	for (size_t i = 0; i < ARRAY_SIZE(pm_log_stream_names); i++)
		if (strlen(pm_log_stream_names[i]) == slen &&
		    memcmp(pm_log_stream_names[i], st, slen) == 0)
			e->stream = (int)i;
	e->partial = tag[0] == 'P';
	e->msg = sp3 ? sp3 + 1 : end;
	e->len = (size_t)(end - e->msg);
	return 0;
}

static bool passes(const pm_log_reader *r, int64_t ns)
{
	if (r->f.has_since && !(ns > r->f.since_ns))
		return false;
	if (r->f.has_until && !(ns < r->f.until_ns))
		return false;
	return true;
}

static int deliver(int stream, struct pending *p, bool eol, pm_log_line_fn fn, void *userdata)
{
	struct pm_log_line l = {
		.stream = (enum pm_log_stream)stream,
		.ns = p->ns,
		.off = p->off,
		.msg = p->text.s ? p->text.s : "",
		.len = p->text.len,
		.first = !p->started,
		.eol = eol,
	};
	int r = fn(&l, userdata);
	p->started = true;
	p->text.len = 0;
	if (p->text.s)
		p->text.s[0] = '\0';
	return r < 0 ? r : 0;
}

static void pending_reset(struct pending *p)
{
	p->active = p->accept = p->started = false;
	p->text.len = 0;
	if (p->text.s)
		p->text.s[0] = '\0';
}

/* One complete entry (without its newline) ending at file offset end. */
static int handle_entry(pm_log_reader *r, const char *line, size_t len, int64_t end,
			pm_log_line_fn fn, void *userdata, pm_error **err)
{
	struct entry e;
	int k = parse_entry(r, line, len, true, &e, err);
	if (k < 0)
		return k;
	if (e.stream < 0)
		return 0;
	struct pending *p = &r->pend[e.stream];
	if (!p->active) {
		p->active = true;
		p->started = false;
		p->ns = e.ns;
		p->off = e.off;
		p->accept = passes(r, e.ns);
		p->text.len = 0;
	}
	p->end = end;
	if (p->accept)
		pm_gobuf_add(&p->text, e.msg, e.len);
	if (!e.partial) {
		if (p->accept && end > r->cut)
			k = deliver(e.stream, p, true, fn, userdata);
		pending_reset(p);
		return k;
	}
	if (p->accept && end > r->cut && p->text.len >= PM_LOG_JOIN_MAX)
		return deliver(e.stream, p, false, fn, userdata);
	return 0;
}

/* ---- tail: find where to start reading, scanning backwards ---- */

struct rev {
	int fd;
	int64_t bpos; /* file offset of buf[0] */
	char *buf;
	size_t blen, cap;
};

static int pread_all(int fd, char *buf, size_t len, int64_t off)
{
	while (len > 0) {
		ssize_t n = pread(fd, buf, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO; /* the file shrank under us */
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* The line ending with the '\n' at end - 1: [*ret_start, end - 1). */
static int rev_prev(struct rev *rv, int64_t end, int64_t *ret_start, const char **ret_line,
		    size_t *ret_len)
{
	int64_t want = READ_CHUNK;
	for (;;) {
		if (end - 1 >= rv->bpos && end <= rv->bpos + (int64_t)rv->blen) {
			size_t i = (size_t)(end - 1 - rv->bpos);
			const char *nl = memrchr(rv->buf, '\n', i);
			if (nl || rv->bpos == 0) {
				int64_t s = nl ? rv->bpos + (nl - rv->buf) + 1 : 0;
				*ret_start = s;
				*ret_line = rv->buf + (s - rv->bpos);
				*ret_len = (size_t)(end - 1 - s);
				return 0;
			}
			want = 2 * (end - rv->bpos);
			if (want > ENTRY_MAX)
				return -E2BIG;
		}
		int64_t lo = end - want < 0 ? 0 : end - want;
		size_t n = (size_t)(end - lo);
		if (n > rv->cap) {
			rv->buf = pm_xrealloc(rv->buf, n);
			rv->cap = n;
		}
		int k = pread_all(rv->fd, rv->buf, n, lo);
		if (k < 0)
			return k;
		rv->bpos = lo;
		rv->blen = n;
	}
}

/* Set r->cut and the start offset for the last r->f.tail lines. */
static int tail_seek(pm_log_reader *r, pm_error **err)
{
	struct rev rv = {.fd = r->fd};
	struct stat st;
	int64_t pos, start, cut = -1;
	int k = 0;

	if (fstat(r->fd, &st) < 0)
		return pm_error_set_errno(err, errno, "reading container log '%s'", r->path);
	/* Only complete entries: back up to the last newline. */
	pos = st.st_size;
	while (pos > 0) {
		char c;
		k = pread_all(r->fd, &c, 1, pos - 1);
		if (k < 0)
			goto fail;
		if (c == '\n')
			break;
		pos--;
	}

	bool seen[2] = {false, false}, need[2] = {false, false};
	int64_t count = 0;
	while (pos > 0) {
		int64_t s;
		const char *line;
		size_t len;
		struct entry e;
		k = rev_prev(&rv, pos, &s, &line, &len);
		if (k < 0)
			goto fail;
		k = parse_entry(r, line, len, false, &e, err);
		if (k < 0)
			goto out;
		if (e.stream >= 0) {
			bool is_end = !e.partial || !seen[e.stream];
			if (is_end && count == r->f.tail) {
				cut = pos;
				need[0] = seen[0];
				need[1] = seen[1];
				break;
			}
			if (is_end)
				count++;
			seen[e.stream] = true;
		}
		pos = s;
	}
	if (cut < 0) {
		start = 0; /* fewer lines than asked for: everything */
	} else {
		/* A stream with lines after the cut whose line crosses it: start after its
		 * previous F entry. */
		int64_t sx[2] = {cut, cut};
		bool open[2] = {need[0], need[1]};
		pos = cut;
		while ((open[0] || open[1]) && pos > 0) {
			int64_t s;
			const char *line;
			size_t len;
			struct entry e;
			k = rev_prev(&rv, pos, &s, &line, &len);
			if (k < 0)
				goto fail;
			k = parse_entry(r, line, len, false, &e, err);
			if (k < 0)
				goto out;
			if (e.stream >= 0 && open[e.stream] && !e.partial) {
				sx[e.stream] = pos;
				open[e.stream] = false;
			}
			pos = s;
		}
		start = cut;
		for (int i = 0; i < 2; i++) {
			if (!need[i])
				continue;
			if (open[i])
				sx[i] = 0;
			if (sx[i] < start)
				start = sx[i];
		}
	}
	if (lseek(r->fd, start, SEEK_SET) < 0) {
		k = -errno;
		goto fail;
	}
	r->off = start;
	r->cut = cut;
	free(rv.buf);
	return 0;
fail:
	k = pm_error_set_errno(err, -k, "reading container log '%s'", r->path);
out:
	free(rv.buf);
	return k;
}

static void reader_reset_file(pm_log_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->off = 0;
	r->len = 0;
	r->cut = -1;
}

/* Read the open fd to EOF, handling complete entries. */
static int read_to_eof(pm_log_reader *r, pm_log_line_fn fn, void *userdata, pm_error **err)
{
	for (;;) {
		if (r->cap - r->len < READ_CHUNK) {
			if (r->len > ENTRY_MAX)
				return pm_error_set(
					err, E2BIG,
					"reading container log '%s': entry longer than %d bytes",
					r->path, ENTRY_MAX);
			r->cap = r->len + 2 * READ_CHUNK;
			r->buf = pm_xrealloc(r->buf, r->cap);
		}
		ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pm_error_set_errno(err, errno, "reading container log '%s'",
						  r->path);
		}
		if (n == 0)
			return 0;
		size_t from = r->len;
		r->len += (size_t)n;
		size_t done = 0;
		const char *nl;
		while ((nl = memchr(r->buf + from, '\n', r->len - from))) {
			size_t e = (size_t)(nl - r->buf);
			int k = handle_entry(r, r->buf + done, e - done, r->off + (int64_t)e + 1,
					     fn, userdata, err);
			if (k < 0)
				return k;
			done = from = e + 1;
		}
		memmove(r->buf, r->buf + done, r->len - done);
		r->len -= done;
		r->off += (int64_t)done;
	}
}

int pm_ctr_log_reader_read(pm_log_reader *r, pm_log_line_fn fn, void *userdata, pm_error **err)
{
	for (int rounds = 0; rounds < 16; rounds++) {
		if (r->fd < 0) {
			r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
			if (r->fd < 0) {
				if (errno == ENOENT)
					return 0;
				return pm_error_set_errno(err, errno, "opening container log '%s'",
							  r->path);
			}
			struct stat st;
			if (fstat(r->fd, &st) == 0) {
				r->dev = st.st_dev;
				r->ino = st.st_ino;
			}
		}
		if (!r->tail_done) {
			r->tail_done = true;
			if (r->f.tail >= 0) {
				int k = tail_seek(r, err);
				if (k < 0)
					return k;
			}
		}
		int k = read_to_eof(r, fn, userdata, err);
		if (k < 0)
			return k;
		/* Replaced (rotation) or truncated? Then read the new content from its start. */
		struct stat st, fst;
		if (stat(r->path, &st) < 0)
			return 0; /* removed: what we read is all there is */
		if (st.st_ino != r->ino || st.st_dev != r->dev) {
			reader_reset_file(r);
			continue;
		}
		if (fstat(r->fd, &fst) == 0 && fst.st_size < r->off + (int64_t)r->len) {
			int fd = TAKE_FD(r->fd);
			reader_reset_file(r);
			r->fd = fd;
			if (lseek(fd, 0, SEEK_SET) < 0)
				return pm_error_set_errno(err, errno, "reading container log '%s'",
							  r->path);
			continue;
		}
		return 0;
	}
	return 0;
}

int pm_ctr_log_reader_finish(pm_log_reader *r, pm_log_line_fn fn, void *userdata, pm_error **err)
{
	/* Oldest first. */
	int order[2] = {PM_LOG_STDOUT, PM_LOG_STDERR};
	if (r->pend[1].active && (!r->pend[0].active || r->pend[1].ns < r->pend[0].ns)) {
		order[0] = PM_LOG_STDERR;
		order[1] = PM_LOG_STDOUT;
	}
	for (int i = 0; i < 2; i++) {
		struct pending *p = &r->pend[order[i]];
		int k = 0;
		if (p->active && p->accept && p->end > r->cut && (p->text.len > 0 || !p->started))
			k = deliver(order[i], p, false, fn, userdata);
		pending_reset(p);
		if (k < 0)
			return k;
	}
	return 0;
}

int pm_ctr_log_read(const char *path, const struct pm_log_filter *filter, pm_log_line_fn fn,
		    void *userdata, pm_error **err)
{
	_cleanup_log_reader_ pm_log_reader *r = NULL;
	int k = pm_ctr_log_reader_open(path, filter, &r, err);
	if (k < 0)
		return k;
	k = pm_ctr_log_reader_read(r, fn, userdata, err);
	if (k < 0)
		return k;
	return pm_ctr_log_reader_finish(r, fn, userdata, err);
}

/* ---- follow ------------------------------------------------------------------------------ */

#define WATCH_MASK                                                                                 \
	(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF |       \
	 IN_MOVE_SELF | IN_ONLYDIR)

struct follow_state {
	int log_wd, exit_wd;
	const char *exit_name;
	bool check_exit, gone, done;
};

static int watch_dir_of(int ifd, const char *path, pm_error **err)
{
	_cleanup_free_ char *dir = pm_xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	int wd = inotify_add_watch(ifd, dir, WATCH_MASK);
	if (wd < 0)
		return pm_error_set_errno(err, errno, "watching directory '%s'", dir);
	return wd;
}

static bool exited_now(const struct pm_log_follow *s)
{
	if (s->exited)
		return s->exited(s->exited_userdata);
	return access(s->exit_path, F_OK) == 0;
}

int pm_ctr_log_follow(struct pm_log_follow *srcs, size_t n, int stop_fd, pm_error **err)
{
	_cleanup_close_ int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0)
		return pm_error_set_errno(err, errno, "following logs: inotify");
	_cleanup_free_ struct follow_state *st = pm_xcalloc(n ? n : 1, sizeof(*st));

	/* Watches first, then the first read: no change can slip between the two. */
	for (size_t i = 0; i < n; i++) {
		st[i].log_wd = watch_dir_of(ifd, srcs[i].reader->path, err);
		if (st[i].log_wd < 0)
			return st[i].log_wd;
		st[i].exit_wd = -1;
		if (srcs[i].exit_path) {
			st[i].exit_wd = watch_dir_of(ifd, srcs[i].exit_path, err);
			if (st[i].exit_wd < 0)
				return st[i].exit_wd;
			const char *b = strrchr(srcs[i].exit_path, '/');
			st[i].exit_name = b ? b + 1 : srcs[i].exit_path;
			st[i].check_exit = true;
		}
	}

	char evbuf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		size_t left = 0;
		for (size_t i = 0; i < n; i++) {
			struct pm_log_follow *s = &srcs[i];
			if (st[i].done)
				continue;
			int k = pm_ctr_log_reader_read(s->reader, s->fn, s->userdata, err);
			if (k < 0)
				return k;
			bool end = st[i].gone;
			if (!end && st[i].check_exit) {
				st[i].check_exit = false;
				end = exited_now(s);
			}
			if (end) {
				/* The monitor wrote its last output before the exit state. */
				k = pm_ctr_log_reader_read(s->reader, s->fn, s->userdata, err);
				if (k >= 0)
					k = pm_ctr_log_reader_finish(s->reader, s->fn, s->userdata,
								     err);
				if (k < 0)
					return k;
				st[i].done = true;
				continue;
			}
			left++;
		}
		if (left == 0)
			return 0;

		struct pollfd pfd[2] = {{.fd = ifd, .events = POLLIN},
					{.fd = stop_fd, .events = POLLIN}};
		int pr = poll(pfd, stop_fd >= 0 ? 2 : 1, -1);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			return pm_error_set_errno(err, errno, "following logs: poll");
		}
		if (stop_fd >= 0 && pfd[1].revents)
			return 1;
		for (;;) {
			ssize_t len = read(ifd, evbuf, sizeof(evbuf));
			if (len < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN)
					break;
				return pm_error_set_errno(err, errno, "following logs: inotify");
			}
			for (char *p = evbuf; p < evbuf + len;) {
				const struct inotify_event *ev = (const struct inotify_event *)p;
				p += sizeof(*ev) + ev->len;
				for (size_t i = 0; i < n; i++) {
					if (ev->mask & IN_Q_OVERFLOW)
						st[i].check_exit = srcs[i].exit_path != NULL;
					if (ev->wd == st[i].exit_wd && ev->len &&
					    strcmp(ev->name, st[i].exit_name) == 0)
						st[i].check_exit = true;
					if (ev->wd == st[i].log_wd &&
					    (ev->mask &
					     (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)))
						st[i].gone = true;
				}
			}
		}
	}
}

/* ---- output ------------------------------------------------------------------------------ */

void pm_ctr_log_format(const struct pm_log_line *line, const struct pm_log_print_opts *opts,
		       struct pm_gobuf *b)
{
	if (opts->color)
		pm_gobuf_adds(b, opts->color);
	if (line->first) {
		if (opts->prefix) {
			pm_gobuf_adds(b, opts->prefix);
			pm_gobuf_addc(b, ' ');
		}
		if (opts->timestamps) {
			char ts[PM_TIME_LOG_LEN];
			pm_time_format_log(line->ns, line->off, ts);
			pm_gobuf_adds(b, ts);
			pm_gobuf_addc(b, ' ');
		}
	}
	pm_gobuf_add(b, line->msg, line->len);
	if (opts->color)
		pm_gobuf_adds(b, "\033[0m");
	if (line->eol)
		pm_gobuf_addc(b, '\n');
}
