/* progress.c: podman 4.3's progress lines for load, import, commit and save (what
 * containers/image prints through its ReportWriter, on stderr), and a live bar with bytes
 * done/total while a layer is copied, drawn only when stderr is a terminal. The storage
 * layer reports bytes through struct pm_progress (lib/progress.h); this file prints. -q
 * silences all of it. Called by cli/cmd-load.c, cmd-import.c, cmd-commit.c, cmd-save.c. */
#include <stdio.h>
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

static void draw(void *ctx, const char *digest, uint64_t done, uint64_t total, bool finished)
{
	struct pm_cli_progress *cp = ctx;
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

void pm_cli_progress_end(struct pm_cli_progress *cp)
{
	clear_line(cp);
	if (cp->s && cp->s->progress == &cp->p)
		cp->s->progress = NULL;
}
