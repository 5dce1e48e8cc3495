/*
 * Registers the fair class with the scheduler core (sim/core/hooks.h) when libscxsim is
 * loaded: the core finds its classes there, never by name.
 */
#include "sim/fair/fair.h"
#include "sim/core/hooks.h"

__attribute__((constructor)) static void fair__register(void)
{
	sim_class__register(SIM_CLASS_FAIR, &sim_fair_class);
}
