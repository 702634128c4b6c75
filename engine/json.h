/*
 * A small streaming JSON writer with deterministic output: keys appear in
 * the order written, numbers in fixed formats (integers exact, reals with
 * %.9g), strings escaped. Used for summary.json.
 */
#ifndef ENGINE_JSON_H
#define ENGINE_JSON_H

#include <stdbool.h>
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

#endif
