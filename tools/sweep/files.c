/* Files and directories (see files.h). */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

char *
files_abspath(const char *path)
{
	char cwd[PATH_MAX], *s;

	if (path[0] == '/')
		return (strdup(path));
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return (NULL);
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (strcmp(path, ".") == 0)
		return (strdup(cwd));
	if (asprintf(&s, "%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "",
	    path) < 0)
		return (NULL);
	return (s);
}

char *
files_pfsim(void)
{
	const char *env = getenv("PFSIM");
	char self[PATH_MAX], *slash, *s;
	ssize_t n;

	if (env != NULL && env[0] != '\0')
		return (files_abspath(env));
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return (strdup("pfsim"));	/* then found on PATH */
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if (asprintf(&s, "%s/pfsim", self) < 0)
		return (NULL);
	return (s);
}

char *
files_scenario_name(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".conf") == 0)
		n -= 5;
	return (strndup(b, n));
}

int
files_mkdirs(const char *dir)
{
	char *p, *s;
	int rv = 0;

	if ((s = strdup(dir)) == NULL)
		return (ENOMEM);
	for (p = s + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(s, 0777) != 0 && errno != EEXIST) {
				rv = errno;
				break;
			}
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	free(s);
	if (rv == 0) {
		struct stat sb;

		if (stat(dir, &sb) != 0)
			rv = errno;
		else if (!S_ISDIR(sb.st_mode))
			rv = ENOTDIR;
	}
	return (rv);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path) != 0 && errno != ENOENT ? errno : 0);
}

int
files_rmtree(const char *path)
{
	struct stat sb;
	int rv;

	if (lstat(path, &sb) != 0)
		return (errno == ENOENT ? 0 : errno);
	rv = nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return (rv < 0 ? errno : rv);
}

/* Whether dir has no entries; -1 when it cannot be read. */
static int
dir_empty(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int empty = 1;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return (empty);
}

int
files_prepare(const char *dir, const char *marker, char *err,
    size_t errlen)
{
	char *path = NULL;
	int rv, empty;

	if ((rv = files_mkdirs(dir)) != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(rv));
		return (rv);
	}
	if ((empty = dir_empty(dir)) < 0) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(rv));
		return (rv);
	}
	if (asprintf(&path, "%s/%s", dir, marker) < 0)
		return (ENOMEM);
	if (!empty && access(path, F_OK) != 0) {
		snprintf(err, errlen, "%s: exists and has no %s: not "
		    "replacing a directory that holds something else", dir,
		    marker);
		free(path);
		return (EEXIST);
	}
	free(path);
	if (asprintf(&path, "%s/runs", dir) < 0)
		return (ENOMEM);
	if ((rv = files_rmtree(path)) != 0 || mkdir(path, 0777) != 0) {
		rv = rv ? rv : errno;
		snprintf(err, errlen, "%s: %s", path, strerror(rv));
	}
	free(path);
	return (rv);
}

FILE *
files_create(const char *path, char **tmp)
{
	FILE *f;

	if (asprintf(tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		*tmp = NULL;
		errno = ENOMEM;
		return (NULL);
	}
	if ((f = fopen(*tmp, "w")) == NULL) {
		int e = errno;

		free(*tmp);
		*tmp = NULL;
		errno = e;
	}
	return (f);
}

int
files_commit(FILE *f, char *tmp, const char *path)
{
	int rv = 0;

	if (fflush(f) != 0 || ferror(f))
		rv = errno ? errno : EIO;
	if (fclose(f) != 0 && rv == 0)
		rv = errno;
	if (rv == 0 && rename(tmp, path) != 0)
		rv = errno;
	if (rv != 0)
		unlink(tmp);
	free(tmp);
	return (rv);
}

int
files_read(const char *path, size_t max, char **buf, size_t *len)
{
	FILE *f;
	char *b;
	size_t n = 0, cap = 4096, r;
	int rv = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return (errno);
	if ((b = malloc(cap + 1)) == NULL) {
		fclose(f);
		return (ENOMEM);
	}
	for (;;) {
		if (n == cap) {
			char *nb;

			if (cap > max) {
				rv = EFBIG;
				break;
			}
			cap *= 2;
			if ((nb = realloc(b, cap + 1)) == NULL) {
				rv = ENOMEM;
				break;
			}
			b = nb;
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f))
				rv = EIO;
			break;
		}
	}
	fclose(f);
	if (rv == 0 && n > max)
		rv = EFBIG;
	if (rv != 0) {
		free(b);
		return (rv);
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return (0);
}

int
files_first_line(const char *path, char *buf, size_t len)
{
	FILE *f;
	char *line = NULL, *p;
	size_t cap = 0;
	ssize_t n;
	int rv = ENOENT;

	if (len == 0 || (f = fopen(path, "r")) == NULL)
		return (ENOENT);
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0')
			continue;
		snprintf(buf, len, "%s", line);
		rv = 0;
		break;
	}
	free(line);
	fclose(f);
	return (rv);
}
