package cli

import (
	"runtime"
	"testing"
)

// TestBuildVersion: a version set at link time is printed as it is; a build
// without VCS stamping (a test binary, as one made with -buildvcs=false or
// outside a git clone) prints (devel) and the Go version alone, as the
// README's Install section says. TestInstallVersion covers a clone's build.
func TestBuildVersion(t *testing.T) {
	tests := []struct{ name, linked, want string }{
		{"linked", "v1.2.3", "v1.2.3"},
		{"unstamped", "", "(devel), " + runtime.Version()},
		{"unstamped dev", "dev", "(devel), " + runtime.Version()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := buildVersion(tt.linked); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
