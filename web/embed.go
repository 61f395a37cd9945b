// Package web holds the built web client, embedded in the binary.
//
// web/dist is Vite's output (`make web`, or `npm ci && npm run build` in web/);
// it is not committed. A fresh clone has only dist/.gitkeep there, so a plain
// `go build` still works and serves the small page in fallback/ instead.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist fallback
var files embed.FS

// Dist is the built client: index.html and its assets, or the fallback page
// when the client was not built before the binary.
func Dist() fs.FS {
	sub, err := fs.Sub(files, "dist")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		sub, err = fs.Sub(files, "fallback")
		if err != nil {
			panic(err)
		}
	}
	return sub
}

// Built reports whether the real client (not the fallback page) is embedded.
func Built() bool {
	_, err := fs.Stat(files, "dist/index.html")
	return err == nil
}
