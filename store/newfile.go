package store

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes a file for the admin — a backup, an export, a
// certificate — whole or not at all: write fills a file that has no name
// yet (Linux: O_TMPFILE; elsewhere a hidden temporary file beside path,
// mode 0600), which is synced and only then given the name path with
// mode perm. Without replace an existing path is never replaced (the error
// matches fs.ErrExist); with replace the new file takes its place in one
// rename. A kill, a crash or a full disk leaves path as it was. An unnamed
// file written for a new path leaves nothing else either; one that replaces
// a file, and a hidden temporary file, has a hidden name for the moment
// before its rename or link, which a kill in that moment can leave behind.
func WriteFile(path string, perm os.FileMode, replace bool, write func(io.Writer) error) error {
	nf, err := createNewFile(path)
	if err != nil {
		return err
	}
	defer nf.discard()
	if err := write(nf.f); err != nil {
		return err
	}
	return nf.commit(path, perm, replace)
}

// newFile is a file being written for path, not yet under that name.
type newFile struct {
	f   *os.File
	dir string
	// name is its temporary name; "" while it has none (O_TMPFILE) or
	// once the name has passed to the target.
	name string
}

// createNewFile makes the file to write path with: unnamed where the
// system can, else a hidden temporary file in path's folder.
func createNewFile(path string) (*newFile, error) {
	dir := filepath.Dir(path)
	if f, err := openUnnamedFile(dir); err == nil {
		return &newFile{f: f, dir: dir}, nil
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return nil, err
	}
	return &newFile{f: f, dir: dir, name: f.Name()}, nil
}

// openUnnamedFile is openUnnamed; a variable so a test can take the path
// of systems without unnamed files.
var openUnnamedFile = openUnnamed

// syncNewName makes a new file's name durable; a variable so a test can
// look at the folder at that moment.
var syncNewName = syncDir

// reopenPath is a path that opens this same file (to check what was written).
func (n *newFile) reopenPath() string {
	if n.name != "" {
		return n.name
	}
	return fdPath(n.f)
}

// syncFile flushes a file to disk; a variable so a test can make it fail as
// a dying disk does.
var syncFile = (*os.File).Sync

// commit gives the whole, synced file the name path and mode perm.
func (n *newFile) commit(path string, perm os.FileMode, replace bool) error {
	if err := n.f.Chmod(perm); err != nil {
		return err
	}
	// On disk before it has its name: else a crash soon after could leave
	// path naming an empty or partly written file.
	if err := syncFile(n.f); err != nil {
		return err
	}
	if err := n.giveName(path, replace); err != nil {
		return err
	}
	syncNewName(n.dir) // the new name, durable too
	return nil
}

func (n *newFile) giveName(path string, replace bool) error {
	if n.name == "" {
		if !replace {
			return linkUnnamed(n.f, path)
		}
		// An unnamed file cannot replace another: it gets a hidden name
		// for the moment of the rename.
		tmp := filepath.Join(n.dir, "."+filepath.Base(path)+"."+newID()[:12]+".tmp")
		if err := linkUnnamed(n.f, tmp); err != nil {
			return err
		}
		n.name = tmp
	}
	// The file is whole and synced: it is closed before it is renamed or
	// linked, which Windows refuses for a file still open.
	_ = n.f.Close()
	if replace {
		if err := os.Rename(n.name, path); err != nil {
			return err
		}
		n.name = ""
		return nil
	}
	// link, unlike rename, fails rather than replace a file that appeared
	// meanwhile; discard then drops the temporary name.
	err := os.Link(n.name, path)
	if err == nil {
		// The temporary name goes before the folder is synced, so that a
		// crash cannot bring back a hidden second name of the file.
		_ = os.Remove(n.name)
		n.name = ""
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	// A file system without hard links: rename, if path is still free.
	if _, serr := os.Lstat(path); !errors.Is(serr, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(n.name, path); err != nil {
		return err
	}
	n.name = ""
	return nil
}

// discard closes the file and removes its temporary name, if it still has
// one; an unnamed file vanishes with its close.
func (n *newFile) discard() {
	_ = n.f.Close()
	if n.name != "" {
		_ = os.Remove(n.name)
	}
}

// linkError names what a link of an unnamed file failed to make.
func linkError(path string, err error) error {
	return &os.LinkError{Op: "link", Old: "(new file)", New: path, Err: err}
}
