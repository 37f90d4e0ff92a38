package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"csv2activity/internal/testenv"
)

// The upload, import and sandbox commands, end to end: the built binary
// uploads to the built binary's sandbox, a child process on loopback. The
// resume after kill -9 stays in Go: it kills at seeded random moments,
// counted in chunks the state file records. The sandbox helpers serve the
// Go tests of the platform and of orders through import.

const e2eToken = "e2e-token-3b9d0c"

// sandboxProc is a `csv2activity sandbox` child process.
type sandboxProc struct {
	url, dir string
	out      testenv.Buffer
	stop     func() // SIGTERM, then a clean exit is checked
}

// startSandbox starts the sandbox on a loopback port it chooses and keeps
// (unless args give --addr), expecting e2eToken, and stops it with SIGTERM
// when the test ends, checking that it exits cleanly.
func startSandbox(t *testing.T, args ...string) *sandboxProc {
	t.Helper()
	sb := &sandboxProc{dir: t.TempDir()}
	if !slices.Contains(args, "--addr") {
		args = append([]string{"--addr", "127.0.0.1:0"}, args...)
	}
	cmd := exec.Command(binary, append([]string{"sandbox", "--dir", sb.dir}, args...)...)
	cmd.Env = append(os.Environ(), "MICS_API_TOKEN="+e2eToken)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &sb.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first, err := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(first)
	if err != nil || m == nil {
		cmd.Process.Kill()
		t.Fatalf("sandbox: first line %q (%v), want where it listens", first, err)
	}
	sb.url = m[1]
	sb.out.Write([]byte(first))
	go io.Copy(&sb.out, stdout)
	sb.stop = func() {
		if cmd.ProcessState != nil {
			return
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("sandbox after SIGTERM: %v, want a clean exit\n%s", err, sb.out.String())
		}
	}
	t.Cleanup(sb.stop)
	return sb
}

// env returns the environment of an upload to the sandbox.
func (sb *sandboxProc) env(datamart string) []string {
	return []string{"MICS_API_TOKEN=" + e2eToken, "MICS_API_URL=" + sb.url, "MICS_DATAMART_ID=" + datamart}
}

// stored returns the lines stored for a datamart, sorted.
func (sb *sandboxProc) stored(t *testing.T, datamart string) []string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(sb.dir, datamart, "*", "*.ndjson"))
	var lines []string
	for _, p := range paths {
		lines = append(lines, readLines(t, p)...)
	}
	slices.Sort(lines)
	return lines
}

// assertOnce checks that the stored lines are the wanted ones, each once.
func assertOnce(t *testing.T, got, want []string) {
	t.Helper()
	want = slices.Sorted(slices.Values(want))
	if slices.Equal(got, want) {
		return
	}
	seen := map[string]int{}
	for _, l := range got {
		seen[l]++
	}
	missing, twice := 0, 0
	for _, l := range want {
		if seen[l] == 0 {
			missing++
		} else if seen[l] > 1 {
			twice++
		}
	}
	t.Fatalf("stored %d lines, want %d: %d missing, %d stored more than once", len(got), len(want), missing, twice)
}

// activityFile writes n valid activities of varied length.
func activityFile(t *testing.T, dir string, n int) (string, []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 9))
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"$type":"TOUCH","$session_status":"NO_SESSION","$ts":1700000000000,"$user_account_id":"c%d","$compartment_id":"1","store":"%s","$events":[{"$event_name":"$transaction_confirmed","$ts":1700000000000,"$properties":{"$currency":"EUR","$items":[{"$id":"SKU-%d","$qty":2,"$price":4.5}]}}]}`,
			i, strings.Repeat("s", rng.IntN(500)), i)
	}
	return writeFile(t, dir, "activities.ndjson", strings.Join(lines, "\n")+"\n"), lines
}

// uploadSummary reads the counts of an upload's summary line.
func uploadSummary(t *testing.T, stderr string) (sentNow, found, before int) {
	t.Helper()
	m := regexp.MustCompile(`: (\d+) sent now, (\d+) found already received, (\d+) sent by an earlier run`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no upload summary in:\n%s", stderr)
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	c, _ := strconv.Atoi(m[3])
	return a, b, c
}

// assertNoTokenIn checks that the token is in no text and no file under
// the folders.
func assertNoTokenIn(t *testing.T, texts []string, dirs ...string) {
	t.Helper()
	for i, s := range texts {
		if strings.Contains(s, e2eToken) {
			t.Errorf("the token appears in output %d", i)
		}
	}
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(e2eToken)) {
					t.Errorf("the token appears in %s", path)
				}
			}
			return nil
		})
	}
}

// sentChunks counts the chunks a state file records as sent (0 when it does
// not exist yet or cannot be read).
func sentChunks(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), `"status": "sent"`)
}

// killMidway starts an upload and kills it with SIGKILL once it has sent a
// random 1 to 3 more chunks, after a random 0-20ms more (often while a chunk
// is in flight). It returns what the upload printed.
func killMidway(t *testing.T, rng *rand.Rand, env, args []string, state string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	target := sentChunks(state) + 1 + rng.IntN(3)
	for deadline := time.Now().Add(30 * time.Second); sentChunks(state) < target; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the upload did not reach %d chunks sent:\n%s", target, out.String())
		}
	}
	time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	return out.String()
}

func TestUploadResumesAfterKill9E2E(t *testing.T) {
	t.Parallel()
	// Every answer takes 30ms, more than killMidway's extra wait of up to
	// 20ms: a kill lands at most one chunk after the count it waited for.
	sb := startSandbox(t, "--fail-rate", "0.3", "--latency", "30ms", "--seed", "11", "--quiet")
	dir := t.TempDir()
	// 44 chunks of 4KB: three kills use at most 9 of them, plus what the
	// upload sends while this test's poll wakes late on a loaded machine
	// (about 1 s of slack at 30ms an answer; 22 chunks left 0.4 s).
	input, lines := activityFile(t, dir, 300)
	state := filepath.Join(dir, "state.json")
	args := []string{"upload", "--chunk-size", "4KB", "--state", state, "--retry-wait", "10ms", "--settle", "300ms", "--max-retries", "20"}
	var outputs []string
	rng := rand.New(rand.NewPCG(2024, 4))
	for kill := 1; kill <= 3; kill++ {
		outputs = append(outputs, killMidway(t, rng, sb.env("3"), append(args, input), state))
		t.Logf("kill -9 #%d: %d chunks recorded sent, %d lines stored", kill, sentChunks(state), len(sb.stored(t, "3")))
	}
	res := runCLI(t, "", nil, sb.env("3"), append(args, "--wait", "--poll-interval", "50ms", input)...)
	outputs = append(outputs, res.stdout, res.stderr, sb.out.String())
	if res.code != 0 {
		t.Fatalf("the resumed upload: exit %d\n%s", res.code, res.stderr)
	}
	assertOnce(t, sb.stored(t, "3"), lines)
	now, found, before := uploadSummary(t, res.stderr)
	if before < 3 || now+found == 0 {
		t.Errorf("resumed run: %d sent now, %d found, %d sent before; want the kills to have stopped the upload midway", now, found, before)
	}
	if !strings.Contains(res.stdout, "total_success=300 total_failure=0") {
		t.Errorf("--wait report:\n%s\nwant the totals of the 300 lines", res.stdout)
	}
	assertNoTokenIn(t, outputs, dir, sb.dir)
}
