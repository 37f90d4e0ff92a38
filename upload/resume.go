package upload

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The exactly-once rule. The API takes no idempotency key, so a chunk whose
// request got no clear answer (the connection dropped, a 5xx, the client was
// killed) may or may not have become an execution. The client therefore:
//
//  1. sends one chunk at a time, and writes the state file with the chunk
//     "in_flight" before its first attempt, and "sent" with the execution id
//     as soon as the API answers with one;
//  2. knows every execution of the import that is accounted for: the ids of
//     the chunks in the state, their recorded duplicates, and the executions
//     the import held before this upload added to it (--import-id);
//  3. before sending an in-flight chunk again (a retry after an unclear
//     failure, or a resumed run), lists the import's executions: those not
//     accounted for can only come from the in-flight chunk, since no other
//     request was outstanding; one or more means the chunk arrived (the
//     earliest is its execution, any other a duplicate, reported), none means
//     it did not;
//  4. when the request may still be at work on the API's side (no answer
//     came, a 502/504, or the previous run was killed), "none" is believed
//     only once Settle has passed since the failure (since the start of a
//     resumed run); until then it waits and lists once more.
//
// Limits: one uploader per import at a time (another writer's executions
// would be taken for the in-flight chunk); an API that creates an execution
// later than Settle after the request was dropped gets the chunk twice.

// session is one run of an upload: the API client, the state and its file,
// the progress display and the counts of the summary.
type session struct {
	o       *Options
	api     *client
	st      *State
	prog    *progress
	known   map[string]bool // executions accounted for (rule 2)
	listing bool            // GET …/executions/{id} is missing: list instead (poll.go)
	origins *originsCursor  // reads the origins file of an import (origins.go)
	started time.Time
	sum     Summary
}

// newSession loads the state file, if there is one, and checks that it
// belongs to this upload.
func newSession(o *Options, base *url.URL) (*session, error) {
	st, err := loadState(o.StatePath)
	if err != nil {
		return nil, err
	}
	if st != nil {
		if err := st.matches(o.StatePath, base.String(), o); err != nil {
			return nil, err
		}
	} else {
		st = &State{Version: stateVersion, APIURL: base.String(), Datamart: o.Datamart, Inputs: o.Inputs, DocumentType: string(o.DocumentType)}
		if o.ImportID == "" {
			st.Name = o.Name
		}
	}
	s := &session{
		o:       o,
		api:     &client{base: base, token: o.Token, datamart: o.Datamart, http: o.HTTPClient},
		st:      st,
		prog:    newProgress(o.Stderr),
		known:   map[string]bool{},
		started: time.Now(),
	}
	for _, id := range st.Foreign {
		s.known[id] = true
	}
	for _, c := range st.Chunks {
		s.account(c)
	}
	s.sum.ImportID = st.ImportID
	return s, nil
}

// account marks a chunk's executions as accounted for.
func (s *session) account(c Chunk) {
	if c.ExecutionID != "" {
		s.known[c.ExecutionID] = true
	}
	for _, id := range c.Duplicates {
		s.known[id] = true
	}
}

func (s *session) save() error { return s.st.save(s.o.StatePath) }

// ensureImport creates the document import, or adopts --import-id, once.
func (s *session) ensureImport(ctx context.Context) error {
	if s.st.ImportID != "" {
		return nil
	}
	if s.o.ImportID != "" {
		execs, err := s.listExecutions(ctx, s.o.ImportID)
		if err != nil {
			return err
		}
		for _, e := range execs {
			s.st.Foreign = append(s.st.Foreign, string(e.ID))
			s.known[string(e.ID)] = true
		}
		s.st.ImportID = s.o.ImportID
		s.prog.note("adding to document import %s of datamart %s, which holds %d executions", s.st.ImportID, s.st.Datamart, len(execs))
	} else {
		err := s.retry(ctx, func() (err error) {
			s.st.ImportID, err = s.api.createImport(ctx, s.st.Name, s.o.DocumentType)
			return err
		})
		if err != nil {
			return err
		}
		s.prog.note("created document import %s (%q) in datamart %s", s.st.ImportID, s.st.Name, s.st.Datamart)
	}
	s.sum.ImportID = s.st.ImportID
	return s.save()
}

// deliver makes sure chunk c, whose bytes are body, is held by exactly one
// execution: it skips a chunk the state says was sent, reconciles one that
// was in flight, and sends the others.
func (s *session) deliver(ctx context.Context, c Chunk, body []byte) error {
	if c.Index < len(s.st.Chunks) {
		rec := &s.st.Chunks[c.Index]
		if err := sameChunk(s.o.StatePath, *rec, c); err != nil {
			return err
		}
		if rec.Status == StatusSent {
			s.sum.Skipped++
			s.prog.done(rec, "already sent as execution "+rec.ExecutionID)
			return nil
		}
		found, err := s.reconcile(ctx, rec, s.started, true)
		if err != nil || found {
			return err
		}
		return s.send(ctx, rec, body)
	}
	if c.Index != len(s.st.Chunks) {
		return fmt.Errorf("chunk %d comes after %d recorded chunks", c.Index+1, len(s.st.Chunks))
	}
	if err := s.ensureImport(ctx); err != nil {
		return err
	}
	s.st.Chunks = append(s.st.Chunks, c)
	return s.send(ctx, &s.st.Chunks[c.Index], body)
}

// send posts chunk c as a new execution until the API answers with its id
// (rules 1, 3 and 4). c points into the state; the import exists.
func (s *session) send(ctx context.Context, c *Chunk, body []byte) error {
	c.Status = StatusInFlight
	if err := s.save(); err != nil {
		return err
	}
	a := newAttempts(s.o)
	for {
		id, err := s.api.createExecution(ctx, s.st.ImportID, s.prog.body(body), int64(len(body)))
		if err == nil {
			s.sum.Sent++
			return s.accept(c, "sent as execution", id)
		}
		s.prog.rewind()
		failed := time.Now()
		d, again := a.next(err)
		if !again {
			return s.stop(c, a.exhausted(err))
		}
		s.retried(err, d, a)
		if err := sleep(ctx, d); err != nil {
			return err
		}
		if mayHaveActed(err) {
			found, err := s.reconcile(ctx, c, failed, mayStillAct(err))
			if err != nil || found {
				return err
			}
		}
	}
}

// stop ends the sending of chunk c on err. A chunk the API refused (a 4xx,
// 429 included) is certainly not among its executions: it leaves the state,
// so that a rerun cuts it again (with another --chunk-size, say). Otherwise
// it stays in flight, for the rerun to reconcile.
func (s *session) stop(c *Chunk, err error) error {
	err = fmt.Errorf("chunk %d: %w", c.Index+1, err)
	if mayHaveActed(err) || c.Index != len(s.st.Chunks)-1 {
		return err
	}
	s.st.Chunks = s.st.Chunks[:c.Index]
	return errors.Join(err, s.save())
}

// accept records that execution id holds chunk c.
func (s *session) accept(c *Chunk, how, id string) error {
	c.Status, c.ExecutionID = StatusSent, id
	s.account(*c)
	if err := s.save(); err != nil {
		return err
	}
	s.prog.done(c, how+" "+id)
	return nil
}

// reconcile decides the fate of in-flight chunk c, whose last attempt
// failed at since (rules 3 and 4). It returns true when c turned out to be
// held by an execution, now recorded.
func (s *session) reconcile(ctx context.Context, c *Chunk, since time.Time, settle bool) (bool, error) {
	for {
		execs, err := s.listExecutions(ctx, s.st.ImportID)
		if err != nil {
			return false, fmt.Errorf("chunk %d: reconcile with the import's executions: %w", c.Index+1, err)
		}
		if fresh := s.unaccounted(execs); len(fresh) > 0 {
			c.Duplicates = fresh[1:]
			s.sum.Recovered++
			s.sum.Duplicates += len(c.Duplicates)
			if len(c.Duplicates) > 0 {
				s.prog.note("warning: chunk %d is held by %d executions (%s): its lines are stored more than once", c.Index+1, len(fresh), strings.Join(fresh, ", "))
			}
			return true, s.accept(c, "had arrived: found as execution", fresh[0])
		}
		wait := time.Until(since.Add(s.o.Settle))
		if !settle || wait <= 0 {
			return false, nil
		}
		s.prog.note("chunk %d: not among the import's executions yet; listing again in %s (--settle) before sending it again", c.Index+1, wait.Round(time.Millisecond))
		if err := sleep(ctx, wait); err != nil {
			return false, err
		}
		settle = false
	}
}

// unaccounted returns the ids of the executions not accounted for, the
// earliest first.
func (s *session) unaccounted(execs []execution) []string {
	var fresh []execution
	for _, e := range execs {
		if !s.known[string(e.ID)] && !slices.ContainsFunc(fresh, func(f execution) bool { return f.ID == e.ID }) {
			fresh = append(fresh, e)
		}
	}
	slices.SortStableFunc(fresh, func(a, b execution) int {
		if c := cmp.Compare(a.CreationDate, b.CreationDate); c != 0 {
			return c
		}
		an, aerr := strconv.ParseInt(string(a.ID), 10, 64)
		bn, berr := strconv.ParseInt(string(b.ID), 10, 64)
		if aerr == nil && berr == nil {
			return cmp.Compare(an, bn)
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	ids := make([]string, len(fresh))
	for i, e := range fresh {
		ids[i] = string(e.ID)
	}
	return ids
}

// pageSize is the number of executions asked for per page of the list.
const pageSize = 500

// listExecutions returns every execution of an import, page after page,
// each page retried on its own.
func (s *session) listExecutions(ctx context.Context, importID string) ([]execution, error) {
	var all []execution
	for first := 0; ; {
		var page []execution
		total := -1
		err := s.retry(ctx, func() (err error) {
			page, total, err = s.api.executionsPage(ctx, importID, first, pageSize)
			return err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		first += len(page)
		if len(page) == 0 || total >= 0 && first >= total {
			return all, nil
		}
	}
}

// retry runs one request (an idempotent one, or the import's creation) until
// it succeeds, fails for good, or its retries are spent.
func (s *session) retry(ctx context.Context, do func() error) error {
	a := newAttempts(s.o)
	for {
		err := do()
		d, again := a.next(err)
		if !again {
			return a.exhausted(err)
		}
		s.retried(err, d, a)
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

func (s *session) retried(err error, d time.Duration, a *attempts) {
	s.sum.Retries++
	s.prog.note("retry %d/%d in %s: %v", a.retries, a.max, d.Round(time.Millisecond), err)
}
