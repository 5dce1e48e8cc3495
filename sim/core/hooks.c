/*
 * The registered scheduling classes and upper-layer hooks (see hooks.h).
 */
#include "sim/core/hooks.h"

#include <stddef.h>

static const struct sim_class *classes[SIM_NR_CLASSES];
static const struct sim_ext_hooks no_ext_hooks;
static const struct sim_runtime_hooks no_runtime_hooks;

const struct sim_ext_hooks *sim_ext_hooks = &no_ext_hooks;
const struct sim_runtime_hooks *sim_runtime_hooks = &no_runtime_hooks;

void sim_class__register(enum sim_class_id id, const struct sim_class *cls)
{
	if (id >= 0 && id < SIM_NR_CLASSES)
		classes[id] = cls;
}

const struct sim_class *sim_class__registered(enum sim_class_id id)
{
	return id >= 0 && id < SIM_NR_CLASSES ? classes[id] : NULL;
}

void sim_hooks__register_ext(const struct sim_ext_hooks *hooks)
{
	sim_ext_hooks = hooks ? hooks : &no_ext_hooks;
}

void sim_hooks__register_runtime(const struct sim_runtime_hooks *hooks)
{
	sim_runtime_hooks = hooks ? hooks : &no_runtime_hooks;
}
