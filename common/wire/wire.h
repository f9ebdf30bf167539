// Every wire constant of both protocols: the broker protocol's numbers (broker_limits.h) and the
// peer protocol's frames (frame_types.h). The broker protocol's words are in broker_words.h. The
// formats are specified in docs/PROTOCOL.md.
#pragma once

#include "common/wire/broker_limits.h"
#include "common/wire/frame_types.h"
