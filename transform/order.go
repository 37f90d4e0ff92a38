package transform

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// ordered runs a producer, n workers and a consumer: produce emits jobs, each
// worker (made by newWorker, one per goroutine, so it may keep buffers) turns
// jobs into results, and consume receives the results in the order the jobs
// were emitted. At most about 9n jobs are in flight (buffered so that a slow
// write or a slow batch does not idle the workers), so memory stays bounded
// whatever the input size. The first error (from produce, consume, a worker's
// panic, or ctx) stops everything and is returned at once; goroutines still
// busy (a producer blocked reading a pipe) end on their own or with the
// process.
func ordered[J, R any](ctx context.Context, n int, produce func(emit func(J) bool) error,
	newWorker func() func(J) R, consume func(R) error) error {
	return queued(ctx, n, 4*n, produce, newWorker, consume)
}

// queued is ordered with queue jobs and queue results buffered (ordered's
// 4n): two pipelines chained (--sorted) share what one would hold.
func queued[J, R any](ctx context.Context, n, queue int, produce func(emit func(J) bool) error,
	newWorker func() func(J) R, consume func(R) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	type item[T any] struct {
		seq int
		v   T
	}
	jobs := make(chan item[J], queue)
	results := make(chan item[R], queue)

	var wg sync.WaitGroup
	go func() {
		seq := 0
		err := produce(func(j J) bool {
			select {
			case jobs <- item[J]{seq, j}:
				seq++
				return true
			case <-ctx.Done():
				return false
			}
		})
		if err != nil {
			cancel(err)
		}
		close(jobs)
	}()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					cancel(fmt.Errorf("internal error (please report it): %v\n%s", r, debug.Stack()))
				}
			}()
			work := newWorker()
			for j := range jobs {
				select {
				case results <- item[R]{j.seq, work(j.v)}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]R{}
	next := 0
	for {
		var r item[R]
		var ok bool
		select {
		case r, ok = <-results:
		case <-ctx.Done():
			// Do not wait for the producer: it may be blocked reading a pipe.
			return context.Cause(ctx)
		}
		if !ok {
			break
		}
		pending[r.seq] = r.v
		for {
			v, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if err := consume(v); err != nil {
				cancel(err)
				return err
			}
		}
	}
	return context.Cause(ctx)
}
