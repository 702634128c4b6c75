/*
 * The results directory: the checks before a run may replace it, its
 * marker, leftovers of dead runs, the pcaps written into it, and the
 * final write and atomic swap of the complete directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "conf.h"
#include "run_int.h"

/*
 * The results directory. A run writes into ".NAME.tmp.PID" beside NAME
 * and renames it into place when complete; the old NAME goes aside as
 * ".NAME.tmp.PID.old.PID" for the moment of the swap. Every directory pfsim
 * makes holds RUN_MARKER: "pfsim VERSION" on its first line and, once the
 * run is complete, the name of every file and directory it wrote. Nothing
 * here follows a symbolic link: directories are opened O_NOFOLLOW and
 * entries examined with lstat semantics.
 */
#define RUN_MARKER_TAG	"pfsim "
#define RUN_MAXDEPTH	8		/* pcap/ is the only level used */
#define RUN_MAXENTRIES	100000

/* snprintf that refuses to cut: 0, or -1 with errno ENAMETOOLONG. */
int
run_pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* rm -r of name under dirfd, never through a link: a link is unlinked. */
static int
rmtree_at(int dirfd, const char *name, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (depth > RUN_MAXDEPTH)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			rmtree_at(fd, de->d_name, depth + 1);
		else
			unlinkat(fd, de->d_name, 0);
	}
	closedir(d);
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* rm -r for the directories pfsim made (its temporary one, the old). */
int
run_rmtree(const char *dir)
{
	return rmtree_at(AT_FDCWD, dir, 0);
}

int
run_mkdirs(const char *path)
{
	char buf[1100], *p;

	if (run_pathf(buf, sizeof(buf), "%s", path) != 0)
		return -1;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* A list of relative names: "summary.json", "pcap/", "pcap/x.pcap". */
struct names {
	char	**v;
	size_t	  n, cap;
};

static int
names_add(struct names *nm, const char *pfx, const char *name,
    const char *sfx)
{
	size_t len = strlen(pfx) + strlen(name) + strlen(sfx) + 1;

	if (nm->n == RUN_MAXENTRIES) {
		errno = 0;	/* "too many files" */
		return -1;
	}
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? 2 * nm->cap : 64;
		char **v = realloc(nm->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		nm->v = v;
		nm->cap = cap;
	}
	if ((nm->v[nm->n] = malloc(len)) == NULL)
		return -1;
	snprintf(nm->v[nm->n++], len, "%s%s%s", pfx, name, sfx);
	return 0;
}

static void
names_free(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
names_sort(struct names *nm)
{
	if (nm->n > 1)
		qsort(nm->v, nm->n, sizeof(*nm->v), names_cmp);
}

static int
names_has(const struct names *nm, const char *name)
{
	return nm->n > 0 && bsearch(&name, nm->v, nm->n, sizeof(*nm->v),
	    names_cmp) != NULL;
}

/*
 * Everything under the directory fd (consumed), by relative name:
 * directories end in '/', regular files do not, and anything else (a
 * link, a FIFO, ...) goes to odd, for pfsim writes none. RUN_MARKER at
 * the top is left out. 0, or -1 with errno set.
 */
static int
walk(int fd, const char *pfx, int depth, struct names *nm, struct names *odd)
{
	struct dirent *de;
	struct stat st;
	char sub[1100];
	DIR *d;
	int rv = 0, sfd;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while (rv == 0 && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (depth == 0 && !strcmp(de->d_name, RUN_MARKER))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			rv = -1;
		else if (S_ISREG(st.st_mode))
			rv = names_add(nm, pfx, de->d_name, "");
		else if (!S_ISDIR(st.st_mode) || depth == RUN_MAXDEPTH)
			rv = names_add(odd, pfx, de->d_name, "");
		else if ((rv = names_add(nm, pfx, de->d_name, "/")) == 0 &&
		    (rv = run_pathf(sub, sizeof(sub), "%s%s/", pfx,
		    de->d_name)) == 0) {
			sfd = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			rv = sfd < 0 ? -1 : walk(sfd, sub, depth + 1, nm, odd);
		}
	}
	closedir(d);
	return rv;
}

static int
walk_dir(const char *dir, struct names *nm, struct names *odd)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || walk(fd, "", 0, nm, odd) != 0)
		return -1;
	names_sort(nm);
	names_sort(odd);
	return 0;
}

/*
 * Reads RUN_MARKER in the directory dirfd: 1 and its list in nm (if nm
 * is not NULL) if it is pfsim's, 0 if there is none or it is not.
 */
static int
marker_read(int dirfd, struct names *nm)
{
	char line[1100];
	FILE *f;
	int fd, ok;

	fd = openat(dirfd, RUN_MARKER, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return 0;
	}
	ok = fgets(line, sizeof(line), f) != NULL &&
	    strncmp(line, RUN_MARKER_TAG, strlen(RUN_MARKER_TAG)) == 0;
	while (ok && nm != NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0' && line[0] != '#' &&
		    names_add(nm, "", line, "") != 0)
			ok = 0;
	}
	fclose(f);
	if (nm != NULL)
		names_sort(nm);
	return ok;
}

/*
 * RUN_MARKER in dir: the version, and with nm the files of a complete
 * run. 0, or -1 with errno set.
 */
int
run_marker_write(const char *dir, const struct names *nm)
{
	char path[1200];
	FILE *f;
	size_t i;
	int rv = 0;

	if (run_pathf(path, sizeof(path), "%s/%s", dir, RUN_MARKER) != 0 ||
	    (f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "%s%s\n", RUN_MARKER_TAG, run_version);
	fprintf(f, "# A results directory pfsim wrote. A later run replaces "
	    "it whole, but only\n# while it holds nothing but the files "
	    "listed here.\n");
	for (i = 0; nm != NULL && i < nm->n; i++)
		fprintf(f, "%s\n", nm->v[i]);
	if (fflush(f) != 0 || ferror(f))
		rv = -1;
	if (fclose(f) != 0)
		rv = -1;
	if (rv != 0 && errno == 0)
		errno = EIO;
	return rv;
}

/* A word as sh reads it back, into buf (cut only past len). */
static void
shell_quote(char *buf, size_t len, const char *w)
{
	size_t n = 0;

	if (*w != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
	    "NOPQRSTUVWXYZ0123456789_-+=,./:@%") == strlen(w)) {
		snprintf(buf, len, "%s", w);
		return;
	}
	if (len < 3) {
		buf[0] = '\0';
		return;
	}
	buf[n++] = '\'';
	for (; *w && n + 6 < len; w++) {
		if (*w == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else
			buf[n++] = *w;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}

/*
 * The results directory is replaced whole at the end, so it must be one
 * pfsim made: RUN_MARKER in it, and nothing in it that the marker does not
 * list. "No foreign files" checks names, against the list the marker
 * carries (which the run wrote down from what it had written), rather than
 * a list of its own here: the models add files of their own (states-*.txt,
 * flows.csv, ...), and the engine does not know their names. An empty
 * directory may be used too. Anything else is refused before anything is
 * touched: a mistyped --out must never delete a directory.
 */
int
run_check_outdir(struct run *r, char *err, size_t errlen)
{
	struct names have = { 0 }, odd = { 0 }, listed = { 0 };
	char q[1100];
	struct stat st;
	size_t i;
	int fd, rv = -1;

	if (lstat(r->outdir, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "pfsim: %s: %s", r->outdir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "pfsim: %s exists and is not a "
		    "directory: not replacing it", r->outdir);
		return -1;
	}
	if (walk_dir(r->outdir, &have, &odd) != 0) {
		snprintf(err, errlen, "pfsim: %s: %s: not replacing it",
		    r->outdir, errno == 0 ? "too many files" :
		    strerror(errno));
		goto out;
	}
	fd = open(r->outdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !marker_read(fd, &listed)) {
		if (fd >= 0)
			close(fd);
		shell_quote(q, sizeof(q), r->outdir);
		if (have.n + odd.n == 0)
			rv = 0;		/* empty */
		else if (names_has(&have, "summary.json"))
			snprintf(err, errlen, "pfsim: %s holds a summary.json "
			    "but no %s marker: results of a pfsim from before "
			    "the marker existed, or not pfsim's at all; not "
			    "replacing it. If they are old results you no "
			    "longer need, remove them (rm -r %s) and run "
			    "again; otherwise choose another --out or "
			    "sim.name", r->outdir, RUN_MARKER, q);
		else
			snprintf(err, errlen, "pfsim: %s is not empty and "
			    "holds no %s marker: not a pfsim results "
			    "directory, not replacing it (choose another --out "
			    "or sim.name)", r->outdir, RUN_MARKER);
		goto out;
	}
	close(fd);
	if (odd.n > 0) {
		snprintf(err, errlen, "pfsim: %s/%s is neither a file nor a "
		    "directory: pfsim wrote no such thing, not replacing %s "
		    "(move it out, or choose another --out)", r->outdir,
		    odd.v[0], r->outdir);
		goto out;
	}
	for (i = 0; i < have.n; i++)
		if (!names_has(&listed, have.v[i])) {
			snprintf(err, errlen, "pfsim: %s/%s: not a file pfsim "
			    "wrote (%s/%s lists those): not replacing %s "
			    "(move it out, or choose another --out)",
			    r->outdir, have.v[i], r->outdir, RUN_MARKER,
			    r->outdir);
			goto out;
		}
	rv = 0;
out:
	names_free(&have);
	names_free(&odd);
	names_free(&listed);
	return rv;
}

/*
 * Leftovers of runs that died: ".NAME.tmp.PID" (and its ".old.PID") with
 * PID gone. Removed only when a real directory (not a link) that holds
 * pfsim's marker, or when empty (a run that died before writing it).
 */
void
run_clean_stale(const char *parent, const char *base)
{
	char pfx[1100];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int dfd, fd;

	if (run_pathf(pfx, sizeof(pfx), ".%s.tmp.", base) != 0 ||
	    (dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(de->d_name, pfx, strlen(pfx)) != 0)
			continue;
		/* PID or PID.old.PID, as run_finish_results names them. */
		errno = 0;
		pid = strtol(de->d_name + strlen(pfx), &end, 10);
		if (errno != 0 || pid <= 0 || pid > INT_MAX ||
		    (*end != '\0' && (strncmp(end, ".old.", 5) != 0 ||
		    end[5] == '\0' || strspn(end + 5, "0123456789") !=
		    strlen(end + 5))))
			continue;	/* not a name pfsim makes */
		if (pid != (long)getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;	/* still running */
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (marker_read(fd, NULL))
			rmtree_at(dfd, de->d_name, 0);
		else
			unlinkat(dfd, de->d_name, AT_REMOVEDIR);
		close(fd);
	}
	closedir(d);
}

/*
 * --out (or results/NAME) that is a symbolic link, or ends in . or ..,
 * is resolved here, once, and the real path used from then on: nothing
 * later follows a link (nor deletes through one).
 */
int
run_resolve_outdir(struct run *r, char *err, size_t errlen)
{
	char real[PATH_MAX];
	const char *base = strrchr(r->outdir, '/');
	struct stat st;
	size_t n;

	base = base ? base + 1 : r->outdir;
	if (strcmp(base, ".") != 0 && strcmp(base, "..") != 0 &&
	    (lstat(r->outdir, &st) != 0 || !S_ISLNK(st.st_mode))) {
		if (strcmp(r->outdir, "/") != 0)
			return 0;
		snprintf(err, errlen, "pfsim: --out /: not a directory pfsim "
		    "replaces");
		return -1;
	}
	if (realpath(r->outdir, real) == NULL) {
		snprintf(err, errlen, "pfsim: %s: a symbolic link that does "
		    "not resolve (%s): not following it", r->outdir,
		    strerror(errno));
		return -1;
	}
	if (strcmp(real, "/") == 0) {
		snprintf(err, errlen, "pfsim: %s is /: not a directory pfsim "
		    "replaces", r->outdir);
		return -1;
	}
	n = strlen(real);
	if (n >= sizeof(r->outdir)) {
		snprintf(err, errlen, "pfsim: %s: its real path is %zu "
		    "characters long; at most %zu are accepted", r->outdir,
		    n, sizeof(r->outdir) - 1);
		return -1;
	}
	memcpy(r->outdir, real, n + 1);
	return 0;
}

/* fclose that says why it failed: 0, or -1 with errno set. */
int
run_fclose(FILE *f)
{
	int bad, e;

	errno = 0;
	bad = fflush(f) != 0 || ferror(f);
	e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad)
		return 0;
	errno = e != 0 ? e : EIO;	/* the stream knew no more */
	return -1;
}

/* The pcaps go into the temporary results directory, by sim.capture. */
int
run_capture_iface(struct run *r, struct iface *ifp, int is_sync)
{
	char path[1600], err[256];

	if (strcmp(r->capmode, "none") == 0 ||
	    (strcmp(r->capmode, "sync") == 0 && !is_sync))
		return 0;
	if (strcmp(r->capmode, "merged") == 0) {
		char name[64];

		if (r->merged == NULL) {
			snprintf(path, sizeof(path), "%s/pcap/merged.pcapng",
			    r->tmpdir);
			if ((r->merged = capture_open_merged(path, err,
			    sizeof(err))) == NULL) {
				fprintf(stderr, "pfsim: %s\n", err);
				return -1;
			}
			capture_set_budget(r->merged, &r->capbudget);
			ifp->cap = r->merged;	/* the first reference */
		} else
			ifp->cap = capture_ref(r->merged);
		snprintf(name, sizeof(name), "%s-%s", ifp->node->name,
		    ifp->name);
		ifp->cap_if = capture_add_iface(r->merged, name);
	} else {
		if (run_pathf(path, sizeof(path), "%s/pcap/%s-%s.pcap",
		    r->tmpdir, ifp->node->name, ifp->name) != 0) {
			fprintf(stderr, "pfsim: %s/pcap/%s-%s.pcap: %s\n",
			    r->tmpdir, ifp->node->name, ifp->name,
			    strerror(errno));
			return -1;
		}
		if ((ifp->cap = capture_open(path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "pfsim: %s\n", err);
			return -1;
		}
		capture_set_budget(ifp->cap, &r->capbudget);
	}
	if (r->ncaps == RUN_MAXCAPS) {
		fprintf(stderr, "pfsim: more than %d captures: use --capture "
		    "merged or sync\n", RUN_MAXCAPS);
		capture_close(ifp->cap);
		ifp->cap = NULL;
		return -1;
	}
	r->caps[r->ncaps++] = ifp->cap;
	return 0;
}

/*
 * Close every capture and detach it from its interfaces: frames sent
 * while the models are torn down (held packets that OpenBSD transmits on
 * destroy, say) are no longer recorded. With err, the first failure is
 * described there (the file and the cause).
 */
int
run_close_captures(struct run *r, char *err, size_t errlen)
{
	int i, k, rv = 0;

	if (r->w != NULL)
		for (i = 0; i < r->w->nnodes; i++)
			for (k = 0; k < r->w->nodes[i]->nifs; k++)
				r->w->nodes[i]->ifs[k]->cap = NULL;
	for (i = 0; i < r->ncaps; i++) {
		char path[1200];

		snprintf(path, sizeof(path), "%s", capture_path(r->caps[i]));
		if (capture_close(r->caps[i]) != 0 && rv == 0) {
			if (err != NULL)
				snprintf(err, errlen, "pfsim: writing %s: %s",
				    path, strerror(errno));
			rv = -1;
		}
	}
	r->ncaps = 0;
	return rv;
}

/*
 * Write the rest of the results into the temporary directory and swap it
 * in for the old one. 0, or -1 with err naming the file and the cause.
 */
int
run_finish_results(struct run *r, double wall, char *err, size_t errlen)
{
	struct names nm = { 0 }, odd = { 0 };
	char path[1200], old[1200];
	FILE *f;
	int i;

	if (run_pathf(path, sizeof(path), "%s/params.conf", r->tmpdir) != 0 ||
	    (f = fopen(path, "w")) == NULL)
		goto fail;
	fprintf(f, "# params.conf: every parameter of the run %s (%s),\n"
	    "# resolved. `./sim params.conf` runs it again with the same "
	    "results\n# (summary.json: all but wall_seconds and command). "
	    "A key left at its\n# default is a comment, and stays unset "
	    "(a firewall's hw profile may\n# replace the default).\n"
	    "# pfsim %s, backend %s\n\n", r->name, conf_path(r->conf),
	    run_version, sim_backend(r->w)->name);
	if (conf_write_resolved(r->conf, f) != 0) {
		run_fclose(f);
		goto fail;
	}
	if (run_fclose(f) != 0)
		goto fail;
	if (run_pathf(path, sizeof(path), "%s/summary.json", r->tmpdir) != 0 ||
	    run_write_summary(r, path, wall, false) != 0)
		goto fail;
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->report_files) {
			errno = 0;
			if (pfsim_models[i]->report_files(r, r->tmpdir) == 0)
				continue;
			/* XXX the model knows which file; we know the dir. */
			snprintf(err, errlen, "pfsim: writing the %s reports "
			    "into %s: %s", pfsim_models[i]->st->type,
			    r->tmpdir, strerror(errno != 0 ? errno : EIO));
			return -1;
		}
	if (run_close_captures(r, err, errlen) != 0)
		return -1;
	/* The marker lists what the run wrote: a later run checks it. */
	if (walk_dir(r->tmpdir, &nm, &odd) != 0 ||
	    run_marker_write(r->tmpdir, &nm) != 0) {
		snprintf(err, errlen, "pfsim: writing %s/%s: %s", r->tmpdir,
		    RUN_MARKER, errno != 0 ? strerror(errno) :
		    "too many files");
		names_free(&nm);
		names_free(&odd);
		return -1;
	}
	names_free(&nm);
	names_free(&odd);
	/* A signal until here stops the run; from here the swap completes. */
	if (run_stopped()) {
		snprintf(err, errlen, "pfsim: interrupted (%s)",
		    run_signal_name(run_stopped()));
		return -1;
	}
	/* Replace an old results directory only by a complete new one, and
	 * only if it is still one pfsim may replace (checked at the start
	 * too, before anything was written; a run can be long). */
	if (run_check_outdir(r, err, errlen) != 0)
		return -1;
	if (run_pathf(old, sizeof(old), "%s.old.%ld", r->tmpdir,
	    (long)getpid()) != 0) {
		snprintf(path, sizeof(path), "%s", old);
		goto fail;
	}
	if (rename(r->outdir, old) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "pfsim: renaming %s to %s: %s",
		    r->outdir, old, strerror(errno));
		return -1;
	}
	if (rename(r->tmpdir, r->outdir) != 0) {
		int e = errno;

		if (rename(old, r->outdir) != 0 && errno != ENOENT)
			snprintf(err, errlen, "pfsim: renaming %s to %s: %s "
			    "(the old results are in %s)", r->tmpdir,
			    r->outdir, strerror(e), old);
		else
			snprintf(err, errlen, "pfsim: renaming %s to %s: %s",
			    r->tmpdir, r->outdir, strerror(e));
		return -1;
	}
	if (run_rmtree(old) != 0 && errno != ENOENT)
		fprintf(stderr, "pfsim: warning: removing the old results "
		    "%s: %s\n", old, strerror(errno));
	return 0;
fail:
	snprintf(err, errlen, "pfsim: writing %s: %s", path, strerror(errno));
	return -1;
}
