package cli

import (
	"math"
	"os"
	"runtime/debug"

	"csv2activity/mapping"
)

// tuneMemory sets the garbage collector for a conversion: collect less often
// than Go's default (the heap of a conversion is small and mostly garbage),
// and keep the heap within a limit derived from the run's memory budget:
// the group_by budget plus 64 MiB for the pipeline (96 MiB in all with
// --sorted, which holds one group at a time), or 48 MiB without group_by.
// GOGC and GOMEMLIMIT in the environment win.
func tuneMemory(m *mapping.Mapping, groupBudget int64, sorted bool) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := int64(48 << 20)
	switch {
	case m.GroupBy != nil && sorted:
		limit = 96 << 20
	case m.GroupBy != nil:
		limit = groupBudget + 64<<20
	}
	debug.SetMemoryLimit(limit)
}

// tuneInitMemory sets the garbage collector for init as tuneMemory does for
// a conversion without group_by: collect less often than Go's default, in a
// heap of at most 64 MiB (the batches in flight between the reader and the
// profile's lanes, and the order ids remembered). GOGC and GOMEMLIMIT in the
// environment win.
func tuneInitMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
}

// addMemory raises the Go memory limit set by tuneMemory by n bytes, for a
// run that holds more than its conversion (the import journal's page
// cache): else the collector would run without end near the limit. A
// limit set by GOMEMLIMIT is left as it is.
func addMemory(n int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64-n {
		debug.SetMemoryLimit(limit + n)
	}
}
