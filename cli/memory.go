package cli

import (
	"math"
	"os"
	"runtime/debug"
	"sync"

	"csv2activity/mapping"
)

// pipelineMemory is the heap a pipeline of batches needs (the batches in
// flight between the reader, the workers and the writer, and their
// buffers): the whole limit without group_by; init adds the order ids it
// remembers (tuneInitMemory).
const pipelineMemory = 48 << 20

// sortedMemory is the heap of --sorted's two pipelines (their queues
// halved: transform's sortedQueue) and the group being read; the keys of
// the groups already complete, which grow with the input, raise the limit
// as they come (addMemory through transform.Config.KeptMemory). Measured
// on 1M lines: 32 MiB peaks at 60 MiB resident (17 MiB of it the binary's
// own pages), 48 MiB at 75 MiB, for about 10% more collector CPU.
const sortedMemory = 32 << 20

// tuneMemory sets the garbage collector for a conversion (setGC): its
// pipeline, plus the group_by budget when groups are gathered across the
// whole input (the group store counts what it holds, chunks and slices
// whole, against it); with --sorted, sortedMemory.
func tuneMemory(m *mapping.Mapping, groupBudget int64, sorted bool) {
	limit := int64(pipelineMemory)
	switch {
	case m.GroupBy != nil && sorted:
		limit = sortedMemory
	case m.GroupBy != nil:
		limit += groupBudget
	}
	setGC(limit)
}

// tuneInitMemory sets the garbage collector for init (setGC): its pipeline
// (the batches in flight between the reader and the profile's lanes), and
// the order ids it remembers; what the profile keeps for each column is
// added once the header is read (addMemory through
// starter.Options.KeptMemory).
func tuneInitMemory() { setGC(pipelineMemory + 16<<20) }

// setGC makes the collector collect less often than Go's default (the heap
// of a conversion is small and mostly garbage) and keep the heap within
// limit bytes. GOGC and GOMEMLIMIT in the environment win.
func setGC(limit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(limit)
	}
}

// addMemory raises the Go memory limit set by tuneMemory or tuneInitMemory
// by n bytes, for a run that holds more than its pipeline (the import
// journal's page cache; through transform.Config.KeptMemory, the columns
// of a wide header, the keys --sorted keeps, the group index past three
// quarters of --max-memory; through starter.Options.KeptMemory, what
// init's profile keeps per column): else the collector would run without
// end near the limit. A limit set by GOMEMLIMIT is left as it is.
func addMemory(n int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	memoryLimit.Lock() // the journal and the key index may both grow at once
	defer memoryLimit.Unlock()
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64-n {
		debug.SetMemoryLimit(limit + n)
	}
}

// memoryLimit makes addMemory's read and raise of the limit one step.
var memoryLimit sync.Mutex
