package upload

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"csv2activity/sandbox"
)

// recorder is a plain-http server that records the Authorization header and
// the body of every request it gets: it must get none from a redirect.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string // "METHOD PATH auth=… body=N bytes"
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body strings.Builder
		if req.Body != nil {
			buf := make([]byte, 512)
			n, _ := req.Body.Read(buf)
			body.Write(buf[:n])
		}
		r.mu.Lock()
		r.seen = append(r.seen, req.Method+" "+req.URL.Path+" auth="+req.Header.Get("Authorization")+" body="+body.String())
		r.mu.Unlock()
		http.Error(w, "should never be reached", http.StatusTeapot)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// redirectingAPI is a TLS server in front of the sandbox: requests under
// /moved/ reach the sandbox; any other is answered by redirect.
func redirectingAPI(t *testing.T, redirect func(w http.ResponseWriter, r *http.Request)) *httptest.Server {
	sb, err := sandbox.New(sandbox.Options{Dir: t.TempDir(), Token: testToken, Step: 5e6})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := strings.CutPrefix(r.URL.Path, "/moved"); ok {
			r.URL.Path = p
			sb.ServeHTTP(w, r)
			return
		}
		redirect(w, r)
	}))
	t.Cleanup(func() { srv.Close(); sb.Close() })
	return srv
}

// TestRedirectsNeverLeaveTheOrigin: an https API that redirects to plain
// http, to another host, or turns the POST into a GET is refused with a
// *RedirectError; the other server never sees the token nor the body. A
// redirect within the origin that keeps the method is followed.
func TestRedirectsNeverLeaveTheOrigin(t *testing.T) {
	t.Parallel()
	plain := newRecorder(t)
	tests := []struct {
		name     string
		location func(api string) string
		code     int
		reason   string
	}{
		{"to plain http", func(string) string { return plain.srv.URL }, http.StatusTemporaryRedirect, "leaves the API's origin"},
		{"to another host", func(api string) string { return strings.Replace(api, "127.0.0.1", "localhost", 1) }, http.StatusPermanentRedirect, "leaves the API's origin"},
		{"POST turned into GET", func(api string) string { return api + "/moved" }, http.StatusFound, "turns the POST into a GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var api *httptest.Server
			api = redirectingAPI(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tt.location(api.URL)+r.URL.Path, tt.code)
			})
			path, _ := writeActivities(t, t.TempDir(), "orders.ndjson", 3, 1)
			var out printed
			o := Options{Inputs: []string{path}, APIURL: api.URL, Token: testToken, Datamart: "7",
				StatePath: t.TempDir() + "/state.json", Stdout: &out.stdout, Stderr: &out.stderr, HTTPClient: api.Client()}
			_, err := Upload(context.Background(), o)
			var re *RedirectError
			if !errors.As(err, &re) || re.Code != tt.code || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("got %v, want a %d *RedirectError saying %q", err, tt.code, tt.reason)
			}
			if got := plain.requests(); len(got) != 0 {
				t.Errorf("the plain-http server got %q", got)
			}
			assertNoToken(t, map[string]string{"the error": err.Error(), "stderr": out.stderr.String()})
		})
	}

	t.Run("within the origin", func(t *testing.T) {
		api := redirectingAPI(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		})
		path, _ := writeActivities(t, t.TempDir(), "orders.ndjson", 20, 2)
		var out printed
		o := Options{Inputs: []string{path}, APIURL: api.URL, Token: testToken, Datamart: "7", ChunkSize: 4096,
			StatePath: t.TempDir() + "/state.json", Stdout: &out.stdout, Stderr: &out.stderr, HTTPClient: api.Client()}
		sum, err := Upload(context.Background(), o)
		if err != nil || sum.Sent < 2 {
			t.Fatalf("got %v, %d chunks sent; want every chunk sent through the redirects", err, sum.Sent)
		}
	})
}

// TestSameOrigin compares scheme, host and port, a missing port being the
// scheme's default.
func TestSameOrigin(t *testing.T) {
	t.Parallel()
	base, _ := checkURL("https://api.mediarithmics.com")
	tests := []struct {
		url  string
		want bool
	}{
		{"https://api.mediarithmics.com/v1/x", true},
		{"https://API.mediarithmics.com:443/v1/x", true},
		{"http://api.mediarithmics.com/v1/x", false},
		{"https://api.mediarithmics.com:8443/v1/x", false},
		{"https://api.mediarithmics.com.evil.example/v1/x", false},
		{"https://evil.example/v1/x", false},
	}
	for _, tt := range tests {
		u, _ := base.Parse(tt.url)
		if got := sameOrigin(u, base); got != tt.want {
			t.Errorf("sameOrigin(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
}
