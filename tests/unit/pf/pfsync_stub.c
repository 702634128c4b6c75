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

void
pfsync_insert_state(struct pf_state *st)
{
	pfsync_stub.n_insert++;
	pfsync_stub.last_insert = st;
}

void
pfsync_update_state(struct pf_state *st)
{
	pfsync_stub.n_update++;
	pfsync_stub.last_update = st;
}

void
pfsync_delete_state(struct pf_state *st)
{
	pfsync_stub.n_delete++;
	pfsync_stub.last_delete = st;
}

void
pfsync_clear_states(u_int32_t creatorid, const char *ifname)
{
	pfsync_stub.n_clear++;
	pfsync_stub.clear_creatorid = creatorid;
	strlcpy(pfsync_stub.clear_ifname, ifname,
	    sizeof(pfsync_stub.clear_ifname));
}

int
pfsync_defer(struct pf_state *st, struct mbuf *m)
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

int
pfsync_up(void)
{
	pfsync_stub.n_up++;
	return (pfsync_stub.up);
}

int
pfsync_state_in_use(struct pf_state *st)
{
	(void)st;
	pfsync_stub.n_in_use++;
	return (pfsync_stub.in_use);
}
