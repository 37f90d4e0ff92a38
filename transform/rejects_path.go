package transform

// RejectsPath is where a conversion's rejects go: Rejects when given, else
// OUT.rejects.ndjson beside Output, or "-" (Stderr) when the output is
// standard output, a device or a FIFO.
func (o Options) RejectsPath() string { return rejectsPath(o) }
