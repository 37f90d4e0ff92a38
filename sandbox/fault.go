package sandbox

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// fault is what the sandbox does to one request instead of answering it.
type fault int

const (
	faultNone       fault = iota
	faultBeforeBody       // 503 before the body is read
	faultAfterBody        // 500 after the body is read, nothing stored
)

// faults draws the injected failures and counts requests for the rate
// limit. It is safe for concurrent use.
type faults struct {
	mu     sync.Mutex
	rng    *rand.Rand
	rate   float64
	limit  int
	span   time.Duration // the window counted in: a second unless RateWindow
	window int64         // the window being counted, since the epoch
	count  int           // requests seen in that window
	now    func() time.Time
}

func newFaults(opts Options) *faults {
	seed := opts.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &faults{
		rng:   rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		rate:  opts.FailRate,
		limit: opts.RateLimit,
		span:  cmp.Or(opts.RateWindow, time.Second),
		now:   time.Now,
	}
}

// draw decides whether the request fails: with probability rate, half of the
// time before its body is read, half after.
func (f *faults) draw() fault {
	if f.rate <= 0 {
		return faultNone
	}
	f.mu.Lock()
	u := f.rng.Float64()
	f.mu.Unlock()
	switch {
	case u < f.rate/2:
		return faultBeforeBody
	case u < f.rate:
		return faultAfterBody
	}
	return faultNone
}

// throttle counts the request in the current window (a clock second unless
// RateWindow) and reports whether it is past the limit, with the
// Retry-After to answer: the window's length in seconds.
func (f *faults) throttle() (retryAfter string, limited bool) {
	if f.limit <= 0 {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if w := f.now().UnixNano() / int64(f.span); w != f.window {
		f.window, f.count = w, 0
	}
	f.count++
	return strconv.FormatFloat(f.span.Seconds(), 'f', -1, 64), f.count > f.limit
}

// per names the window the rate limit counts in: "a second", or "per
// 300ms" for a RateWindow of 300ms.
func (f *faults) per() string {
	if f.span == time.Second {
		return "a second"
	}
	return "per " + f.span.String()
}

// recorder delays the answer by delay (unless the client has gone) and
// remembers its status for the request log.
type recorder struct {
	http.ResponseWriter
	delay  time.Duration
	ctx    context.Context
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status != 0 {
		return
	}
	r.status = code
	if r.delay > 0 {
		t := time.NewTimer(r.delay)
		select {
		case <-t.C:
		case <-r.ctx.Done():
			t.Stop()
		}
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// code returns the status sent, 200 if the handler wrote nothing.
func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// okEnvelope and errorEnvelope are the API's answers: {"status":"ok","data":…}
// and {"status":"error","error":…}.
type okEnvelope struct {
	Status string `json:"status"`
	Data   any    `json:"data"`
}

type errorEnvelope struct {
	Status  string `json:"status"`
	Error   string `json:"error"`
	ErrorID string `json:"error_id"`
}

// listEnvelope is the answer to a paginated list.
type listEnvelope struct {
	Status      string `json:"status"`
	Data        any    `json:"data"`
	Count       int    `json:"count"`
	Total       int    `json:"total"`
	FirstResult int    `json:"first_result"`
	MaxResults  int    `json:"max_results"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, okEnvelope{Status: "ok", Data: data})
}

// writeError answers an error with a fresh error_id, as the platform does
// (support finds the error in its logs by that id).
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorEnvelope{Status: "error", Error: msg, ErrorID: newErrorID()})
}

// newErrorID returns a random id in the form of a UUID.
func newErrorID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
