/*
 * model_type glue (engine/model.h) for [firewall] sections: build,
 * start, stop and destroy every firewall of the world with the hook
 * table fw_modules_default, and the memory estimate for sim.mem_limit.
 * The report hooks are in fw_report.c.
 */
#include "models/fw/fw_var.h"

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
 * The most memory a [firewall] can take, for sim.mem_limit: its mbuf
 * headers (nmbclust, ~16 bytes of malloc overhead each), what pf and
 * pfsync can take (the mem_estimate hook: a full state table and the
 * expanded ruleset) and the node itself. Frames are the engine's
 * (sim.pkt_limit).
 */
uint64_t
fw_model_mem_estimate(const struct conf_section *sec)
{
	const struct fw_profile *prof = fw_profile(conf_str(sec, "hw"));
	uint64_t mbufs, mods = 0;

	mbufs = conf_isset(sec, "nmbclust") ?
	    (uint64_t)conf_int(sec, "nmbclust") :
	    (uint64_t)(prof != NULL ? prof->nmbclust : 0);
	if (fw_modules_default.mem_estimate != NULL)
		mods = fw_modules_default.mem_estimate(sec);
	return mbufs * (sizeof(struct mbuf) + 16) + mods + sizeof(struct fw) +
	    sizeof(struct vnet) + 64 * 1024;
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
