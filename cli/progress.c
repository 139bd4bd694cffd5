/* progress.c: podman 4.3's progress lines for load, import, commit and save (what
 * containers/image prints through its ReportWriter, on stderr), and a live bar with bytes
 * done/total while a layer is copied, drawn only when stderr is a terminal. The storage
 * layer reports bytes through struct pm_progress (lib/progress.h); this file prints. -q
 * silences all of it. A pull (pm_cli_progress_pull_event) draws one line per layer on a
 * terminal, redrawn in place while the layers download in parallel (the store's reports
 * come from several threads, one at a time: registry/pull.c serialises them). Called by
 * cli/cmd-load.c, cmd-import.c, cmd-commit.c, cmd-save.c, cmd-pull.c and cmd-run.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/image.h"

static void clear_line(struct pm_cli_progress *cp)
{
	if (cp->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		cp->drawn = false;
	}
}

static void draw_blobs(struct pm_cli_progress *cp, bool force);

static void draw(void *ctx, const char *digest, uint64_t done, uint64_t total, bool finished)
{
	struct pm_cli_progress *cp = ctx;
	if (cp->n_blobs) {
		for (size_t i = 0; digest && i < cp->n_blobs; i++)
			if (strcmp(cp->blobs[i].digest, digest) == 0) {
				cp->blobs[i].done = done;
				cp->blobs[i].total = total;
				cp->blobs[i].finished = finished;
			}
		draw_blobs(cp, finished);
		return;
	}
	if (finished) {
		clear_line(cp);
		return;
	}
	int64_t now = pm_time_clock_ns(CLOCK_MONOTONIC);
	if (cp->drawn && now - cp->last_ns < 100 * 1000 * 1000)
		return;
	cp->last_ns = now;
	const char *hex = digest && strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : NULL;
	_cleanup_free_ char *d = pm_format_size(done);
	fprintf(stderr, "\r\033[KCopying blob %-12.12s ", hex ? hex : "...");
	if (total) {
		_cleanup_free_ char *t = pm_format_size(total);
		int width = 30,
		    fill = (int)(done >= total ? width : (double)done / (double)total * width);
		fprintf(stderr, "[%.*s%s%*s] %s / %s", fill > 0 ? fill - 1 : 0,
			"==============================", fill > 0 ? ">" : "", width - fill, "", d,
			t);
	} else {
		fprintf(stderr, "%s", d);
	}
	fflush(stderr);
	cp->drawn = true;
}

void pm_cli_progress_start(struct pm_cli_progress *cp, struct pm_store *s, bool quiet,
			   bool signatures_line)
{
	*cp = (struct pm_cli_progress){.s = s, .quiet = quiet};
	if (quiet)
		return;
	if (signatures_line)
		fputs("Getting image source signatures\n", stderr);
	cp->tty = isatty(STDERR_FILENO);
	if (cp->tty && s) {
		cp->p = (struct pm_progress){.fn = draw, .ctx = cp};
		s->progress = &cp->p;
	}
}

void pm_cli_progress_image(struct pm_cli_progress *cp, const char *image_id)
{
	if (cp->quiet || !cp->s)
		return;
	clear_line(cp);
	struct pm_image_record rec = {0};
	if (pm_image_resolve(cp->s, image_id, &rec, NULL) == 0) {
		for (size_t i = 0; i < rec.n_layers; i++)
			fprintf(stderr, "Copying blob %s\n", rec.layers[i]);
		fprintf(stderr, "Copying config sha256:%s\n", rec.id);
		pm_image_record_free(&rec);
	}
	fputs("Writing manifest to image destination\nStoring signatures\n", stderr);
}

void pm_cli_progress_images(struct pm_cli_progress *cp, char *const *refs)
{
	if (cp->quiet || !cp->s)
		return;
	_cleanup_strv_ char **ids = NULL;
	for (char *const *ref = refs; ref && *ref; ref++) {
		struct pm_image_record rec = {0};
		if (pm_image_resolve(cp->s, *ref, &rec, NULL) < 0)
			continue;
		if (!pm_strv_contains(ids, rec.id)) {
			pm_cli_progress_image(cp, rec.id);
			pm_strv_push(&ids, rec.id);
		}
		pm_image_record_free(&rec);
	}
}

static const char *short_hex(const char *digest)
{
	return digest && strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : digest ? digest : "";
}

/* One layer's line: "Copying blob 5939de203b5d [=====>     ] 1.2MB / 2.1MB" */
static void blob_line(const struct pm_cli_blob_line *b)
{
	fprintf(stderr, "\r\033[KCopying blob %-12.12s ", short_hex(b->digest));
	if (b->skipped) {
		fputs("skipped: already exists\n", stderr);
		return;
	}
	if (b->finished) {
		fputs("done\n", stderr);
		return;
	}
	_cleanup_free_ char *d = pm_format_size(b->done);
	if (b->total) {
		_cleanup_free_ char *t = pm_format_size(b->total);
		int width = 30,
		    fill = (int)(b->done >= b->total ? width
						     : (double)b->done / (double)b->total * width);
		fprintf(stderr, "[%.*s%s%*s] %s / %s\n", fill > 0 ? fill - 1 : 0,
			"==============================", fill > 0 ? ">" : "", width - fill, "", d,
			t);
	} else {
		fprintf(stderr, "%s\n", d);
	}
}

/* Redraw the layers' lines in place (at most every 100 ms unless force). */
static void draw_blobs(struct pm_cli_progress *cp, bool force)
{
	int64_t now = pm_time_clock_ns(CLOCK_MONOTONIC);
	if (!force && cp->blobs_drawn && now - cp->last_ns < 100 * 1000 * 1000)
		return;
	cp->last_ns = now;
	if (cp->blobs_drawn)
		fprintf(stderr, "\033[%zuA", cp->n_blobs);
	for (size_t i = 0; i < cp->n_blobs; i++)
		blob_line(&cp->blobs[i]);
	fflush(stderr);
	cp->blobs_drawn = true;
}

static void blobs_free(struct pm_cli_progress *cp)
{
	for (size_t i = 0; i < cp->n_blobs; i++)
		free(cp->blobs[i].digest);
	free(cp->blobs);
	cp->blobs = NULL;
	cp->n_blobs = 0;
	cp->blobs_drawn = false;
}

void pm_cli_progress_pull_event(void *ctx, enum pm_pull_event ev, const char *arg)
{
	struct pm_cli_progress *cp = ctx;
	if (cp->quiet)
		return;
	bool bars = cp->tty && cp->s;
	switch (ev) {
	case PM_PULL_RESOLVED:
		fprintf(stderr, "%s\n", arg);
		break;
	case PM_PULL_TRYING:
		blobs_free(cp);
		fprintf(stderr, "Trying to pull %s...\n", arg);
		break;
	case PM_PULL_SIGNATURES:
		fputs("Getting image source signatures\n", stderr);
		break;
	case PM_PULL_BLOB:
	case PM_PULL_BLOB_EXISTS:
		if (!bars) {
			fprintf(stderr, "Copying blob %s\n", arg);
			break;
		}
		cp->blobs = pm_xrealloc(cp->blobs, (cp->n_blobs + 1) * sizeof(*cp->blobs));
		cp->blobs[cp->n_blobs++] = (struct pm_cli_blob_line){
			.digest = pm_xstrdup(arg), .skipped = ev == PM_PULL_BLOB_EXISTS};
		blob_line(&cp->blobs[cp->n_blobs - 1]);
		cp->blobs_drawn = true;
		break;
	case PM_PULL_CONFIG:
		if (!bars) {
			fprintf(stderr, "Copying config %s\n", arg);
			break;
		}
		for (size_t i = 0; i < cp->n_blobs; i++)
			cp->blobs[i].finished = true;
		if (cp->n_blobs)
			draw_blobs(cp, true);
		fprintf(stderr, "Copying config %-10.10s done\n", short_hex(arg));
		break;
	case PM_PULL_MANIFEST:
		fputs("Writing manifest to image destination\n", stderr);
		break;
	case PM_PULL_DONE:
		fputs("Storing signatures\n", stderr);
		blobs_free(cp);
		break;
	}
	fflush(stderr);
}

void pm_cli_progress_end(struct pm_cli_progress *cp)
{
	blobs_free(cp);
	clear_line(cp);
	if (cp->s && cp->s->progress == &cp->p)
		cp->s->progress = NULL;
}
