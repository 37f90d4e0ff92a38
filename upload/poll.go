package upload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Following executions. An execution is looked up with GET
// …/executions/{id}, an endpoint the platform's documentation does not
// show; once it answers 404 or 405, the session lists the import's
// executions instead (the endpoint the front end uses) and finds them there.
// More than listPast executions to look at are listed too: fewer requests.
// A status csv2activity does not know is shown as it is and taken as not
// finished: the run waits on, up to WaitTimeout.

// maxPollInterval bounds the growing wait between two looks at the
// executions.
const maxPollInterval = 15 * time.Second

// ErrWaitTimeout is wrapped by the error of a wait that ended with
// executions still not finished.
var ErrWaitTimeout = errors.New("executions still not finished")

// listPast is the number of executions past which one look lists the
// import's executions (a request per 500) rather than GET each one.
const listPast = 50

// look returns the executions ids of the import as the API shows them now.
func (s *session) look(ctx context.Context, ids []string) (map[string]execution, error) {
	got := map[string]execution{}
	for _, id := range ids {
		if s.listing || len(ids) > listPast {
			break
		}
		var e execution
		err := s.retry(ctx, func() (err error) {
			e, err = s.api.execution(ctx, s.st.ImportID, id)
			return err
		})
		var ae *APIError
		if errors.As(err, &ae) && (ae.Code == http.StatusNotFound || ae.Code == http.StatusMethodNotAllowed) {
			s.listing = true
			s.prog.note("GET %s/%s answered %d: following the executions in the import's list instead", s.api.executionsPath(s.st.ImportID), id, ae.Code)
			break
		}
		if err != nil {
			return nil, err
		}
		got[id] = e
	}
	if !s.listing && len(ids) <= listPast {
		return got, nil
	}
	execs, err := s.listExecutions(ctx, s.st.ImportID)
	if err != nil {
		return nil, err
	}
	for _, e := range execs {
		got[string(e.ID)] = e
	}
	for _, id := range ids {
		if _, ok := got[id]; !ok {
			return nil, fmt.Errorf("execution %s is not among the %d executions of document import %s", id, len(execs), s.st.ImportID)
		}
	}
	return got, nil
}

// follow polls the executions ids until every one has ended, calling seen
// with each one whenever its status changes (and at once the first time).
// It waits PollInterval between two looks, then half as long again each
// time, up to 15 s; past WaitTimeout it returns an error wrapping
// ErrWaitTimeout that names the executions still running.
func (s *session) follow(ctx context.Context, ids []string, seen func(execution) error) error {
	deadline := time.Now().Add(s.o.WaitTimeout)
	interval := s.o.PollInterval
	last := map[string]string{}
	for len(ids) > 0 {
		got, err := s.look(ctx, ids)
		if err != nil {
			return err
		}
		var open []string
		for _, id := range ids {
			e := got[id]
			if st, ok := last[id]; !ok || st != e.Status {
				last[id] = e.Status
				if !knownStatus(e.Status) {
					s.prog.note("execution %s: status %q, unknown to csv2activity: taken as not finished; waiting (up to --wait-timeout %s)", id, e.Status, s.o.WaitTimeout)
				}
				if err := seen(e); err != nil {
					return err
				}
			}
			if !finished(e.Status) {
				open = append(open, id+" "+e.Status)
			}
		}
		if len(open) == 0 {
			return nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("%w after --wait-timeout %s: %s; see where they stand later with: %s",
				ErrWaitTimeout, s.o.WaitTimeout, strings.Join(open, ", "), s.statusCommand())
		}
		if err := sleep(ctx, min(interval, left)); err != nil {
			return err
		}
		interval = min(interval*3/2, maxPollInterval)
		ids = ids[:0]
		for _, o := range open {
			ids = append(ids, strings.Fields(o)[0])
		}
	}
	return nil
}

// statusCommand is the command that shows where the import stands.
func (s *session) statusCommand() string {
	cmd := "csv2activity status --datamart " + s.st.Datamart + " --import-id " + s.st.ImportID
	if s.o.StatePath != "" {
		cmd += " --state " + s.o.StatePath
	}
	return cmd + " --wait"
}

// waitAll follows the execution of every chunk until it ends, records each
// result in the state, brings the error files home, and prints each result
// and the totals to Stdout. An execution that finished badly makes the error
// (ErrExecutionFailed); lines the API refused are counted in TotalFailure.
func (s *session) waitAll(ctx context.Context) error {
	if len(s.st.Chunks) == 0 {
		return nil
	}
	s.sum.Waited = true
	byID := map[string]*Chunk{}
	var ids []string
	for i := range s.st.Chunks {
		c := &s.st.Chunks[i]
		byID[c.ExecutionID] = c
		if c.Result == nil || !finished(c.Result.Status) {
			ids = append(ids, c.ExecutionID)
		}
	}
	err := s.follow(ctx, ids, func(e execution) error {
		c := byID[string(e.ID)]
		c.Result = resultOf(e, c.Result)
		return s.save()
	})
	if err != nil && !errors.Is(err, ErrWaitTimeout) {
		return fmt.Errorf("wait for the executions of document import %s: %w", s.st.ImportID, err)
	}
	return errors.Join(s.reportAll(ctx), err)
}

// resultOf is what an execution says of its end; the copy of its error file
// already kept (in was) is kept.
func resultOf(e execution, was *Result) *Result {
	r := &Result{Status: e.Status}
	if e.Result != nil {
		r.TotalSuccess, r.TotalFailure, r.ErrorFileURI = e.Result.TotalSuccess, e.Result.TotalFailure, e.Result.ErrorFileURI
	}
	if e.Error != nil {
		r.Message = e.Error.Message
	}
	if was != nil && was.ErrorFileURI == r.ErrorFileURI {
		r.ErrorFile = was.ErrorFile
	}
	return r
}

// reportAll prints every chunk's execution, brings the error files home,
// and prints the totals.
func (s *session) reportAll(ctx context.Context) error {
	var failed []string
	for i := range s.st.Chunks {
		c := &s.st.Chunks[i]
		s.report(c)
		if c.Result != nil && finished(c.Result.Status) && !succeeded(c.Result.Status) {
			failed = append(failed, c.ExecutionID+" "+c.Result.Status)
		}
	}
	if err := s.bringErrorFiles(ctx); err != nil {
		return err
	}
	fmt.Fprintf(s.o.Stdout, "document import %s: %d executions, %d failed; total_success=%d total_failure=%d\n",
		s.st.ImportID, len(s.st.Chunks), len(failed), s.sum.TotalSuccess, s.sum.TotalFailure)
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s", ErrExecutionFailed, strings.Join(failed, ", "))
	}
	return nil
}

// report prints one execution's state and adds its result to the totals.
func (s *session) report(c *Chunk) {
	r := c.Result
	if r == nil {
		r = &Result{Status: "(not seen)"}
	}
	s.sum.TotalSuccess += r.TotalSuccess
	s.sum.TotalFailure += r.TotalFailure
	line := fmt.Sprintf("execution %s (chunk %d, %s): %s total_success=%d total_failure=%d",
		c.ExecutionID, c.Index+1, c.where(), r.Status, r.TotalSuccess, r.TotalFailure)
	if r.ErrorFileURI != "" {
		line += " error_file_uri=" + r.ErrorFileURI
	}
	if r.Message != "" {
		line += " (the API says: " + s.api.redact(r.Message) + ")"
	}
	if len(c.Duplicates) > 0 {
		line += " (also held by executions " + strings.Join(c.Duplicates, ", ") + ")"
	}
	fmt.Fprintln(s.o.Stdout, line)
}
