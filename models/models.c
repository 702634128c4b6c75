/* Every model type the command line knows, in build order. */
#include "engine/model.h"

extern const struct model_type demo_model;

const struct model_type *const pfsim_models[] = {
	&demo_model,
	NULL
};
