package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"

	"csv2activity/document"
)

// client speaks the bulk import API for one datamart. Each method makes one
// attempt; retries are the session's.
type client struct {
	base     *url.URL
	token    string
	datamart string
	http     *http.Client
}

// envelope is every answer of the API: {"status":"ok","data":…} or
// {"status":"error","error":…}; lists add their total.
type envelope struct {
	Status  string          `json:"status"`
	Data    json.RawMessage `json:"data"`
	Error   string          `json:"error"`
	ErrorID string          `json:"error_id"`
	Total   *int            `json:"total"`
	Count   *int            `json:"count"`
}

// execution is what the API says of an execution.
type execution struct {
	ID           flexID `json:"id"`
	Status       string `json:"status"`
	CreationDate int64  `json:"creation_date"`
	StartDate    int64  `json:"start_date"`
	EndDate      int64  `json:"end_date"`
	Result       *struct {
		TotalSuccess int    `json:"total_success"`
		TotalFailure int    `json:"total_failure"`
		ErrorFileURI string `json:"error_file_uri"`
	} `json:"result"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// flexID reads an id written as a JSON string or number.
type flexID string

func (id *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*id = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id %s is neither a string nor a number", b)
	}
	*id = flexID(n.String())
	return nil
}

// maxAnswer bounds the bytes of an answer read.
const maxAnswer = 32 << 20

func (c *client) importsPath() string {
	return "/v1/datamarts/" + url.PathEscape(c.datamart) + "/document_imports"
}

func (c *client) executionsPath(importID string) string {
	return c.importsPath() + "/" + url.PathEscape(importID) + "/executions"
}

// createImport creates an ndjson document import of the type t and returns
// its id.
func (c *client) createImport(ctx context.Context, name string, t document.Type) (string, error) {
	body, _ := json.Marshal(map[string]string{
		"document_type": string(t),
		"mime_type":     "APPLICATION_X_NDJSON",
		"encoding":      "utf-8",
		"name":          name,
	})
	var imp struct {
		ID flexID `json:"id"`
	}
	err := c.do(ctx, http.MethodPost, c.importsPath(), nil, "application/json", bytes.NewReader(body), int64(len(body)), &imp)
	if err == nil && imp.ID == "" {
		err = fmt.Errorf("POST %s: the answer holds no import id", c.importsPath())
	}
	return string(imp.ID), err
}

// createExecution sends one chunk and returns the new execution's id.
func (c *client) createExecution(ctx context.Context, importID string, body io.Reader, size int64) (string, error) {
	var e execution
	path := c.executionsPath(importID)
	if err := c.do(ctx, http.MethodPost, path, nil, "application/x-ndjson", body, size, &e); err != nil {
		return "", err
	}
	if e.ID == "" {
		// Accepted, but which execution is ours cannot be told: the
		// outcome is unknown, to be reconciled like a dropped answer.
		return "", &NetError{Method: http.MethodPost, Path: path, Err: errors.New("the answer holds no execution id")}
	}
	return string(e.ID), nil
}

// executionsPage returns one page of an import's executions and the total
// the API reports: its total, else its count when that is more than the
// page holds (a count of the whole list), else -1.
func (c *client) executionsPage(ctx context.Context, importID string, first, size int) ([]execution, int, error) {
	q := url.Values{"first_result": {strconv.Itoa(first)}, "max_results": {strconv.Itoa(size)}}
	var page []execution
	env, err := c.request(ctx, http.MethodGet, c.executionsPath(importID), q, "", nil, 0)
	if err == nil {
		err = decodeData(env, http.MethodGet, c.executionsPath(importID), &page)
	}
	total := -1
	switch {
	case env == nil:
	case env.Total != nil:
		total = *env.Total
	case env.Count != nil && *env.Count > len(page):
		total = *env.Count
	}
	return page, total, err
}

// execution returns one execution of an import.
func (c *client) execution(ctx context.Context, importID, id string) (execution, error) {
	var e execution
	err := c.do(ctx, http.MethodGet, c.executionsPath(importID)+"/"+url.PathEscape(id), nil, "", nil, 0, &e)
	return e, err
}

// do makes one request and decodes the data of its answer into data.
func (c *client) do(ctx context.Context, method, path string, q url.Values, ctype string, body io.Reader, size int64, data any) error {
	env, err := c.request(ctx, method, path, q, ctype, body, size)
	if err != nil {
		return err
	}
	return decodeData(env, method, path, data)
}

func decodeData(env *envelope, method, path string, data any) error {
	if err := json.Unmarshal(env.Data, data); err != nil {
		return &NetError{Method: method, Path: path, Err: fmt.Errorf("unreadable answer: %w", err)}
	}
	return nil
}

// request makes one request. A 2xx answer with an "ok" envelope is
// returned; any other answer is an *APIError; no (complete, readable) answer
// is a *NetError, or ctx's error once ctx is done. No error quotes a request
// header.
func (c *client) request(ctx context.Context, method, path string, q url.Values, ctype string, body io.Reader, size int64) (*envelope, error) {
	resp, err := c.send(ctx, method, path, q, ctype, body, size)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, c.netError(ctx, method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, c.apiError(method, path, resp, raw)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Status != "ok" {
		return nil, &NetError{Method: method, Path: path, Err: fmt.Errorf("unreadable answer (%d %s): %s", resp.StatusCode, http.StatusText(resp.StatusCode), c.snippet(raw))}
	}
	return &env, nil
}

// send makes one request with the token and returns the answer, whatever
// its status; no answer is a *NetError, or ctx's error once ctx is done.
func (c *client) send(ctx context.Context, method, path string, q url.Values, ctype string, body io.Reader, size int64) (*http.Response, error) {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.ContentLength = size
	req.Header.Set("Authorization", c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "csv2activity")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	hc := *c.http // a copy: the caller's client is not changed
	hc.CheckRedirect = c.checkRedirect
	resp, err := hc.Do(req)
	var re *RedirectError
	if errors.As(err, &re) {
		re.Method, re.Path = method, path
		return nil, re
	}
	if err != nil {
		return nil, c.netError(ctx, method, path, err)
	}
	return resp, nil
}

// maxRedirects bounds the redirects one request follows.
const maxRedirects = 5

// checkRedirect is the client's redirect policy: a redirect is followed only
// to the API's own origin (the base URL's scheme, host and port) and only if
// it keeps the request's method (307, 308 for a POST). So the token
// (Authorization) and the body are never sent to another origin, and since
// the base URL passed checkURL, the loopback rule (plain http only to a
// loopback host) holds for every URL contacted. Anything else ends the
// request with a *RedirectError, and nothing is sent to the target.
func (c *client) checkRedirect(req *http.Request, via []*http.Request) error {
	re := &RedirectError{To: redactURL(req.URL)}
	if req.Response != nil {
		re.Code = req.Response.StatusCode
	}
	_, urlErr := checkURL(req.URL.String())
	switch {
	case !sameOrigin(req.URL, c.base):
		re.Reason = fmt.Sprintf("it leaves the API's origin %s://%s; the token is sent to no other", c.base.Scheme, c.base.Host)
	case urlErr != nil:
		re.Reason = urlErr.Error()
	case req.Method != via[0].Method:
		re.Reason = fmt.Sprintf("it turns the %s into a %s", via[0].Method, req.Method)
	case len(via) > maxRedirects:
		re.Reason = fmt.Sprintf("more than %d redirects", maxRedirects)
	default:
		return nil
	}
	return re
}

// sameOrigin reports whether u has the scheme, host and port of base (a
// port left out is the scheme's default).
func sameOrigin(u, base *url.URL) bool {
	return strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(u.Hostname(), base.Hostname()) &&
		portOf(u) == portOf(base)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}

// redactURL writes a URL for a message without its user information and
// query, which may hold secrets.
func redactURL(u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment = nil, "", false, ""
	return v.String()
}

// RedirectError is a redirect the client refused to follow (see the redirect
// policy, client.checkRedirect): nothing was sent to its target.
type RedirectError struct {
	Method, Path string
	Code         int    // the redirect's status
	To           string // where it pointed, without query
	Reason       string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s %s: refusing to follow a %d redirect to %s: %s; check --api-url", e.Method, e.Path, e.Code, e.To, e.Reason)
}

// netError wraps a transport error without the URL the http package adds
// (it holds no secret, but says the path twice), or returns ctx's error.
func (c *client) netError(ctx context.Context, method, path string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &NetError{Method: method, Path: path, Err: err}
}

// apiError builds the error of a non-2xx answer from its envelope's message
// (or the start of its body when it is no envelope).
func (c *client) apiError(method, path string, resp *http.Response, raw []byte) *APIError {
	var env envelope
	msg := ""
	if json.Unmarshal(raw, &env) == nil && env.Error != "" {
		msg = c.redact(env.Error)
	} else {
		msg = c.snippet(raw)
	}
	return &APIError{Method: method, Path: path, Code: resp.StatusCode, Message: msg, ErrorID: c.redact(env.ErrorID),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
}

// snippet returns the start of an answer's body as one line of text.
func (c *client) snippet(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return c.redact(s)
}

// redact blanks the token out of a text from the server.
func (c *client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[token]")
}

// maxRetryAfter bounds the wait a Retry-After header can impose.
const maxRetryAfter = 5 * time.Minute

// parseRetryAfter reads a Retry-After header, in seconds or as an HTTP date;
// it returns 0 when there is none or it cannot be read.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		d = time.Duration(secs * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return max(0, min(d, maxRetryAfter))
}

// The retry policy. A request is retried when it got no answer (*NetError)
// or a 408, 429 or 5xx answer, at most MaxRetries times. Before retry n the
// run waits an exponential backoff with jitter (RetryWait × 2^(n-1), ±50 %,
// at most MaxRetryWait), or what the API's Retry-After header asks when that
// is longer (at most 5 minutes, plus up to 10 % jitter). Any other answer
// (401, 403, 404, 413, other 4xx) stops the run at once.

// retryable reports whether a request that ended with err may be tried
// again.
func retryable(err error) bool {
	var ne *NetError
	var ae *APIError
	switch {
	case errors.As(err, &ne):
		return true
	case errors.As(err, &ae):
		return ae.Code == http.StatusRequestTimeout || ae.Code == http.StatusTooManyRequests || ae.Code >= 500
	}
	return false
}

// mayHaveActed reports whether the API may have acted on a request that
// ended with err: it got no answer, or a 5xx (the API failed, perhaps after
// the work was done). A 4xx, 429 included, is a refusal.
func mayHaveActed(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code >= 500
	}
	return true
}

// mayStillAct reports whether the API may act on the request after the
// client saw it fail: no answer came (the connection dropped, the client
// timed out or was killed) or a gateway gave up on the API (502, 504).
// Work the API had finished with is known to it when it answers otherwise.
func mayStillAct(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code == http.StatusBadGateway || ae.Code == http.StatusGatewayTimeout
	}
	return true
}

// attempts counts the retries of one request and says how long to wait
// before the next.
type attempts struct {
	b       backoff.BackOff
	retries int
	max     int
}

func newAttempts(o *Options) *attempts {
	exp := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(o.RetryWait),
		backoff.WithMultiplier(2),
		backoff.WithRandomizationFactor(0.5),
		backoff.WithMaxInterval(MaxRetryWait),
		backoff.WithMaxElapsedTime(0),
	)
	n := max(0, o.MaxRetries) // negative: no retry
	return &attempts{b: backoff.WithMaxRetries(exp, uint64(n)), max: n}
}

// next returns the wait before retrying a request that failed with err, or
// false when err is final or no retry is left.
func (a *attempts) next(err error) (time.Duration, bool) {
	if err == nil || !retryable(err) {
		return 0, false
	}
	d := a.b.NextBackOff()
	if d == backoff.Stop {
		return 0, false
	}
	a.retries++
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > d {
		d = ae.RetryAfter + time.Duration(rand.Int64N(int64(ae.RetryAfter)/10+1))
	}
	return d, true
}

// exhausted wraps the error of a request that was retried in vain.
func (a *attempts) exhausted(err error) error {
	if a.retries == 0 || !retryable(err) {
		return err
	}
	return fmt.Errorf("%w (gave up after %d retries, --max-retries)", err, a.retries)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
