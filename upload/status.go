package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// The statuses of a job execution, as the platform's front end knows them.
// WAITING_DEPENDENT_JOB, SCHEDULED, PENDING and RUNNING have not finished;
// SUCCEEDED and SUCCESS finished well (SUCCEEDED may still count refused
// lines in total_failure); FAILED, EXECUTOR_NOT_RESPONDING, LOST and
// CANCELED finished badly. Any other status is one the platform added since:
// it is shown as it is and taken as not finished.
var statuses = map[string]phase{
	"WAITING_DEPENDENT_JOB":   running,
	"SCHEDULED":               running,
	"PENDING":                 running,
	"RUNNING":                 running,
	"SUCCEEDED":               finishedWell,
	"SUCCESS":                 finishedWell,
	"FAILED":                  finishedBadly,
	"EXECUTOR_NOT_RESPONDING": finishedBadly,
	"LOST":                    finishedBadly,
	"CANCELED":                finishedBadly,
}

// phase is where a status stands.
type phase int

const (
	running phase = iota // not finished, or unknown
	finishedWell
	finishedBadly
)

// finished reports whether an execution in status has ended.
func finished(status string) bool { return statuses[status] != running }

// succeeded reports whether an execution in status has ended well.
func succeeded(status string) bool { return statuses[status] == finishedWell }

// knownStatus reports whether csv2activity knows status.
func knownStatus(status string) bool {
	_, ok := statuses[status]
	return ok
}

// Status prints where a document import's executions stand: a table, or
// with jsonLines one JSON object per execution. o needs Token, Datamart and
// ImportID, or StatePath naming an upload's state file, which gives them
// (with the API URL) and names each chunk's lines; then the results seen are
// recorded in it and the error files brought home beside it. With Wait, the
// executions not finished are followed until they end (or WaitTimeout).
// The summary counts the results; an execution that finished badly makes
// the error (ErrExecutionFailed).
func Status(ctx context.Context, o Options, jsonLines bool) (Summary, error) {
	s, err := statusSession(&o)
	if err != nil {
		return Summary{}, err
	}
	execs, err := s.listExecutions(ctx, s.st.ImportID)
	if err != nil {
		return Summary{}, err
	}
	rows := s.rows(execs)
	var werr error
	if o.Wait {
		werr = s.followRows(ctx, rows)
	}
	if err := s.recordRows(rows); err != nil {
		return Summary{}, err
	}
	if jsonLines {
		err = s.printJSON(rows)
	} else {
		err = s.printTable(rows)
	}
	return s.sum, errors.Join(err, werr, s.endStatus(ctx, rows, !jsonLines))
}

// statusSession checks the options of Status and opens its session.
func statusSession(o *Options) (*session, error) {
	var st *State
	if o.StatePath != "" {
		var err error
		if st, err = loadState(o.StatePath); err != nil {
			return nil, err
		}
		if st == nil {
			return nil, usagef("no state file at %s", o.StatePath)
		}
		if err := st.owns(o); err != nil {
			return nil, err
		}
	}
	if err := checkDatamart(o.Datamart); err != nil {
		return nil, err
	}
	switch {
	case o.ImportID == "":
		return nil, usagef("no document import: give --import-id ID, or --state FILE of an upload that created one")
	case o.Token == "":
		return nil, usagef("no API token: set MICS_API_TOKEN or give --token-file FILE")
	}
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	base, err := checkURL(o.APIURL)
	if err != nil {
		return nil, err
	}
	if st == nil {
		st = &State{Version: stateVersion, APIURL: base.String(), Datamart: o.Datamart, ImportID: o.ImportID}
	} else if st.APIURL != base.String() {
		return nil, usagef("state file %s is for %s, not %s", o.StatePath, st.APIURL, base)
	}
	o.Inputs = st.Inputs
	o.defaults()
	return &session{o: o, api: &client{base: base, token: o.Token, datamart: o.Datamart, http: o.HTTPClient},
		st: st, prog: newProgress(o.Stderr), known: map[string]bool{}, started: time.Now(), sum: Summary{ImportID: o.ImportID, Waited: o.Wait}}, nil
}

// owns fills the datamart, import and API URL o leaves empty from the
// state, and refuses those that differ.
func (st *State) owns(o *Options) error {
	if st.ImportID == "" {
		return usagef("state file %s records no document import: the upload never created one", o.StatePath)
	}
	for _, f := range []struct {
		flag, state string
		opt         *string
	}{
		{"--datamart", st.Datamart, &o.Datamart}, {"--import-id", st.ImportID, &o.ImportID}, {"--api-url", st.APIURL, &o.APIURL},
	} {
		switch {
		case *f.opt == "":
			*f.opt = f.state
		case *f.opt != f.state && f.flag != "--api-url":
			return usagef("%s %s, but state file %s is for %s", f.flag, *f.opt, o.StatePath, f.state)
		}
	}
	return nil
}

// statusRow is one execution of the import and the chunk of the state it
// holds (nil when none: no state, or an execution of someone else).
type statusRow struct {
	e     execution
	chunk *Chunk
}

// rows pairs the executions with the chunks of the state.
func (s *session) rows(execs []execution) []*statusRow {
	byID := map[string]*Chunk{}
	for i := range s.st.Chunks {
		c := &s.st.Chunks[i]
		byID[c.ExecutionID] = c
		for _, d := range c.Duplicates {
			byID[d] = c
		}
	}
	rows := make([]*statusRow, len(execs))
	for i, e := range execs {
		rows[i] = &statusRow{e: e, chunk: byID[string(e.ID)]}
	}
	return rows
}

// followRows follows the executions not finished until they end.
func (s *session) followRows(ctx context.Context, rows []*statusRow) error {
	byID := map[string]*statusRow{}
	var ids []string
	for _, r := range rows {
		byID[string(r.e.ID)] = r
		if !finished(r.e.Status) {
			ids = append(ids, string(r.e.ID))
		}
	}
	return s.follow(ctx, ids, func(e execution) error {
		byID[string(e.ID)].e = e
		return nil
	})
}

// recordRows records in the state what the API says of its chunks.
func (s *session) recordRows(rows []*statusRow) error {
	if s.o.StatePath == "" {
		return nil
	}
	for _, r := range rows {
		if r.chunk != nil && r.chunk.ExecutionID == string(r.e.ID) {
			r.chunk.Result = resultOf(r.e, r.chunk.Result)
		}
	}
	return s.save()
}

// statusRecord is one execution as `status --json` prints it.
type statusRecord struct {
	ExecutionID  string `json:"execution_id"`
	Status       string `json:"status"`
	Finished     bool   `json:"finished"`
	CreationDate int64  `json:"creation_date,omitempty"`
	StartDate    int64  `json:"start_date,omitempty"`
	EndDate      int64  `json:"end_date,omitempty"`
	TotalSuccess int    `json:"total_success"`
	TotalFailure int    `json:"total_failure"`
	ErrorFileURI string `json:"error_file_uri,omitempty"`
	Message      string `json:"message,omitempty"`
	Chunk        int    `json:"chunk,omitempty"`
	Lines        string `json:"lines,omitempty"`
	ErrorFile    string `json:"error_file,omitempty"`
}

func (s *session) record(r *statusRow) statusRecord {
	e := r.e
	rec := statusRecord{ExecutionID: string(e.ID), Status: e.Status, Finished: finished(e.Status),
		CreationDate: e.CreationDate, StartDate: e.StartDate, EndDate: e.EndDate}
	res := resultOf(e, nil)
	rec.TotalSuccess, rec.TotalFailure, rec.ErrorFileURI, rec.Message = res.TotalSuccess, res.TotalFailure, res.ErrorFileURI, s.api.redact(res.Message)
	if c := r.chunk; c != nil {
		rec.Chunk, rec.Lines = c.Index+1, c.where()
		if c.Result != nil {
			rec.ErrorFile = c.Result.ErrorFile
		}
	}
	return rec
}

func (s *session) printJSON(rows []*statusRow) error {
	enc := json.NewEncoder(s.o.Stdout)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if err := enc.Encode(s.record(r)); err != nil {
			return err
		}
	}
	return nil
}

func (s *session) printTable(rows []*statusRow) error {
	fmt.Fprintf(s.o.Stdout, "document import %s of datamart %s: %d executions\n", s.st.ImportID, s.st.Datamart, len(rows))
	tw := tabwriter.NewWriter(s.o.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EXECUTION\tSTATUS\tSUCCESS\tFAILURE\tCREATED\tENDED\tLINES\tERROR FILE")
	for _, r := range rows {
		rec := s.record(r)
		status := rec.Status
		if !knownStatus(status) {
			status += " (unknown: not finished)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\n", rec.ExecutionID, status, rec.TotalSuccess, rec.TotalFailure,
			date(rec.CreationDate), date(rec.EndDate), orDash(rec.Lines), orDash(rec.ErrorFileURI))
	}
	return tw.Flush()
}

// date formats a date of the API (Unix milliseconds) in UTC; "-" for none.
func date(ms int64) string {
	if ms <= 0 {
		return "-"
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05Z")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// endStatus adds up the results, brings the state's error files home
// (explained on Stdout with the table, on Stderr with --json), and says
// whether an execution finished badly.
func (s *session) endStatus(ctx context.Context, rows []*statusRow, table bool) error {
	var failed []string
	for _, r := range rows {
		res := resultOf(r.e, nil)
		s.sum.TotalSuccess += res.TotalSuccess
		s.sum.TotalFailure += res.TotalFailure
		if finished(r.e.Status) && !succeeded(r.e.Status) {
			failed = append(failed, string(r.e.ID)+" "+r.e.Status)
		}
	}
	if !table {
		s.o.Stdout = s.o.Stderr
	}
	if err := s.bringErrorFiles(ctx); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s", ErrExecutionFailed, strings.Join(failed, ", "))
	}
	return nil
}
