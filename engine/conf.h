/*
 * Scenario files and the parameter table.
 *
 * A scenario is a list of sections "[type name]" ("[sim]" has no name) of
 * "key = value" lines. "like = OTHER" copies every key of an earlier
 * section of the same type; later keys override. "#" starts a comment. A
 * line that starts with white space continues the previous value on a new
 * line (for multi-line pf rules). "--set type.name.key=value" overrides a
 * key from the command line ("--set sim.seed=3" for [sim]).
 *
 * Every key of every section type is declared once in a param_spec table
 * (name, type, bounds, default, help). The engine declares [sim] and
 * [net]; each model declares its own section types and registers them with
 * the same structure, so "./sim --params" prints one table.
 *
 * Lines end in "\n", "\r\n" or "\r". A scenario file must be a regular
 * file (not a FIFO or device, which are refused without blocking) of at
 * most 16 MB, and hold at least one section. Parsing is linear in the
 * file's size: sections are found through a hash, and a multi-line value
 * grows by doubling.
 *
 * Errors read "FILE:LINE: SECTION.NAME.KEY: what was expected"; an
 * unknown key names the nearest known one ("did you mean net.x.delay?").
 * Errors about the whole file have line 0.
 */
#ifndef ENGINE_CONF_H
#define ENGINE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum param_type {
	PT_INT,		/* plain integer */
	PT_DURATION,	/* "10s", "50us", "1.5ms", "0" -> ns */
	PT_BITRATE,	/* "1Gbit", "100Mbit", "64Kbit", "9600bit" -> bit/s */
	PT_PKTRATE,	/* "5000pps", "10kpps" -> packets/s */
	PT_SIZE,	/* "1500", "64KB", "1MB" -> bytes */
	PT_REAL,	/* "0.01", "1e-3", "5%" */
	PT_BOOL,	/* yes|no|on|off|true|false|1|0 */
	PT_ENUM,	/* one of choices "a|b|c" */
	PT_STRING,	/* any single word or text */
	PT_LIST,	/* space-separated words */
	PT_TEXT,	/* multi-line text (rules) */
};

struct param_spec {
	const char	*section;	/* section type: "sim", "net", ... */
	const char	*key;		/* "delay", "pfsync.maxupdates", ... */
	enum param_type	 type;
	int64_t		 min, max;	/* bounds for numeric types (inclusive) */
	const char	*def;		/* default text; NULL = required */
	const char	*choices;	/* PT_ENUM: "v5|v4|v4-split|off" */
	const char	*help;
};

struct section_type {
	const char		*type;		/* "firewall" */
	bool			 named;		/* [firewall fwA] vs [sim] */
	bool			 multi;		/* more than one allowed */
	const struct param_spec	*params;	/* terminated by key == NULL */
};

struct conf;
struct conf_section;

/*
 * Parse a scenario file against the registered section types. On error
 * returns NULL and writes "FILE:LINE: message" into err.
 */
struct conf	*conf_load(const char *path,
		    const struct section_type *const *types,
		    char *err, size_t errlen);
/* Parse from memory; name is used in messages. */
struct conf	*conf_parse(const char *name, const char *text,
		    const struct section_type *const *types,
		    char *err, size_t errlen);
void		 conf_free(struct conf *);
/* Apply "type.name.key=value" (or "sim.key=value"). 0, or -1 with err. */
int		 conf_set(struct conf *, const char *assign, char *err,
		    size_t errlen);
/* Check required keys and cross-references; 0 or -1 with err. */
int		 conf_finish(struct conf *, char *err, size_t errlen);

/*
 * Read the regular file path, of at most max bytes, into a new
 * NUL-terminated buffer *textp (the caller frees it; *lenp its length
 * if lenp is not NULL). Never blocks. Returns 0 or an errno value:
 * ENOTSUP for a FIFO, device or socket, EINVAL for a file whose size
 * does not match what it reads (/proc), EISDIR, EFBIG beyond max, or
 * open's and read's own. conf_read_strerror words them.
 */
int		 conf_read_file(const char *path, size_t max, char **textp,
		    size_t *lenp);
const char	*conf_read_strerror(int);

const char	*conf_path(const struct conf *);
/* The scenario a section belongs to. */
struct conf	*conf_of(const struct conf_section *);
int		 conf_nsections(const struct conf *);
struct conf_section *conf_section_at(const struct conf *, int i);
/* First section of type (and name, unless NULL); NULL if none. */
struct conf_section *conf_find(const struct conf *, const char *type,
		    const char *name);

const char	*conf_type(const struct conf_section *);
const char	*conf_name(const struct conf_section *);	/* "" for [sim] */
int		 conf_line(const struct conf_section *, const char *key);

/*
 * Typed getters. The key must be declared for the section's type; the
 * value is the scenario's, else the table default. Values were validated
 * at load time, so getters cannot fail.
 */
bool		 conf_isset(const struct conf_section *, const char *key);
int64_t		 conf_int(const struct conf_section *, const char *key);
double		 conf_real(const struct conf_section *, const char *key);
bool		 conf_bool(const struct conf_section *, const char *key);
const char	*conf_str(const struct conf_section *, const char *key);
/* PT_LIST: number of words, and word i (into buf). */
int		 conf_list_len(const struct conf_section *, const char *key);
const char	*conf_list_at(const struct conf_section *, const char *key,
		    int i, char *buf, size_t len);

/*
 * Scenario errors, the one way every model words them. conf_error writes
 * "FILE:LINE: WHAT: message" into err: without ":LINE" when line is
 * negative (a value from --set, FILE "--set"), without "FILE:LINE: " when
 * file is NULL, without "WHAT: " when what is NULL. conf_key_error
 * names a key of a section: "FILE:LINE: TYPE.NAME.KEY: message" (or
 * "sim.KEY"), where LINE is the key's line, or the section header's when
 * the scenario does not set the key; key NULL names the section itself
 * ("firewall.fwA"). With s NULL (a model built without a scenario) it
 * writes "KEY: message". Both return -1, for "return conf_key_error(...)".
 */
int		 conf_error(char *err, size_t errlen, const char *file,
		    int line, const char *what, const char *fmt, ...)
		    __attribute__((format(printf, 6, 7)));
int		 conf_key_error(char *err, size_t errlen,
		    const struct conf_section *s, const char *key,
		    const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));

/*
 * A declared key's default, from its table (params ends with key ==
 * NULL), parsed as the key's type: what a section that does not set the
 * key reads through conf_int, conf_real or conf_str. For models that
 * also run without a scenario (unit tests), so that the table stays the
 * one place a default is written. An undeclared key, or a required one
 * (no default), aborts: it is a programming error.
 */
const struct param_spec *param_find(const struct param_spec *params,
		    const char *key);
int64_t		 param_default_int(const struct param_spec *params,
		    const char *key);
double		 param_default_real(const struct param_spec *params,
		    const char *key);
const char	*param_default_str(const struct param_spec *params,
		    const char *key);

/* Parse a value of type t (used by models for profile tables too). */
int		 param_parse(enum param_type, const char *text, int64_t *iv,
		    double *rv);
/*
 * Write the resolved scenario as a scenario file that conf_load reads
 * back to the same values: "[type name]" sections in order, "key = value"
 * for every key set (by the file, like or --set), "# key = value
 * (default)" comments for the rest, which stay unset when it is read.
 */
int		 conf_write_resolved(const struct conf *, FILE *);
/* Print the parameter table (./sim --params). */
void		 params_print(const struct section_type *const *, FILE *);

#endif
