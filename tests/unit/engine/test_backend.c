/*
 * The backend interface (engine/backend.h): a world starts on the builtin
 * backend; what models call (sim_now, sim_schedule, sim_cancel,
 * sim_output, the host stacks) reaches the world's table and nothing
 * else; sim_output's own checks (interface or net down, frame too long)
 * drop and count before the backend sees the frame; the random streams
 * are the scenario seed's named streams on any backend.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/backend.h"
#include "engine/net.h"

/* A backend that records what reached it, on the builtin's queue. */
struct rec {
	int		 schedules, bounded, cancels, outputs, hosts, flows;
	struct iface	*out_if;
	uint32_t	 out_len;
};

static struct rec *
rec_of(const struct world *w)
{
	return sim_backend_data(w);
}

static simtime_t
rec_now(const struct world *w)
{
	return builtin_now(w);
}

static int
rec_schedule(struct world *w, struct ev *ev, simtime_t at, bool bounded)
{
	rec_of(w)->schedules++;
	rec_of(w)->bounded += bounded;
	return builtin_schedule(w, ev, at, bounded);
}

static void
rec_cancel(struct world *w, struct ev *ev)
{
	rec_of(w)->cancels++;
	builtin_cancel(w, ev);
}

static int
rec_output(struct world *w, struct iface *ifp, struct pkt *p)
{
	rec_of(w)->outputs++;
	rec_of(w)->out_if = ifp;
	rec_of(w)->out_len = p->len;
	pkt_free(p);
	return 0;
}

static int
rec_host_add(struct world *w, struct iface *ifp, const struct backend_tcp *t)
{
	(void)ifp;
	rec_of(w)->hosts++;
	return t->mss == 1460 ? 0 : EINVAL;
}

static int
rec_flow_add(struct world *w, const struct backend_flow *f)
{
	(void)f;
	return rec_of(w)->flows++;
}

static const struct backend_ops rec_ops = {
	.name = "rec",
	.now = rec_now,
	.schedule = rec_schedule,
	.cancel = rec_cancel,
	.output = rec_output,
	.host_add = rec_host_add,
	.flow_add = rec_flow_add,
};

static int fired;

static void
fire(void *arg)
{
	(void)arg;
	fired++;
}

/* Two nodes on one net, a frame of len bytes from the first. */
struct two {
	struct world	*w;
	struct iface	*a, *b;
};

static void
two_make(struct two *t)
{
	struct seg_params sp;
	struct segment *s;

	memset(&sp, 0, sizeof(sp));
	sp.rate_bps = 1000000000ULL;
	sp.mtu = 1500;
	t->w = world_create(5, 0, 0);
	assert_non_null(t->w);
	s = segment_create(t->w, "lan", &sp);
	assert_non_null(s);
	t->a = iface_create(node_create(t->w, "a", "host"), "eth0", s,
	    0x0a000001, 24);
	t->b = iface_create(node_create(t->w, "b", "host"), "eth0", s,
	    0x0a000002, 24);
	assert_non_null(t->a);
	assert_non_null(t->b);
}

static struct pkt *
frame(struct two *t, uint32_t len)
{
	struct pkt *p = pkt_alloc(t->w->pool);

	assert_non_null(p);
	memset(p->data, 0, len < 64 ? len : 64);
	memcpy(p->data, t->b->mac, 6);
	memcpy(p->data + 6, t->a->mac, 6);
	p->len = len;
	return p;
}

static void
test_world_starts_on_builtin(void **state)
{
	struct two t;
	struct backend_flow f;
	struct backend_flow_stats st;
	struct backend_tcp tcp;

	(void)state;
	two_make(&t);
	assert_ptr_equal(sim_backend(t.w), &backend_builtin);
	assert_string_equal(sim_backend(t.w)->name, "builtin");
	assert_null(sim_backend_data(t.w));
	/* The builtin brings no host stacks: the models' own run. */
	memset(&tcp, 0, sizeof(tcp));
	memset(&f, 0, sizeof(f));
	assert_int_equal(sim_host_add(t.w, t.a, &tcp), ENOTSUP);
	assert_int_equal(sim_route_add(t.w, t.a, 1, 2), ENOTSUP);
	errno = 0;
	assert_int_equal(sim_flow_add(t.w, &f), -1);
	assert_int_equal(errno, ENOTSUP);
	assert_int_equal(sim_flow_stats(t.w, 0, &st), ENOTSUP);
	world_destroy(t.w);
}

static void
test_calls_reach_the_table(void **state)
{
	struct two t;
	struct rec r;
	struct ev e;
	struct backend_tcp tcp;
	struct backend_flow f;

	(void)state;
	two_make(&t);
	memset(&r, 0, sizeof(r));
	sim_set_backend(t.w, &rec_ops, &r);
	fired = 0;
	ev_init(&e, fire, NULL, NULL);
	assert_int_equal(sim_schedule(t.w, &e, 100), 0);
	assert_true(ev_pending(&e));
	assert_int_equal(sim_schedule_bounded(t.w, &e, 200), 0);
	assert_int_equal(r.schedules, 2);
	assert_int_equal(r.bounded, 1);
	ev_run(t.w->q, 300);
	assert_int_equal(fired, 1);
	assert_int_equal(sim_now(t.w), 300);
	assert_int_equal(sim_schedule(t.w, &e, 400), 0);
	sim_cancel(t.w, &e);
	assert_int_equal(r.cancels, 1);
	assert_false(ev_pending(&e));
	ev_run(t.w->q, 500);
	assert_int_equal(fired, 1);

	/* A frame goes to the table's output, not to the segment. */
	assert_int_equal(sim_output(t.a, frame(&t, 100)), 0);
	assert_int_equal(r.outputs, 1);
	assert_ptr_equal(r.out_if, t.a);
	assert_int_equal(r.out_len, 100);
	assert_int_equal(iface_txq_len(t.a), 0);

	/* Host stacks: what the table answers. */
	memset(&tcp, 0, sizeof(tcp));
	tcp.mss = 1460;
	assert_int_equal(sim_host_add(t.w, t.a, &tcp), 0);
	tcp.mss = 536;
	assert_int_equal(sim_host_add(t.w, t.a, &tcp), EINVAL);
	assert_int_equal(r.hosts, 2);
	memset(&f, 0, sizeof(f));
	assert_int_equal(sim_flow_add(t.w, &f), 0);
	assert_int_equal(sim_flow_add(t.w, &f), 1);
	/* Not in the table: ENOTSUP, as on the builtin. */
	assert_int_equal(sim_route_add(t.w, t.a, 1, 2), ENOTSUP);
	world_destroy(t.w);
}

static void
test_output_checks_before_the_backend(void **state)
{
	struct two t;
	struct rec r;

	(void)state;
	two_make(&t);
	memset(&r, 0, sizeof(r));
	sim_set_backend(t.w, &rec_ops, &r);
	t.a->up = false;
	assert_int_equal(sim_output(t.a, frame(&t, 100)), ENETDOWN);
	assert_int_equal(t.a->port->st.drop_down, 1);
	t.a->up = true;
	assert_int_equal(sim_output(t.a, frame(&t, PKT_MAXFRAME + 1)),
	    EMSGSIZE);
	assert_int_equal(t.a->port->st.drop_toolong, 1);
	assert_int_equal(t.a->seg->st.drop_toolong, 1);
	assert_int_equal(r.outputs, 0);
	/* Back on the builtin: the segment queues and delivers. */
	sim_set_backend(t.w, &backend_builtin, NULL);
	assert_int_equal(sim_output(t.a, frame(&t, 100)), 0);
	ev_run(t.w->q, 1000000);
	assert_int_equal(t.b->port->st.rx_frames, 1);
	world_destroy(t.w);
}

static void
test_streams_are_the_seeds(void **state)
{
	struct two t;
	struct rng a, b;
	struct rec r;

	(void)state;
	two_make(&t);
	sim_stream(t.w, &a, "host.a.tcp");
	rng_init(&b, 5, "host.a.tcp");
	assert_int_equal(rng_next(&a), rng_next(&b));
	/* The same on another backend: streams are the engine's. */
	memset(&r, 0, sizeof(r));
	sim_set_backend(t.w, &rec_ops, &r);
	sim_stream(t.w, &a, "host.a.tcp");
	rng_init(&b, 5, "host.a.tcp");
	assert_int_equal(rng_next(&a), rng_next(&b));
	sim_stream(t.w, &a, "host.b.tcp");
	rng_init(&b, 5, "host.a.tcp");
	assert_int_not_equal(rng_next(&a), rng_next(&b));
	world_destroy(t.w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_world_starts_on_builtin),
		cmocka_unit_test(test_calls_reach_the_table),
		cmocka_unit_test(test_output_checks_before_the_backend),
		cmocka_unit_test(test_streams_are_the_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
