// SPDX-License-Identifier: GPL-2.0
/*
 * Instantiates the toyalloc tracepoints declared in trace.h; the layers
 * that fire them only include the header.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#define CREATE_TRACE_POINTS
#include "trace.h"
