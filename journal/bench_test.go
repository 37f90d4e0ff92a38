package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLookup fills a journal with JOURNAL_BENCH_KEYS keys (default 10M, recorded in
// chunks of 100k as an upload would) and looks up 1M keys against it in one Lookup call:
// a third already sent with the same line, a third sent with another, a third new.
//
//	go test ./journal -run '^$' -bench Lookup -benchtime 3x
func BenchmarkLookup(b *testing.B) {
	stored := 10_000_000
	if s := os.Getenv("JOURNAL_BENCH_KEYS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("JOURNAL_BENCH_KEYS=%q: %v", s, err)
		}
		stored = n
	}
	path := filepath.Join(b.TempDir(), "journal.db")
	j := open(b, path)
	key := KeySpec{Column: "Order_ID"}
	start := time.Now()
	r := begin(b, j, "imp-bench", key)
	const chunk = 100_000
	for from := 0; from < stored; from += chunk {
		if err := r.Record(ctx, time.Now(), benchEntries(from, min(from+chunk, stored), "")); err != nil {
			b.Fatal(err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d keys in %v; journal %d MB", stored, time.Since(start).Round(time.Millisecond), fi.Size()>>20)

	const asked = 1_000_000
	var entries []Entry
	for i := range asked {
		n := i * 3 // spread over the stored keys and past them
		if i%3 == 1 {
			entries = append(entries, benchEntries(n, n+1, "changed ")...)
			continue
		}
		if i%3 == 2 {
			n += stored
		}
		entries = append(entries, benchEntries(n, n+1, "")...)
	}
	b.Run("1M", func(b *testing.B) {
		cpu := cpuTime(b)
		for b.Loop() {
			answers, err := j.Lookup(ctx, key, entries)
			if err != nil {
				b.Fatal(err)
			}
			if len(answers) != asked {
				b.Fatalf("got %d answers, want %d", len(answers), asked)
			}
		}
		b.ReportMetric(float64(asked)*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
		// On a shared machine wall time counts the waits for a core; the process's CPU
		// time is what the lookups cost.
		b.ReportMetric((cpuTime(b)-cpu).Seconds()/float64(b.N), "cpu-s/op")
	})
}

// cpuTime is the user and system time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchEntries(from, to int, prefix string) []Entry {
	es := make([]Entry, 0, to-from)
	for i := from; i < to; i++ {
		es = append(es, Entry{Key: "T" + strconv.Itoa(10_000_000+i), Sum: Sum(fmt.Appendf(nil, "%sline %d", prefix, i))})
	}
	return es
}
