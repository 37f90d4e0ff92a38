// Package buildinfo says which build of the program is running: the version
// --version prints, from the build information Go records in the binary
// (runtime/debug.ReadBuildInfo).
package buildinfo

import (
	"fmt"
	"runtime/debug"
)

// Version is the version to print: the one set at link time when there
// is one, else the module's version and VCS revision from the build info
// (`go install csv2activity@…` gives a module version; a build in a clone
// gives the commit, and says when the tree had changes).
func Version(linked string) string {
	if linked != "" && linked != "dev" {
		return linked
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	return Of(info)
}

// Of is the version that build information gives: the module's
// version ((devel) when it has none), then the VCS revision, its time and
// whether the tree had changes when there is one, then the Go version.
func Of(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev == "" {
		return v + ", " + info.GoVersion
	}
	return fmt.Sprintf("%s (revision %s, %s%s), %s", v, rev, at, modified, info.GoVersion)
}
