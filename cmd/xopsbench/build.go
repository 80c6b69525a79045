package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// stripped are the link flags of a release build: no symbol table, no DWARF.
const stripped = "-s -w"

// releaseBuild is how a release of xops is built (README, "Build a
// release"): static (no cgo: no dynamic loader, no libc, runs on any Linux
// a jump host has), paths trimmed, stripped.
const releaseBuild = `CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" ./cmd/xops`

// binaries are the programs built once for the whole run (timing `go run`
// would time the compiler).
type binaries struct {
	xops  string // cmd/xops, stripped, as shipped
	hello string // a Go "hello world", stripped: the floor of any Go start
}

// helloSource is the floor: the smallest Go program that draws something.
const helloSource = `package main

import "fmt"

func main() { fmt.Println("hello, world") }
`

// helloMarker is what the hello binary prints.
const helloMarker = "hello, world"

// build compiles xops and the hello world into dir.
func build(dir string) (binaries, error) {
	b := binaries{xops: filepath.Join(dir, "xops"), hello: filepath.Join(dir, "hello")}
	if err := goBuild("", "-o", b.xops, "-trimpath", "-ldflags="+stripped, "github.com/xops/xops/cmd/xops"); err != nil {
		return binaries{}, err
	}
	src := filepath.Join(dir, "hello.go")
	if err := os.WriteFile(src, []byte(helloSource), 0o644); err != nil {
		return binaries{}, fmt.Errorf("write the hello world source: %w", err)
	}
	// Built from its own folder, outside the module, as a single file.
	if err := goBuild(dir, "-o", b.hello, "-trimpath", "-ldflags="+stripped, "hello.go"); err != nil {
		return binaries{}, err
	}
	return b, nil
}

// goBuild runs `go build` with args, in dir ("" for the current folder),
// without cgo, as releaseBuild does.
func goBuild(dir string, args ...string) error {
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// fileMB is a file's size in MB (10^6 bytes, as `ls -h --si` and the
// targets count).
func fileMB(path string) (float64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", path, err)
	}
	return float64(fi.Size()) / 1e6, nil
}
