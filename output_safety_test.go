package main

import (
	"encoding/pem"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// Where files are written and uploads leave the machine, through the binary:
// what a kill -9 leaves in the spill folders for the next run to remove,
// and redirects. These stay in Go for what they make or serve on the side:
// spill folders told apart by run, TLS servers that redirect. Devices, a
// FIFO's reader, a killed --split-size run, symlinked and umasked outputs
// and one file given to upload under several paths are scripts
// (output_device, output_fifo, split_kill9, output_symlink, output_umask,
// upload_same_file).

// spillFolders lists the spill folders in tmp that hold spill files.
func spillFolders(tmp string) []string {
	runs, _ := filepath.Glob(filepath.Join(tmp, "csv2activity-spill-*", "run-*"))
	var dirs []string
	for _, r := range runs {
		if d := filepath.Dir(r); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// startSpilling starts a group_by conversion of standard input with a small
// memory budget and waits until it has spilled rows to TMPDIR; it returns
// the process and its spill folder. Its input stays open: it runs until
// stopped.
func startSpilling(t *testing.T, dir, tmp, name string, export string) (*exec.Cmd, io.Closer, string) {
	t.Helper()
	before := spillFolders(tmp)
	cmd, stdin, _ := startPiped(t, []string{"TMPDIR=" + tmp}, "convert", "--max-memory", "1MiB", "-m", filepath.Join(dir, "us.yaml"), "-o", filepath.Join(dir, name), "-")
	go io.WriteString(stdin, export)
	var folder string
	waitFor(t, func() bool {
		for _, d := range spillFolders(tmp) {
			if !slices.Contains(before, d) {
				folder = d
			}
		}
		return folder != ""
	})
	return cmd, stdin, folder
}

// TestSpillOfDeadRunRemoved kills a run with -9 while it spills: its spill
// folder stays in TMPDIR until the next run (any conversion) removes it.
// The folder of a run still running is left alone, and so is a folder of
// someone else's that happens to share the name.
func TestSpillOfDeadRunRemoved(t *testing.T) {
	t.Parallel()
	lines := genOrders(60000, rand.New(rand.NewSource(5)))
	rand.New(rand.NewSource(6)).Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	export := usExport(lines)
	dir := t.TempDir()
	writeFile(t, dir, "us.yaml", usMapping(t))
	tmp := filepath.Join(dir, "tmp")
	foreign := writeFile(t, tmp, "csv2activity-spill-notes/notes.txt", "not a spill file\n")

	live, liveIn, liveFolder := startSpilling(t, dir, tmp, "live.ndjson", export)
	defer liveIn.Close()
	dead, deadIn, deadFolder := startSpilling(t, dir, tmp, "dead.ndjson", export)
	dead.Process.Kill()
	dead.Wait()
	deadIn.Close()
	if _, err := os.Stat(liveFolder); err != nil {
		t.Fatalf("a second run removed the spill folder of the first, running: %v", err)
	}
	if _, err := os.Stat(deadFolder); err != nil {
		t.Fatalf("the killed run's spill folder is already gone: %v", err)
	}

	res := runCLI(t, "", nil, []string{"TMPDIR=" + tmp}, "convert", "-m", "samples/loyalty.yaml", "-o", filepath.Join(dir, "next.ndjson"), "samples/loyalty.csv")
	if res.code != 0 {
		t.Fatalf("next run: exit %d:\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(deadFolder); err == nil {
		t.Error("the next run left the killed run's spill folder")
	}
	if _, err := os.Stat(liveFolder); err != nil {
		t.Errorf("the next run removed the spill folder of a running run: %v", err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("the next run removed a folder that is not a spill folder: %v", err)
	}
	stopWith(t, live, syscall.SIGINT, 10e9)
	if left := spillFolders(tmp); len(left) != 0 {
		t.Errorf("spill folders left: %v", left)
	}
}

// redirectingAPI is a TLS server that answers every request with a 307 to
// where(its own URL); certFile makes the binary trust it (SSL_CERT_FILE).
func redirectingAPI(t *testing.T, where func(api string) string) (api, certFile string) {
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, where(srv.URL)+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv.URL, writeFile(t, t.TempDir(), "api.pem", string(cert))
}

// TestUploadRedirects: an https API that redirects to plain http, or to
// another host, stops the upload with exit 1 and a message naming the
// redirect; the other server never sees a request, so neither the token nor
// a line. (A redirect within the API's origin is followed: see
// upload.TestRedirectsNeverLeaveTheOrigin.)
func TestUploadRedirects(t *testing.T) {
	t.Parallel()
	var leaked atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the plain-http server got the token on %s %s", r.Method, r.URL.Path)
		}
	}))
	defer plain.Close()
	activities, _ := activityFile(t, t.TempDir(), 30)
	for _, tt := range []struct {
		name  string
		where func(api string) string
		want  string
	}{
		{"to plain http", func(string) string { return plain.URL },
			"refusing to follow a 307 redirect to " + plain.URL + "/v1/datamarts/6/document_imports: it leaves the API's origin https://127.0.0.1:"},
		{"to another host", func(api string) string { return strings.Replace(api, "127.0.0.1", "localhost", 1) },
			"refusing to follow a 307 redirect to https://localhost:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api, cert := redirectingAPI(t, tt.where)
			env := []string{"MICS_API_TOKEN=" + e2eToken, "MICS_API_URL=" + api, "SSL_CERT_FILE=" + cert}
			res := runCLI(t, "", nil, env, "upload", "--datamart", "6", "--max-retries", "1", "--retry-wait", "1ms", "--state", filepath.Join(t.TempDir(), "s.json"), activities)
			if res.code != 1 || !strings.Contains(res.stderr, tt.want) {
				t.Fatalf("exit %d, want 1 saying %q:\n%s", res.code, tt.want, res.stderr)

			}
			assertNoTokenIn(t, []string{res.stdout, res.stderr})
		})
	}
	if n := leaked.Load(); n != 0 {
		t.Errorf("the plain-http server got %d requests", n)
	}
}
