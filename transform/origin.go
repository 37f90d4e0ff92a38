package transform

// Tracing: with Config.Origins set, each worker records, for every activity
// it writes, the rows it was built from, and the consumer hands them to
// Origins in output order. Nothing is recorded otherwise.

// RowRef names a row of the input: the index of its input in Run's inputs,
// and the line it starts at (1-based, the header being line 1).
type RowRef struct {
	Input int
	Line  int
}

// originOf sets the rows the next activity is built from: one row.
func (w *worker) originOf(input uint32, line int) {
	if w.trace {
		w.origin = append(w.origin[:0], input, uint32(line))
	}
}

// originOfGroup sets the rows the next activity is built from: a group.
func originOfGroup[R any](w *worker, g []R, ref func(R) (uint32, int)) {
	if !w.trace {
		return
	}
	w.origin = w.origin[:0]
	for _, r := range g {
		in, line := ref(r)
		w.origin = append(w.origin, in, uint32(line))
	}
}

// traced records that an activity was written from the rows set last: the
// number of rows, then each row's input and line.
func (w *worker) traced(res *result) {
	if w.trace {
		res.origins = append(append(res.origins, uint32(len(w.origin)/2)), w.origin...)
	}
}

// tracer builds the workers of a run, tracing when Config.Origins asks.
func (r *run) tracer(w *worker) *worker {
	w.trace = r.cfg.Origins != nil
	w.keys = r.cfg.Keys != nil // keys.go
	return w
}

// reportOrigins hands a result's origins to Config.Origins, one activity
// at a time, in order.
func (r *run) reportOrigins(res *result) error {
	for o := res.origins; len(o) > 0; {
		k := int(o[0])
		r.refs = r.refs[:0]
		for i := 0; i < k; i++ {
			r.refs = append(r.refs, RowRef{Input: int(o[1+2*i]), Line: int(o[2+2*i])})
		}
		o = o[1+2*k:]
		if err := r.cfg.Origins(r.refs); err != nil {
			return err
		}
	}
	return nil
}
