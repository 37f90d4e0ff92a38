package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// TestVersion: a version set at link time is printed as it is; a build
// without VCS stamping (a test binary, as one made with -buildvcs=false or
// outside a git clone) prints (devel) and the Go version alone, as the
// README's Install section says. TestInstallVersion covers a real build in
// a git checkout.
func TestVersion(t *testing.T) {
	tests := []struct{ name, linked, want string }{
		{"linked", "v1.2.3", "v1.2.3"},
		{"unstamped", "", "(devel), " + runtime.Version()},
		{"unstamped dev", "dev", "(devel), " + runtime.Version()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Version(tt.linked); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOf: the build information of a build in a clone, with and
// without uncommitted changes, and of a module fetched by version.
func TestOf(t *testing.T) {
	stamped := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-compiler", Value: "gc"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "cf7aedb986bbc5843f5959b2bb2a91d569ce7c0a"},
			{Key: "vcs.time", Value: "2026-12-01T10:38:17Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	tests := []struct {
		name, version string
		settings      []debug.BuildSetting
		want          string
	}{
		{"clone", "v0.0.0-20261201103817-cf7aedb986bb", stamped("false"),
			"v0.0.0-20261201103817-cf7aedb986bb (revision cf7aedb986bbc5843f5959b2bb2a91d569ce7c0a, 2026-12-01T10:38:17Z), go1.26.8"},
		{"clone with changes", "v0.0.0-20261201103817-cf7aedb986bb+dirty", stamped("true"),
			"v0.0.0-20261201103817-cf7aedb986bb+dirty (revision cf7aedb986bbc5843f5959b2bb2a91d569ce7c0a, 2026-12-01T10:38:17Z, modified), go1.26.8"},
		{"fetched by version", "v1.4.0", []debug.BuildSetting{{Key: "-compiler", Value: "gc"}},
			"v1.4.0, go1.26.8"},
		{"no version", "", nil, "(devel), go1.26.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "csv2activity", Version: tt.version}, Settings: tt.settings}
			if got := Of(info); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
