/*
 * [demo NAME]: two plain hosts on one net, one UDP stream between them.
 * The engine's own end-to-end check: no OpenBSD code involved.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"
#include "engine/proto.h"

static const struct param_spec demo_params[] = {
	{ "demo", "net", PT_STRING, 0, 0, NULL, NULL,
	    "the net both hosts attach to" },
	{ "demo", "rate", PT_PKTRATE, 1, 10000000, "1000pps", NULL,
	    "UDP packets per second" },
	{ "demo", "size", PT_SIZE, 0, 1472, "100", NULL,
	    "UDP payload bytes" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

static const struct section_type demo_section = {
	"demo", true, true, demo_params
};

struct demo {
	struct demo	*next;
	char		 name[32];
	struct iface	*src, *dst;
	simtime_t	 gap;
	uint32_t	 size;
	uint16_t	 ipid;
	struct ev	 tx;
	uint64_t	 sent, received, tx_fail;
};

static void
demo_send(void *arg)
{
	struct demo *d = arg;
	struct world *w = d->src->node->world;
	struct pkt *p = pkt_alloc(w->pool);

	sim_schedule(w, &d->tx, sim_now(w) + d->gap);
	if (p == NULL) {
		d->tx_fail++;
		return;
	}
	frame_udp4(p, d->src->mac, d->dst->mac, d->src->addr, d->dst->addr,
	    9000, 9, NULL, 0, d->size, 64, d->ipid++);
	p->t_sent = sim_now(w);
	d->sent++;
	if (sim_output(d->src, p) != 0)
		d->tx_fail++;
}

static void
demo_rx(struct iface *ifp, struct pkt *p, void *arg)
{
	struct demo *d = arg;

	(void)ifp;
	if (frame_check_ip4(p) == 0)
		d->received++;
	pkt_free(p);
}

static int
demo_build(struct run *r, struct conf_section *s, char *err, size_t errlen)
{
	struct world *w = run_world(r);
	struct demo *d = calloc(1, sizeof(*d));
	struct segment *seg = run_segment(r, conf_str(s, "net"));
	struct node *a, *b;
	char nm[64];
	double pps = conf_real(s, "rate");

	if (d == NULL)
		return -1;
	if (seg == NULL) {
		conf_key_error(err, errlen, s, "net", "no [net %s]",
		    conf_str(s, "net"));
		free(d);
		return -1;
	}
	snprintf(d->name, sizeof(d->name), "%s", conf_name(s));
	snprintf(nm, sizeof(nm), "%s-a", conf_name(s));
	a = node_create(w, nm, "host");
	snprintf(nm, sizeof(nm), "%s-b", conf_name(s));
	b = node_create(w, nm, "host");
	if (a == NULL || b == NULL) {
		conf_key_error(err, errlen, s, NULL, "too many nodes");
		free(d);
		return -1;
	}
	d->src = iface_create(a, "eth0", seg, 0x0a630001, 24);	/* 10.99.0.1 */
	d->dst = iface_create(b, "eth0", seg, 0x0a630002, 24);
	if (d->src == NULL || d->dst == NULL ||
	    run_capture_iface(r, d->src, 0) != 0 ||
	    run_capture_iface(r, d->dst, 0) != 0) {
		conf_key_error(err, errlen, s, NULL, "cannot attach");
		free(d);
		return -1;
	}
	sim_set_input(d->dst, demo_rx, d);
	d->gap = (simtime_t)(NS_PER_SEC / pps);
	d->size = (uint32_t)conf_int(s, "size");
	ev_init(&d->tx, demo_send, d, NULL);
	d->next = run_model_data(r, &demo_model);
	run_set_model_data(r, &demo_model, d);
	return 0;
}

static void
demo_start(struct run *r)
{
	struct demo *d;

	for (d = run_model_data(r, &demo_model); d; d = d->next)
		sim_schedule(run_world(r), &d->tx, 0);
}

static void
demo_stop(struct run *r)
{
	struct demo *d, *n;

	(void)n;
	for (d = run_model_data(r, &demo_model); d; d = d->next)
		sim_cancel(run_world(r), &d->tx);
}

static void
demo_json(struct run *r, struct json *j)
{
	struct demo *d;

	if (run_model_data(r, &demo_model) == NULL)
		return;
	json_arr_begin(j, "demo");
	for (d = run_model_data(r, &demo_model); d; d = d->next) {
		json_obj_begin(j, NULL);
		json_str(j, "name", d->name);
		json_uint(j, "sent", d->sent);
		json_uint(j, "received", d->received);
		json_uint(j, "tx_fail", d->tx_fail);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
demo_text(struct run *r, FILE *f)
{
	struct demo *d;

	for (d = run_model_data(r, &demo_model); d; d = d->next)
		fprintf(f, "demo %-10s sent %llu received %llu\n", d->name,
		    (unsigned long long)d->sent,
		    (unsigned long long)d->received);
}

static void
demo_ts_header(struct run *r, FILE *f)
{
	struct demo *d;

	for (d = run_model_data(r, &demo_model); d; d = d->next)
		fprintf(f, ",demo_%s_received_total", d->name);
}

static void
demo_ts_row(struct run *r, FILE *f)
{
	struct demo *d;

	for (d = run_model_data(r, &demo_model); d; d = d->next)
		fprintf(f, ",%llu", (unsigned long long)d->received);
}

static void
demo_free(struct run *r)
{
	struct demo *d, *n;

	for (d = run_model_data(r, &demo_model); d; d = n) {
		n = d->next;
		free(d);
	}
	run_set_model_data(r, &demo_model, NULL);
}

const struct model_type demo_model = {
	.st = &demo_section,
	.build = demo_build,
	.start = demo_start,
	.stop = demo_stop,
	.report_json = demo_json,
	.report_text = demo_text,
	.ts_header = demo_ts_header,
	.ts_row = demo_ts_row,
	.destroy = demo_free,
};
