package main

import (
	"archive/zip"
	"compress/gzip"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
	"github.com/rogpeppe/go-internal/testscript"
)

// The script commands that make the other kinds of an export from a CSV
// file, with the libraries that read them, so that scripts can check that
// every kind gives the same activities.
func init() {
	scriptCmds["compress"] = compressCmd
}

// compressCmd is "compress gzip|zstd|zip SRC DST [MEMBER...]": DST is SRC
// compressed; a zip archive holds SRC under each MEMBER name (default SRC's).
func compressCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: compress gzip|zstd|zip SRC DST [MEMBER...]")
	}
	src, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	out, err := os.Create(ts.MkAbs(args[2]))
	ts.Check(err)
	defer func() { ts.Check(out.Close()) }()
	var w io.WriteCloser
	switch args[0] {
	case "gzip":
		w = gzip.NewWriter(out)
	case "zstd":
		w, err = zstd.NewWriter(out)
		ts.Check(err)
	case "zip":
		zw := zip.NewWriter(out)
		members := args[3:]
		if len(members) == 0 {
			members = args[1:2]
		}
		for _, m := range members {
			f, err := zw.Create(m)
			ts.Check(err)
			_, err = f.Write(src)
			ts.Check(err)
		}
		ts.Check(zw.Close())
		return
	default:
		ts.Fatalf("compress: unknown kind %q", args[0])
	}
	_, err = w.Write(src)
	ts.Check(err)
	ts.Check(w.Close())
}
