package upload

import (
	"context"
	"regexp"
	"testing"
	"time"

	"csv2activity/internal/testenv"
	"csv2activity/sandbox"
)

// TestManyExecutionsAreFollowedByTheList checks that more than listPast
// executions to wait for are looked at through the import's list, a request
// per page, not one GET each (until few remain); fewer are looked at one by
// one.
func TestManyExecutionsAreFollowedByTheList(t *testing.T) {
	t.Parallel()
	getOne := regexp.MustCompile(`GET /v1/datamarts/7/document_imports/\d+/executions/\d+ `)
	list := regexp.MustCompile(`GET /v1/datamarts/7/document_imports/\d+/executions `)
	tests := []struct {
		lines     int
		chunkSize int64
		list      bool
	}{
		{lines: 70, chunkSize: 1000, list: true}, // about a line a chunk: more than listPast executions
		{lines: 30, chunkSize: 4096},             // a few executions
	}
	for _, tt := range tests {
		log := &testenv.Buffer{}
		a := newTestAPI(t, sandbox.Options{Step: 20 * time.Millisecond, Log: log})
		path, _ := writeActivities(t, t.TempDir(), "a.ndjson", tt.lines, 2)
		var out printed
		opts := a.options(t, &out, path)
		opts.Wait, opts.ChunkSize = true, tt.chunkSize
		sum, err := Upload(context.Background(), opts)
		if err != nil || sum.TotalSuccess != tt.lines || (sum.Chunks > listPast) != tt.list {
			t.Fatalf("%d lines: %v, %+v", tt.lines, err, sum)
		}
		gets, lists := log.Count(getOne), log.Count(list)
		switch {
		case tt.list && (lists == 0 || gets+lists > sum.Chunks/2):
			t.Errorf("%d executions: %d GETs of one execution, %d listings; want listings, and far fewer requests than executions", sum.Chunks, gets, lists)
		case !tt.list && gets == 0:
			t.Errorf("%d executions: no GET of one execution, want each looked at by its own", sum.Chunks)
		}
	}
}
