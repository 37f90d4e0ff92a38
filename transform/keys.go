package transform

// Dedupe keys: with Config.Keys set, each worker computes, for every
// activity it writes, its dedupe key (mapping.Evaluator.DedupeKeyOf), and
// the consumer hands a result's keys to Keys before writing its lines, so
// that the writer can pair the next lines with them. An activity whose key
// cannot be computed (empty, or an expression error) is rejected, never
// written. Nothing is computed otherwise.

// keyGroup computes the dedupe key of the activity of group, kept for
// written; it returns why the activity is rejected when it has none.
func (w *worker) keyGroup(group [][]any) *why {
	if !w.keys {
		return nil
	}
	return w.keepKey(w.ev.DedupeKeyOf(group))
}

// keyRow computes the dedupe key of the activity of one row: its cells are
// typed again, in full (the compiled template may have read some as text),
// in the Evaluator's reused memory.
func (w *worker) keyRow(fields []string) *why {
	if !w.keys {
		return nil
	}
	return w.keepKey(w.ev.DedupeKeyRow(fields))
}

// keepKey keeps key for keyWritten, or returns why the activity is
// rejected when err says it has none.
func (w *worker) keepKey(key string, err error) *why {
	if err != nil {
		return whyOf(err)
	}
	w.key = key
	return nil
}

// keyWritten records the key of the activity just written.
func (w *worker) keyWritten(res *result) {
	if w.keys {
		res.keys = append(res.keys, w.key)
	}
}

// reportKeys hands a result's keys to Config.Keys, before its lines are
// written.
func (r *run) reportKeys(res *result) error {
	if r.cfg.Keys == nil {
		return nil
	}
	return r.cfg.Keys(res.keys)
}
