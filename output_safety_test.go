package main

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"io/fs"
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
	"time"
)

// Where files are written and uploads leave the machine, through the binary:
// outputs that are devices, FIFOs or symlinks, the permissions of new and
// replaced files, what a kill -9 leaves for the next run to remove, the same
// file given twice to upload, and redirects.

// mustMknodNull makes a character device with /dev/null's numbers (1, 3) in
// dir: it discards what is written, as /dev/null does, without touching /dev.
func mustMknodNull(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("cannot make a device node: %v", err)
	}
	return p
}

// assertType checks what path is (without following a symlink at it).
func assertType(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != want {
		t.Errorf("%s is %v, want type %v", filepath.Base(path), fi.Mode(), want)
	}
}

// noTemporaries checks that no .tmp-* file is left in the folders.
func noTemporaries(t *testing.T, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		if left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
}

// TestOutputDevice writes the activities and the rejects to a character
// device (a /dev/null made in the test's folder): exit codes as usual, and
// the device is still a device, never renamed over nor removed, even when it
// sits where the default rejects file goes and nothing is rejected.
func TestOutputDevice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	null := mustMknodNull(t, dir, "null")
	res := runCLI(t, "", nil, nil, "convert", "-m", "samples/loyalty.yaml", "-o", null, "--rejects", null, "testdata/broken/loyalty.csv")
	if res.code != 3 || !strings.Contains(res.stderr, "rejected") {
		t.Fatalf("exit %d, want 3:\n%s", res.code, res.stderr)
	}
	assertType(t, null, fs.ModeDevice|fs.ModeCharDevice)

	// Without --rejects, the rejects go to standard error, not to a file
	// beside the device (/dev/null.rejects.ndjson).
	res = runCLI(t, "", nil, nil, "convert", "-m", "samples/loyalty.yaml", "-o", null, "testdata/broken/loyalty.csv")
	if res.code != 3 || !strings.Contains(res.stderr, `{"line":`) {
		t.Fatalf("exit %d, want 3 and the rejects on standard error:\n%s", res.code, res.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("got %v in the folder, want the device alone", entries)
	}

	rejects := mustMknodNull(t, dir, "orders.rejects.ndjson")
	res = runCLI(t, "", nil, nil, "convert", "-m", "samples/loyalty.yaml", "-o", filepath.Join(dir, "orders.ndjson"), "samples/loyalty.csv")
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	assertType(t, rejects, fs.ModeDevice|fs.ModeCharDevice)
	noTemporaries(t, dir)
}

// TestOutputFIFO writes the activities to a named pipe a reader waits on: the
// reader gets exactly what a file would hold, and the pipe stays a pipe. The
// same through a symlink to the process's own standard output (what
// /dev/stdout is).
func TestOutputFIFO(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	want := runCLI(t, "", nil, nil, "convert", "-m", "samples/loyalty.yaml", "samples/loyalty.csv").stdout
	fifo := filepath.Join(dir, "activities.pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo) // waits for the writer
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	res := runCLI(t, "", nil, nil, "convert", "-m", "samples/loyalty.yaml", "-o", fifo, "samples/loyalty.csv")
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	select {
	case s := <-got:
		if s != want || want == "" {
			t.Errorf("the reader got %d bytes, want the %d of the output", len(s), len(want))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run ended, and the reader still waits for a writer: the FIFO was not written")
	}
	assertType(t, fifo, fs.ModeNamedPipe)

	stdout := filepath.Join(dir, "stdout")
	os.Symlink("/proc/self/fd/1", stdout)
	res = runCLI(t, "", nil, nil, "convert", "-m", "samples/loyalty.yaml", "-o", stdout, "samples/loyalty.csv")
	if res.code != 0 || res.stdout != want {
		t.Errorf("-o a link to standard output: exit %d, %d bytes out, want %d:\n%s", res.code, len(res.stdout), len(want), res.stderr)
	}
	assertType(t, stdout, fs.ModeSymlink)
	noTemporaries(t, dir)
}

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
	writeFile(t, dir, "us.yaml", usMapping)
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

// TestSplitKill9 kills a --split-size run once it has several parts under
// temporary names: the next run to the same output, with fewer parts,
// removes every one of them.
func TestSplitKill9(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "loyalty.ndjson")
	cmd, stdin, _ := startPiped(t, nil, "convert", "-m", "samples/loyalty.yaml", "-o", out, "--split-size", "2KB", "-")
	go io.WriteString(stdin, loyaltyHeader+loyaltyRows(50000))
	waitFor(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, ".tmp-loyalty-0003.ndjson-*"))
		return len(m) > 0
	})
	cmd.Process.Kill()
	cmd.Wait()
	stdin.Close()

	res := runCLI(t, "", strings.NewReader(loyaltyHeader+loyaltyRows(3)), nil, "convert", "-m", "samples/loyalty.yaml", "-o", out, "--split-size", "2KB", "-")
	if res.code != 0 || !strings.Contains(res.stderr, "in 1 parts") {
		t.Fatalf("rerun: exit %d:\n%s", res.code, res.stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "loyalty-0001.ndjson" {
		t.Errorf("left in the folder: %v, want loyalty-0001.ndjson alone", entries)
	}
}

// TestUploadSameFileOnce gives upload one file under four paths (as given,
// ./, a symlink, a hard link): it is sent once, said on standard error, and
// the state file records it once.
func TestUploadSameFileOnce(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t)
	dir := t.TempDir()
	f, lines := activityFile(t, dir, 40)
	os.Symlink("activities.ndjson", filepath.Join(dir, "latest.ndjson"))
	os.Link(f, filepath.Join(dir, "copy.ndjson"))
	state := filepath.Join(dir, "state.json")
	res := runCLI(t, dir, nil, sb.env("5"), "upload", "--chunk-size", "4KB", "--state", state,
		"activities.ndjson", "./activities.ndjson", "latest.ndjson", "copy.ndjson", "activities.ndjson")
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	for _, p := range []string{"./activities.ndjson", "latest.ndjson", "copy.ndjson"} {
		if !strings.Contains(res.stderr, p+" is the same file as activities.ndjson: sent once") {
			t.Errorf("stderr does not say %s is sent once:\n%s", p, res.stderr)
		}
	}
	if !strings.Contains(res.stderr, "activities.ndjson is given twice: sent once") {
		t.Errorf("stderr does not say the repeated path is sent once:\n%s", res.stderr)
	}
	assertOnce(t, sb.stored(t, "5"), lines)
	var st struct{ Inputs []string }
	if err := json.Unmarshal([]byte(mustRead(t, state)), &st); err != nil || !slices.Equal(st.Inputs, []string{"activities.ndjson"}) {
		t.Errorf("the state records inputs %q (%v), want the file once", st.Inputs, err)
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
