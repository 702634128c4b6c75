/*
 * Files and directories of a sweep: absolute paths, the output
 * directory and its runs/, files replaced atomically, first lines.
 */
#ifndef SWEEP_FILES_H
#define SWEEP_FILES_H

#include <stddef.h>
#include <stdio.h>

/* path made absolute against the working directory; malloc'd or NULL. */
char	*files_abspath(const char *path);

/*
 * The pfsim binary: $PFSIM, or "pfsim" in the directory of this
 * program; absolute, malloc'd, NULL on ENOMEM.
 */
char	*files_pfsim(void);

/* The scenario name of a path: its base name without ".conf". */
char	*files_scenario_name(const char *path);

/* mkdir -p: 0 or an errno value. */
int	files_mkdirs(const char *dir);

/*
 * Gets dir ready for the results of a command: creates it, or accepts
 * it when it is empty or holds the file marker (it is then one of ours),
 * and empties dir/runs/. 0, or an errno value with a message in err
 * (EEXIST: dir is something else, and nothing in it was touched).
 */
int	files_prepare(const char *dir, const char *marker, char *err,
	    size_t errlen);

/* rm -rf path (not following symbolic links): 0 or an errno value. */
int	files_rmtree(const char *path);

/*
 * Opens a temporary file next to path for writing (*tmp, malloc'd);
 * files_commit closes it and renames it to path, or removes it on any
 * error. NULL / an errno value on error.
 */
FILE	*files_create(const char *path, char **tmp);
int	 files_commit(FILE *, char *tmp, const char *path);

/*
 * The whole file (NUL-terminated, of at most max bytes) in *buf,
 * malloc'd: 0, or an errno value (ENOENT, EFBIG, ...).
 */
int	files_read(const char *path, size_t max, char **buf, size_t *len);

/*
 * The first line of path that is not blank, without its line end and
 * cut to len - 1 bytes: 0, or ENOENT when there is none.
 */
int	files_first_line(const char *path, char *buf, size_t len);

#endif
