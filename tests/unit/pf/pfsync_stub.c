/*
 * Test stand-in for the pfsync hooks; see pfsync_stub.h.
 */
#include "pfsync_stub.h"

struct pfsync_stub pfsync_stub;

void
pfsync_stub_reset(void)
{
	if (pfsync_stub.held != NULL)
		m_freem(pfsync_stub.held);
	memset(&pfsync_stub, 0, sizeof(pfsync_stub));
}

static void
stub_insert_state(struct pf_state *st)
{
	pfsync_stub.n_insert++;
	pfsync_stub.last_insert = st;
}

static void
stub_update_state(struct pf_state *st)
{
	pfsync_stub.n_update++;
	pfsync_stub.last_update = st;
}

static void
stub_delete_state(struct pf_state *st)
{
	pfsync_stub.n_delete++;
	pfsync_stub.last_delete = st;
}

static void
stub_clear_states(u_int32_t creatorid, const char *ifname)
{
	pfsync_stub.n_clear++;
	pfsync_stub.clear_creatorid = creatorid;
	strlcpy(pfsync_stub.clear_ifname, ifname,
	    sizeof(pfsync_stub.clear_ifname));
}

static int
stub_defer(struct pf_state *st, struct mbuf *m)
{
	pfsync_stub.n_defer++;
	pfsync_stub.last_defer = st;
	if (!pfsync_stub.defer)
		return (0);
	if (pfsync_stub.held != NULL)
		m_freem(pfsync_stub.held);
	pfsync_stub.held = m;
	SET(st->state_flags, PFSTATE_ACK);
	return (1);
}

static int
stub_up(void)
{
	pfsync_stub.n_up++;
	return (pfsync_stub.up);
}

static int
stub_state_in_use(struct pf_state *st)
{
	(void)st;
	pfsync_stub.n_in_use++;
	return (pfsync_stub.in_use);
}

void
pfsync_stub_attach(void)
{
	V_pfsync_insert_state_ptr = stub_insert_state;
	V_pfsync_update_state_ptr = stub_update_state;
	V_pfsync_delete_state_ptr = stub_delete_state;
	V_pfsync_clear_states_ptr = stub_clear_states;
	V_pfsync_defer_ptr = stub_defer;
	V_pfsync_up_ptr = stub_up;
	V_pfsync_state_in_use_ptr = stub_state_in_use;
}
