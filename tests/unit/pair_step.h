/*
 * One side of a strictly alternating ping-pong pair, for tests that build their own pairs:
 * the action of @phase (0 run @ns, 1 wake the other side, 2 wait for it).
 */
#ifndef TESTS_PAIR_STEP_H
#define TESTS_PAIR_STEP_H

#include "sim/core/sim.h"

static inline void pair_step__action(struct sim_action *act, int phase, uint64_t ns, struct sim_chan *theirs,
				     struct sim_chan *mine)
{
	switch (phase % 3) {
	case 0:
		act->kind = SIM_ACT_RUN;
		act->ns = ns;
		break;
	case 1:
		act->kind = SIM_ACT_POST;
		act->chan = theirs;
		act->count = 1;
		break;
	default:
		act->kind = SIM_ACT_WAIT;
		act->chan = mine;
		break;
	}
}

#endif
