package upload

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"csv2activity/sandbox"
)

// interrupt describes how a run is stopped on its n-th execution POST.
type interrupt struct {
	name   string
	stored bool // whether the API stored the chunk before the client went
}

var interrupts = []interrupt{
	{"stopped after the API stored the chunk", true},
	{"stopped before the chunk arrived", false},
}

// stopAt makes the n-th execution POST stop the client's run, after or
// before the sandbox stores it.
func (a *testAPI) stopAt(n int64, stored bool, cancel context.CancelFunc) {
	a.setHook(func(got int64, w http.ResponseWriter, r *http.Request) bool {
		if got != n {
			return false
		}
		if stored {
			a.sb.ServeHTTP(httptest.NewRecorder(), r)
		}
		stopClient(cancel, r)
		return true
	})
}

func TestResumeAfterAnInterruptedUpload(t *testing.T) {
	t.Parallel()
	for _, tt := range interrupts {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestAPI(t, sandbox.Options{})
			path, lines := writeActivities(t, t.TempDir(), "a.ndjson", 60, 1)
			var out printed
			opts := a.options(t, &out, path)
			ctx, cancel := context.WithCancel(context.Background())
			a.stopAt(4, tt.stored, cancel)
			if _, err := Upload(ctx, opts); !errors.Is(err, context.Canceled) {
				t.Fatalf("first run: got %v, want it cancelled", err)
			}
			st, _ := loadState(opts.StatePath)
			if len(st.Chunks) != 4 || st.Chunks[3].Status != StatusInFlight {
				t.Fatalf("state after the stop: %d chunks, last %q; want chunk 4 in flight", len(st.Chunks), st.Chunks[len(st.Chunks)-1].Status)
			}
			a.setHook(nil)
			sum, err := Upload(context.Background(), opts)
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			assertStoredOnce(t, a.dir, lines)
			wantRecovered := 0
			if tt.stored {
				wantRecovered = 1
			}
			if sum.Skipped != 3 || sum.Recovered != wantRecovered || sum.Sent != sum.Chunks-3-wantRecovered {
				t.Errorf("resume summary %+v: want 3 skipped, %d recovered, the rest sent", sum, wantRecovered)
			}
		})
	}
}

func TestDroppedAnswerIsReconciledNotResent(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	a.setHook(func(n int64, w http.ResponseWriter, r *http.Request) bool {
		if n != 2 {
			return false
		}
		a.sb.ServeHTTP(httptest.NewRecorder(), r)
		dropConnection(t, w)
		return true
	})
	path, lines := writeActivities(t, t.TempDir(), "a.ndjson", 30, 1)
	var out printed
	sum, err := Upload(context.Background(), a.options(t, &out, path))
	if err != nil {
		t.Fatal(err)
	}
	assertStoredOnce(t, a.dir, lines)
	if sum.Recovered != 1 || sum.Duplicates != 0 {
		t.Errorf("summary %+v: want the dropped chunk found among the executions", sum)
	}
	if !strings.Contains(out.stderr.String(), "had arrived: found as execution") {
		t.Errorf("stderr:\n%s\nwant the reconciliation reported", out.stderr.String())
	}
}

func TestDroppedRequestIsResentAfterSettle(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	a.setHook(func(n int64, w http.ResponseWriter, r *http.Request) bool {
		if n != 2 {
			return false
		}
		dropConnection(t, w)
		return true
	})
	path, lines := writeActivities(t, t.TempDir(), "a.ndjson", 30, 1)
	var out printed
	sum, err := Upload(context.Background(), a.options(t, &out, path))
	if err != nil {
		t.Fatal(err)
	}
	assertStoredOnce(t, a.dir, lines)
	if sum.Recovered != 0 || !strings.Contains(out.stderr.String(), "(--settle)") {
		t.Errorf("summary %+v, stderr:\n%s\nwant the chunk sent again once the settle time passed", sum, out.stderr.String())
	}
}

func TestTwoExecutionsForOneChunkAreReported(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	a.setHook(func(n int64, w http.ResponseWriter, r *http.Request) bool {
		if n != 1 {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		for range 2 {
			r.Body = io.NopCloser(bytes.NewReader(body))
			a.sb.ServeHTTP(httptest.NewRecorder(), r)
		}
		dropConnection(t, w)
		return true
	})
	path, _ := writeActivities(t, t.TempDir(), "a.ndjson", 10, 1)
	var out printed
	opts := a.options(t, &out, path)
	sum, err := Upload(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := loadState(opts.StatePath)
	if sum.Duplicates != 1 || len(st.Chunks[0].Duplicates) != 1 || !strings.Contains(out.stderr.String(), "stored more than once") {
		t.Errorf("summary %+v, chunk 1 %+v: want the second execution recorded and reported as a duplicate", sum, st.Chunks[0])
	}
}

func TestResumeRefusesAChangedInput(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	dir := t.TempDir()
	path, _ := writeActivities(t, dir, "a.ndjson", 60, 1)
	var out printed
	opts := a.options(t, &out, path)
	ctx, cancel := context.WithCancel(context.Background())
	a.stopAt(3, true, cancel)
	Upload(ctx, opts)
	a.setHook(nil)
	writeActivities(t, dir, "a.ndjson", 60, 2)
	before := a.requests.Load()
	_, err := Upload(context.Background(), opts)
	if !IsUsage(err) || !strings.Contains(err.Error(), "has changed since") {
		t.Fatalf("got %v, want a usage error naming the change", err)
	}
	if n := a.requests.Load() - before; n != 0 {
		t.Errorf("got %d requests, want none", n)
	}
	other := a.options(t, &out, path)
	other.StatePath, other.Datamart = opts.StatePath, "8"
	if _, err := Upload(context.Background(), other); !IsUsage(err) || !strings.Contains(err.Error(), "is for datamart 7") {
		t.Errorf("another datamart: got %v, want a usage error", err)
	}
}

// produceLines writes lines in pieces that cut lines anywhere.
func produceLines(lines []string) func(w io.Writer) error {
	return func(w io.Writer) error {
		data := []byte(strings.Join(lines, "\n") + "\n")
		for i := 0; len(data) > 0; i++ {
			n := min(len(data), 1+(i*397)%1500)
			if _, err := w.Write(data[:n]); err != nil {
				return err
			}
			data = data[n:]
		}
		return nil
	}
}

func TestStreamResumesByChecksum(t *testing.T) {
	t.Parallel()
	for _, tt := range interrupts {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestAPI(t, sandbox.Options{FailRate: 0.2, Seed: 3})
			_, lines := writeActivities(t, t.TempDir(), "a.ndjson", 80, 1)
			var out printed
			opts := a.options(t, &out, "orders.csv")
			opts.MaxRetries = 20
			ctx, cancel := context.WithCancel(context.Background())
			a.stopAt(6, tt.stored, cancel)
			if _, err := Stream(ctx, opts, produceLines(lines)); !errors.Is(err, context.Canceled) {
				t.Fatalf("first run: got %v, want it cancelled", err)
			}
			a.setHook(nil)
			sum, err := Stream(context.Background(), opts, produceLines(lines))
			if err != nil {
				t.Fatalf("resume: %v\n%s", err, out.stderr.String())
			}
			assertStoredOnce(t, a.dir, lines)
			if sum.Skipped == 0 || sum.Skipped+sum.Recovered+sum.Sent != sum.Chunks {
				t.Errorf("resume summary %+v: want the chunks sent before skipped", sum)
			}
			again, err := Stream(context.Background(), opts, produceLines(lines))
			if err != nil || again.Skipped != again.Chunks {
				t.Errorf("a third run: %+v, %v; want every chunk skipped", again, err)
			}
			assertStoredOnce(t, a.dir, lines)
		})
	}
}

func TestStreamDoesNotSendAFailedProducersLastChunk(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	_, lines := writeActivities(t, t.TempDir(), "a.ndjson", 40, 1)
	var out printed
	opts := a.options(t, &out, "orders.csv")
	boom := errors.New("conversion failed")
	_, err := Stream(context.Background(), opts, func(w io.Writer) error {
		produceLines(lines)(w)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the producer's error", err)
	}
	st, _ := loadState(opts.StatePath)
	stored := len(storedLines(t, a.dir))
	if sent := st.Chunks[len(st.Chunks)-1]; stored >= len(lines) || sent.FirstLine+sent.Lines-1 != stored {
		t.Errorf("stored %d of %d lines, state ends at line %d: want the full chunks only", stored, len(lines), sent.FirstLine+sent.Lines-1)
	}
}
