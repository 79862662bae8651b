// Host-side checks of the GPU routines, done before anything is uploaded: the CPU core's own
// preconditions (core/preconditions.h, core/gram_scale.h), so both backends accept the same inputs.
#pragma once
#include "../core/finite.h"
#include "../core/gram_scale.h"
#include "../core/preconditions.h"
