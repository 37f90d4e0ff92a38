package upload

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"csv2activity/sandbox"
)

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	a := newTestAPI(t, sandbox.Options{})
	var asked time.Time
	a.setHook(func(n int64, w http.ResponseWriter, r *http.Request) bool {
		if n != 1 {
			return false
		}
		asked = time.Now()
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Retry-After", "0.3")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"status":"error","error":"slow down"}`))
		return true
	})
	path, lines := writeActivities(t, t.TempDir(), "a.ndjson", 3, 1)
	var out printed
	if _, err := Upload(context.Background(), a.options(t, &out, path)); err != nil {
		t.Fatal(err)
	}
	assertStoredOnce(t, a.dir, lines)
	if d := time.Since(asked); d < 300*time.Millisecond {
		t.Errorf("retried %s after a 429 with Retry-After: 0.3, want at least 300ms", d)
	}
}

func TestRateLimitedUploadCompletes(t *testing.T) {
	t.Parallel()
	// One request a window of 300ms, and more than two chunks: no 429
	// would need every request to take 300ms or more (a limit of 3 needed
	// only 75ms a request, which a loaded machine gives). Each 429 waits
	// its Retry-After of 0.3s, so the test takes about requests × 0.3
	// seconds.
	const limit = 1
	a := newTestAPI(t, sandbox.Options{RateLimit: limit, RateWindow: 300 * time.Millisecond})
	path, lines := writeActivities(t, t.TempDir(), "a.ndjson", 8, 1)
	var out printed
	opts := a.options(t, &out, path)
	opts.ChunkSize = 2048
	sum, err := Upload(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	assertStoredOnce(t, a.dir, lines)
	if sum.Chunks <= 2*limit {
		t.Fatalf("%d chunks, want more than %d to go past the limit", sum.Chunks, 2*limit)
	}
	if sum.Retries == 0 {
		t.Errorf("got no retry for %d requests at %d a window of 300ms, want some 429s", a.requests.Load(), limit)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"2", 2 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{"Tue, 02 Jan 2024 03:04:15 GMT", 10 * time.Second},
		{"Tue, 02 Jan 2024 03:00:00 GMT", 0},
		{"86400", maxRetryAfter},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRetryClassification(t *testing.T) {
	t.Parallel()
	api := func(code int) error { return &APIError{Method: "POST", Path: "/x", Code: code} }
	tests := []struct {
		name                             string
		err                              error
		retry, mayHaveActed, mayStillAct bool
	}{
		{"dropped connection", &NetError{Err: io.ErrUnexpectedEOF}, true, true, true},
		{"429", api(429), true, false, false},
		{"500", api(500), true, true, false},
		{"503", api(503), true, true, false},
		{"504", api(504), true, true, true},
		{"408", api(408), true, false, false},
		{"401", api(401), false, false, false},
		{"413", api(413), false, false, false},
		{"cancelled", context.Canceled, false, true, true},
		{"other", errors.New("disk full"), false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryable(tt.err); got != tt.retry {
				t.Errorf("retryable: got %v, want %v", got, tt.retry)
			}
			if tt.retry {
				if got := mayHaveActed(tt.err); got != tt.mayHaveActed {
					t.Errorf("mayHaveActed: got %v, want %v", got, tt.mayHaveActed)
				}
				if got := mayStillAct(tt.err); got != tt.mayStillAct {
					t.Errorf("mayStillAct: got %v, want %v", got, tt.mayStillAct)
				}
			}
		})
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	t.Parallel()
	o := &Options{MaxRetries: 6, RetryWait: 100 * time.Millisecond}
	a := newAttempts(o)
	err := &APIError{Code: 503}
	for i := range 6 {
		d, ok := a.next(err)
		base := o.RetryWait << i
		if !ok || d < base/2 || d > base*3/2 {
			t.Errorf("retry %d: got %s, %v; want within ±50%% of %s", i+1, d, ok, base)
		}
	}
	if _, ok := a.next(err); ok {
		t.Error("a 7th retry was allowed, want MaxRetries 6 to stop it")
	}
}
