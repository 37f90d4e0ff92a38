package input

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"time"
)

// TestCancelReaderPassesData: what is read through a cancelReader is the
// input, byte for byte, however it is read.
func TestCancelReaderPassesData(t *testing.T) {
	data := bytes.Repeat([]byte("LY1,m1@example.fr,purchase,1,2.50\n"), 10000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := iotest.TestReader(readAhead(ctx, iotest.HalfReader(bytes.NewReader(data)), cancelReadSize, 2), data); err != nil {
		t.Fatal(err)
	}
}

// TestCancelReaderStops: a Read blocked on a pipe nobody writes returns the
// context's error once it is cancelled.
func TestCancelReaderStops(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r := readAhead(ctx, pr, cancelReadSize, 2)
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 10))
		done <- err
	}()
	cancel()
	stopsWithin(t, done, 10*time.Second)
}

// stopsWithin waits for done to receive context.Canceled, failing the test
// if it does not within limit.
func stopsWithin(t *testing.T, done <-chan error, limit time.Duration) {
	t.Helper()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	case <-time.After(limit):
		t.Fatalf("still running %v after the cancel", limit)
	}
}
