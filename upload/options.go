package upload

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"csv2activity/activity"
	"csv2activity/document"
)

// Defaults of Options.
const (
	DefaultAPIURL = "https://api.mediarithmics.com"
	// MaxChunkSize is the API's limit on one execution: 100 MB, read as
	// 10^8 bytes, the stricter reading (bytesize reads "100MB" the same).
	MaxChunkSize     = 100_000_000
	DefaultChunkSize = MaxChunkSize
	// DefaultMaxRetries bounds the retries of one request: with the default
	// waits, about a minute and a half (0.5+1+2+4+8+16+30+30 s) before a run
	// gives up.
	DefaultMaxRetries = 8
	// DefaultRetryWait is the first wait before a retry; each next wait
	// doubles, ±50 % jitter, up to MaxRetryWait.
	DefaultRetryWait = 500 * time.Millisecond
	MaxRetryWait     = 30 * time.Second
	// DefaultSettle is how long after a dropped request (or a killed run) an
	// execution may still appear in the import's list before the chunk is
	// taken as never received and sent again.
	DefaultSettle       = 5 * time.Second
	DefaultPollInterval = time.Second
	// DefaultWaitTimeout bounds how long --wait follows executions that
	// have not ended (an import queued behind others can take hours).
	DefaultWaitTimeout = 6 * time.Hour
	// StateSuffix names the default state file: FIRST_INPUT + StateSuffix.
	StateSuffix = ".upload-state.json"
)

// Options configures an upload. Inputs, Datamart and (unless DryRun) Token
// are required; every other zero value means the default.
type Options struct {
	// Inputs are the files to send (Upload), or the inputs the producer
	// reads (Stream: recorded in the state, and naming its default path).
	Inputs []string
	// APIURL is the API's base URL; https, or http to a loopback host.
	APIURL string
	// Token is sent as the raw Authorization header and nowhere else: it is
	// never printed, logged, or written to the state file.
	Token    string
	Datamart string
	// ImportID adds the chunks to an existing document import instead of
	// creating one named Name (default "csv2activity FIRST_INPUT DATE").
	ImportID string
	Name     string
	// ChunkSize bounds the bytes of one execution; at most MaxChunkSize.
	ChunkSize int64
	// StatePath is the state file; default FIRST_INPUT + StateSuffix.
	StatePath string
	// Wait follows every execution until it ends and reports its result.
	Wait bool
	// DryRun prints the plan (chunks, sizes, lines) and sends nothing.
	DryRun bool
	// WaitTimeout bounds how long Wait follows executions; past it the run
	// stops with ErrWaitTimeout, the state holding what was seen.
	WaitTimeout time.Duration
	// MaxRetries, RetryWait, Settle, PollInterval: see their defaults; a
	// negative MaxRetries means no retry at all.
	MaxRetries   int
	RetryWait    time.Duration
	Settle       time.Duration
	PollInterval time.Duration
	// Stdout receives the plan and the --wait report (nil: os.Stdout);
	// Stderr the progress, the retries and the summary (nil: os.Stderr). A
	// progress bar is drawn when Stderr is a terminal.
	Stdout, Stderr io.Writer
	// HTTPClient sends the requests; nil means a client with connection and
	// answer timeouts.
	HTTPClient *http.Client
	// Rules are the activity rules every line is checked against; nil means
	// the platform's, with no key allowed besides.
	Rules *activity.Rules
	// DocumentType is the type of the document import and of its lines,
	// which are checked against its rules instead of Rules; "" means
	// USER_ACTIVITY. A state file records it: a resume with another type
	// is refused.
	DocumentType document.Type
}

// prepare fills in the defaults and checks the options, before anything is
// read or sent. stream says whether the inputs are a producer's (Stream).
func (o *Options) prepare(stream bool) (*url.URL, error) {
	if len(o.Inputs) == 0 {
		return nil, usagef("no input given")
	}
	if err := checkDatamart(o.Datamart); err != nil {
		return nil, err
	}
	if o.Token == "" && !o.DryRun {
		return nil, usagef("no API token: set MICS_API_TOKEN or give --token-file FILE")
	}
	if o.ImportID != "" && o.Name != "" {
		return nil, usagef("--name names a new document import, --import-id adds to an existing one: give one of them")
	}
	if o.ChunkSize > MaxChunkSize {
		return nil, usagef("--chunk-size %d is over the API's limit of %d bytes (100MB) per execution", o.ChunkSize, MaxChunkSize)
	}
	if err := o.checkInputs(stream); err != nil {
		return nil, err
	}
	if _, err := document.ParseType(string(o.DocumentType)); err != nil {
		return nil, usagef("%w", err)
	}
	o.defaults()
	return checkURL(o.APIURL)
}

func (o *Options) checkInputs(stream bool) error {
	for _, in := range o.Inputs {
		if in == "-" && !stream {
			return usagef("upload reads files, not standard input: every line is checked before anything is sent (write the ndjson to a file, or use import)")
		}
	}
	if o.Inputs[0] == "-" && o.StatePath == "" {
		return usagef("reading standard input: give --state FILE, so that a stopped run can resume")
	}
	return nil
}

func (o *Options) defaults() {
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	if o.DocumentType == "" {
		o.DocumentType = document.UserActivity
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	if len(o.Inputs) > 0 { // none for Status without a state file
		if o.StatePath == "" {
			o.StatePath = o.Inputs[0] + StateSuffix
		}
		if o.Name == "" {
			o.Name = "csv2activity " + filepath.Base(o.Inputs[0]) + " " + time.Now().Format("2006-01-02 15:04")
		}
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = DefaultWaitTimeout
	}
	if o.RetryWait <= 0 {
		o.RetryWait = DefaultRetryWait
	}
	if o.Settle <= 0 {
		o.Settle = DefaultSettle
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.HTTPClient == nil {
		o.HTTPClient = newHTTPClient()
	}
}

// checkDatamart accepts a datamart id the API knows the form of: a positive
// whole number.
func checkDatamart(id string) error {
	if id == "" {
		return usagef("no datamart: give --datamart ID or set MICS_DATAMART_ID")
	}
	if n, err := strconv.ParseUint(id, 10, 63); err != nil || n == 0 {
		return usagef("--datamart %q is not a datamart id: it must be a positive whole number, such as 1162", id)
	}
	return nil
}

// checkURL accepts https, and plain http only to a loopback host (127.0.0.0/8,
// ::1, localhost): anywhere else the token would cross the network in clear.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, usagef("--api-url %q is not a URL such as %s", raw, DefaultAPIURL)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		return nil, usagef("refusing plain http:// to %s: the token would cross the network in clear; use https:// (http:// is allowed only to 127.0.0.0/8, ::1 and localhost)", u.Host)
	default:
		return nil, usagef("--api-url %q: the scheme must be https", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newHTTPClient returns a client that gives up on a connection after 30 s
// and on an answer 5 minutes after the request was sent; a body of 100 MB
// may take longer than that to send, so there is no overall timeout.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 5 * time.Minute
	return &http.Client{Transport: t}
}
