package scenarios

import (
	"embed"
	"io/fs"
)

//go:embed library/*.yaml library/README.md
var library embed.FS

// Library is the shipped scenario library (library/*.yaml), for the TUI
// and other tools to list and replay: LoadFS(Library(), "library").
func Library() fs.FS { return library }
