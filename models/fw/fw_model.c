/*
 * model_type glue (engine/model.h) for [firewall] sections: build,
 * start, stop and destroy every firewall of the world with the hook
 * table fw_modules_default, and the memory estimate for sim.mem_limit.
 * The report hooks are in fw_report.c.
 */
#include "models/fw/fw_var.h"
#include "models/pf/pfvar.h"		/* sizes for the memory estimate */

/* An empty table unless models/models.c defines the real one. */
__attribute__((weak)) const struct fw_modules fw_modules_default;

int
fw_model_build(struct run *r, struct conf_section *sec, char *err,
    size_t errlen)
{
	return fw_create(r, sec, &fw_modules_default, err, errlen) != NULL ?
	    0 : -1;
}

void
fw_model_start(struct run *r)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i;

	FOREACH_FW(fw, w, i)
		fw_start(fw);
}

void
fw_model_stop(struct run *r)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i;

	FOREACH_FW(fw, w, i)
		fw_stop(fw);
}

/*
 * The most memory a [firewall] can take, for sim.mem_limit: a full state
 * table (pf.states, each state a pf_state, one key and one key item from
 * malloc, ~16 bytes of malloc overhead each; no NAT, so one key), its
 * mbuf headers (nmbclust), the ruleset (its rules expanded and counted,
 * not made: pf_rules_mem_estimate) and the node itself. Frames are the
 * engine's (sim.pkt_limit). Needs pf's keys in the section's table. pf is
 * reached through fw->mods elsewhere; here there is no fw yet, so the
 * ruleset is counted when pf is linked in (weak, as pf_ioctl.c's
 * run_conf), as it is in ./sim.
 */
#pragma weak pf_rules_mem_estimate
uint64_t
fw_model_mem_estimate(const struct conf_section *sec)
{
	const struct fw_profile *prof = fw_profile(conf_str(sec, "hw"));
	uint64_t per_state, states, mbufs, rules = 0;

	per_state = sizeof(struct pf_state) + sizeof(struct pf_state_key) +
	    sizeof(struct pf_state_item) + 3 * 16;
	states = (uint64_t)conf_int(sec, "pf.states");
	mbufs = conf_isset(sec, "nmbclust") ?
	    (uint64_t)conf_int(sec, "nmbclust") :
	    (uint64_t)(prof != NULL ? prof->nmbclust : 0);
	if (pf_rules_mem_estimate != NULL)
		rules = pf_rules_mem_estimate(sec);
	return states * per_state + mbufs * (sizeof(struct mbuf) + 16) +
	    rules + sizeof(struct fw) + sizeof(struct vnet) + 64 * 1024;
}

void
fw_model_destroy(struct run *r)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i;

	if (w == NULL)
		return;
	FOREACH_FW(fw, w, i)
		fw_destroy(fw);
}
