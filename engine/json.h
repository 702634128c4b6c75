/*
 * A small streaming JSON writer with deterministic output: keys appear in
 * the order written, numbers in fixed formats (integers exact, reals with
 * %.9g), strings escaped. Used for summary.json.
 */
#ifndef ENGINE_JSON_H
#define ENGINE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json;

struct json	*json_create(FILE *);
/* Finishes the document (newline); returns 0 or the first write error. */
int		 json_destroy(struct json *);

void	json_obj_begin(struct json *, const char *key);	/* key NULL in arrays */
void	json_obj_end(struct json *);
void	json_arr_begin(struct json *, const char *key);
void	json_arr_end(struct json *);
void	json_str(struct json *, const char *key, const char *v);
void	json_int(struct json *, const char *key, int64_t v);
void	json_uint(struct json *, const char *key, uint64_t v);
void	json_real(struct json *, const char *key, double v);
void	json_bool(struct json *, const char *key, bool v);
/* An array of strings on one line: ["a", "b"]. */
void	json_str_arr(struct json *, const char *key, const char *const *v,
	    int n);

/*
 * A real as every results file writes it (summary.json, flows.csv,
 * timeseries.csv): 9 significant digits, "%.9g", so one quantity reads the
 * same everywhere. Not finite: "null" (JSON) or "" (CSV) is the caller's.
 * Writes into buf (JSON_REAL_LEN bytes suffice) and returns it.
 */
#define JSON_REAL_LEN	32
const char	*json_fmt_real(char *buf, size_t len, double v);
/* json_fmt_real to a CSV file: the number, or nothing if not finite. */
void		 csv_real(FILE *, double v);

#endif
