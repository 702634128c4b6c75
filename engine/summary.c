/*
 * A run's summary: summary.json (also --json on stdout), the text report
 * on stdout, and --dump-states.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "run_int.h"

static void
write_nets(struct run *r, struct json *j)
{
	int i;

	json_arr_begin(j, "nets");
	for (i = 0; i < r->w->nsegs; i++) {
		struct segment *s = r->w->segs[i];

		json_obj_begin(j, NULL);
		json_str(j, "name", s->name);
		json_uint(j, "tx_frames", s->st.tx_frames);
		json_uint(j, "tx_bytes", s->st.tx_bytes);
		json_uint(j, "rx_frames", s->st.rx_frames);
		json_obj_begin(j, "drops");
		json_uint(j, "queue", s->st.drop_queue);
		json_uint(j, "loss", s->st.drop_loss);
		json_uint(j, "nodest", s->st.drop_nodest);
		json_uint(j, "down", s->st.drop_down);
		json_uint(j, "toolong", s->st.drop_toolong);
		json_obj_end(j);
		json_obj_begin(j, "faults");
		json_uint(j, "dup", s->st.fault_dup);
		json_uint(j, "reorder", s->st.fault_reorder);
		json_uint(j, "corrupt", s->st.fault_corrupt);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

int
run_write_summary(struct run *r, const char *path, double wall, bool tostdout)
{
	FILE *f = tostdout ? stdout : fopen(path, "w");
	struct json *j;
	int i, rv;

	if (f == NULL)
		return -1;
	j = json_create(f);
	json_obj_begin(j, NULL);
	json_str(j, "scenario", r->name);
	json_str(j, "version", run_version);
	json_str(j, "backend", sim_backend(r->w)->name);
	json_str_arr(j, "command", (const char *const *)r->o->argv,
	    r->o->argv != NULL ? r->o->argc : 0);
	json_uint(j, "seed", r->w->seed);
	json_real(j, "sim_seconds", (double)sim_now(r->w) / NS_PER_SEC);
	json_real(j, "wall_seconds", wall);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->report_json)
			pfsim_models[i]->report_json(r, j);
	write_nets(r, j);
	json_obj_begin(j, "engine");
	json_uint(j, "events", ev_scheduled_total(r->w->q));
	/* ns-3's own (hosts, links), beside pfsim's queue. */
	if (sim_backend(r->w)->events != NULL)
		json_uint(j, "backend_events", sim_backend(r->w)->events(r->w));
	json_uint(j, "event_limit_drops", ev_limit_drops(r->w->q));
	json_uint(j, "pkt_peak", pkt_pool_peak(r->w->pool));
	json_uint(j, "pkt_alloc_failures", pkt_pool_failures(r->w->pool));
	/* sim.capture_limit: where capturing stopped, if it did. */
	json_uint(j, "capture_limit", r->capbudget.limit);
	json_uint(j, "capture_bytes", r->capbudget.used);
	json_bool(j, "capture_truncated", r->capbudget.skipped > 0);
	json_uint(j, "capture_frames_skipped", r->capbudget.skipped);
	json_real(j, "capture_stopped_s",
	    (double)r->capbudget.stopped_ns / NS_PER_SEC);
	if (r->rt != NULL) {
		/* How far events ran behind the wall clock (realtime.c). */
		json_obj_begin(j, "realtime");
		json_uint(j, "batches", run_rt_batches(r));
		json_real(j, "lag_max_ms",
		    (double)run_rt_lag_max(r) / NS_PER_MS);
		json_real(j, "lag_p99_ms",
		    (double)run_rt_lag_quantile(r, 0.99) / NS_PER_MS);
		json_real(j, "lag_median_ms",
		    (double)run_rt_lag_quantile(r, 0.5) / NS_PER_MS);
		json_real(j, "lag_warn_ms",
		    (double)conf_int(r->sim, "lag_warn") / NS_PER_MS);
		json_bool(j, "lagged", run_rt_lag_quantile(r, 0.99) >
		    conf_int(r->sim, "lag_warn"));
		json_obj_end(j);
	}
	json_obj_end(j);
	/* "totals": what the models sum over their nodes. */
	json_obj_begin(j, "totals");
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->totals_json)
			pfsim_models[i]->totals_json(r, j);
	json_obj_end(j);
	json_obj_end(j);
	rv = json_destroy(j);
	if (!tostdout && run_fclose(f) != 0)
		rv = -1;
	return rv;
}

/* One word of a command line as sh reads it back. */
static void
shell_word(FILE *f, const char *w)
{
	if (*w != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
	    "NOPQRSTUVWXYZ0123456789_-+=,./:@%") == strlen(w)) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (; *w; w++) {
		if (*w == '\'')
			fputs("'\\''", f);
		else if (*w == '\n')
			fputc(' ', f);	/* one line, in a comment too */
		else
			fputc(*w, f);
	}
	fputc('\'', f);
}

/* "pfsim VERSION, backend builtin: COMMAND LINE" */
static void
print_provenance(struct run *r, FILE *f, const char *pfx)
{
	int i;

	fprintf(f, "%spfsim %s, backend %s", pfx, run_version, sim_backend(r->w)->name);
	if (r->o->argv != NULL && r->o->argc > 0) {
		fputs(":", f);
		for (i = 0; i < r->o->argc; i++) {
			fputc(' ', f);
			shell_word(f, r->o->argv[i]);
		}
	}
	fputc('\n', f);
}

void
run_print_human(struct run *r, double wall)
{
	int i;

	printf("pfsim: %s, seed %" PRIu64 ", %.3f s simulated in %.2f s\n",
	    r->name, r->w->seed, (double)sim_now(r->w) / NS_PER_SEC, wall);
	print_provenance(r, stdout, "");
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->report_text)
			pfsim_models[i]->report_text(r, stdout);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->totals_text)
			pfsim_models[i]->totals_text(r, stdout);
	if (r->rt != NULL) {
		printf("realtime: %" PRIu64 " batches of events, lag behind "
		    "the wall clock median %.3f ms, p99 %.3f ms, max %.3f ms\n",
		    run_rt_batches(r),
		    (double)run_rt_lag_quantile(r, 0.5) / NS_PER_MS,
		    (double)run_rt_lag_quantile(r, 0.99) / NS_PER_MS,
		    (double)run_rt_lag_max(r) / NS_PER_MS);
		if (run_rt_lag_quantile(r, 0.99) > conf_int(r->sim, "lag_warn"))
			printf("warning: the run fell behind real time: p99 "
			    "lag %.3f ms > sim.lag_warn %.3f ms "
			    "(engine.realtime.lagged)\n",
			    (double)run_rt_lag_quantile(r, 0.99) / NS_PER_MS,
			    (double)conf_int(r->sim, "lag_warn") / NS_PER_MS);
	}
	if (ev_limit_drops(r->w->q) > 0)
		printf("warning: sim.ev_limit reached: %" PRIu64 " events "
		    "could not be scheduled (engine.event_limit_drops)\n",
		    ev_limit_drops(r->w->q));
	if (pkt_pool_failures(r->w->pool) > 0)
		printf("warning: sim.pkt_limit reached: %" PRIu64 " packets "
		    "could not be allocated (engine.pkt_alloc_failures)\n",
		    pkt_pool_failures(r->w->pool));
	if (r->capbudget.skipped > 0)
		printf("warning: sim.capture_limit reached (%" PRIu64 " bytes "
		    "of pcaps): capturing stopped at %.6f s, %" PRIu64 " frames "
		    "not captured (engine.capture_truncated)\n",
		    r->capbudget.limit,
		    (double)r->capbudget.stopped_ns / NS_PER_SEC,
		    r->capbudget.skipped);
	printf("results: %s/\n", r->outdir);
}
