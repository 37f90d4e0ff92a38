package journal

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Verdict is what the journal knows of a (key, checksum) pair.
type Verdict int

const (
	New     Verdict = iota // the key was never sent
	Same                   // the key was sent with this very line
	Changed                // the key was sent, with another line: sending it again would count it twice
)

// Answer is the journal's answer for one entry. For Same it names the first sending of
// that line; for Changed, the latest sending of the key.
type Answer struct {
	Verdict  Verdict
	When     time.Time
	RunID    int64
	ImportID string
}

// lookupBatch is how many keys one query asks for: SQLite allows 32766 parameters; ~1k
// keeps each statement's plan and result small.
const lookupBatch = 1000

// Lookup answers for each entry, in order, whether it is new, already sent with the same
// content, or sent with other content. Keys are looked up as key stores them (hashed when
// personal). It reads in batches of lookupBatch keys, one indexed query each.
func (j *Journal) Lookup(ctx context.Context, key KeySpec, entries []Entry) ([]Answer, error) {
	return j.lookup(ctx, key, entries, 0)
}

// Lookup is Journal.Lookup leaving out what this run itself recorded: a
// resumed run sees the answers its first attempt saw, and so sends the same
// lines (the state file's chunks match).
func (r *Run) Lookup(ctx context.Context, entries []Entry) ([]Answer, error) {
	return r.j.lookup(ctx, r.Key, entries, r.ID)
}

// lookup answers for entries, leaving out the sendings of run except (0:
// none).
func (j *Journal) lookup(ctx context.Context, key KeySpec, entries []Entry, except int64) ([]Answer, error) {
	answers := make([]Answer, len(entries))
	err := j.read(ctx, func(conn *sql.Conn) error {
		var full *sql.Stmt // the statement for a whole batch, prepared once
		for start := 0; start < len(entries); start += lookupBatch {
			batch := entries[start:min(start+lookupBatch, len(entries))]
			stmt := full
			if stmt == nil || len(batch) < lookupBatch {
				var err error
				if stmt, err = conn.PrepareContext(ctx, lookupQuery(len(batch))); err != nil {
					return err
				}
				defer stmt.Close()
				if len(batch) == lookupBatch {
					full = stmt
				}
			}
			if err := lookup(ctx, stmt, key, batch, except, answers[start:]); err != nil {
				return err
			}
		}
		return importIDs(ctx, conn, answers)
	})
	if err != nil {
		return nil, err
	}
	return answers, nil
}

func lookupQuery(n int) string {
	return "SELECT key, sum, run, at FROM sent WHERE run != ? AND key IN (?" + strings.Repeat(",?", n-1) + ")"
}

type sending struct {
	sum LineSum
	run int64
	at  int64
}

// lookup runs one batch and fills answers[i] for batch[i].
func lookup(ctx context.Context, stmt *sql.Stmt, key KeySpec, batch []Entry, except int64, answers []Answer) error {
	args := make([]any, 1+len(batch))
	args[0] = except
	for i, e := range batch {
		args[1+i] = key.stored(e.Key)
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	found := map[string][]sending{}
	var k string
	var sum []byte
	for rows.Next() {
		var s sending
		if err := rows.Scan(&k, &sum, &s.run, &s.at); err != nil {
			return err
		}
		copy(s.sum[:], sum)
		found[k] = append(found[k], s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, e := range batch {
		answers[i] = answer(e.Sum, found[args[1+i].(string)])
	}
	return nil
}

// answer picks, among a key's sendings, the first with the same sum, else the latest.
func answer(sum LineSum, sent []sending) Answer {
	if len(sent) == 0 {
		return Answer{}
	}
	var same, latest *sending
	for i := range sent {
		s := &sent[i]
		if s.sum == sum && (same == nil || s.at < same.at) {
			same = s
		}
		if latest == nil || s.at > latest.at {
			latest = s
		}
	}
	if same != nil {
		return Answer{Verdict: Same, When: time.UnixMilli(same.at), RunID: same.run}
	}
	return Answer{Verdict: Changed, When: time.UnixMilli(latest.at), RunID: latest.run}
}

// importIDs fills each answer's ImportID from its run.
func importIDs(ctx context.Context, conn *sql.Conn, answers []Answer) error {
	imports := map[int64]string{}
	for i := range answers {
		a := &answers[i]
		if a.Verdict == New {
			continue
		}
		id, ok := imports[a.RunID]
		if !ok {
			err := conn.QueryRowContext(ctx, "SELECT import_id FROM runs WHERE id = ?", a.RunID).Scan(&id)
			if err != nil {
				return fmt.Errorf("run %d: %w", a.RunID, err)
			}
			imports[a.RunID] = id
		}
		a.ImportID = id
	}
	return nil
}
