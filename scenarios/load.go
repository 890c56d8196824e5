package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pushsim/pushsim/sim/device"
)

// readLimited reads a companion file with a size bound.
func readLimited(name string) (data []byte, err error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxFile)
	}
	buf := bytes.NewBuffer(make([]byte, 0, st.Size()))
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Load reads scenario files and directories (every *.yaml and *.yml under
// them, in lexical order). It returns every file's error, joined.
func Load(paths ...string) ([]*Scenario, error) {
	var out []*Scenario
	var errs []error
	for _, p := range paths {
		files, err := expand(p)
		if err != nil {
			errs = append(errs, &device.FileError{File: p, Msg: describeOpen(err)})
			continue
		}
		for _, f := range files {
			data, err := readLimited(f)
			if err != nil {
				errs = append(errs, &device.FileError{File: f, Msg: describeOpen(err)})
				continue
			}
			s, err := Parse(f, data)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, s)
		}
	}
	return out, errors.Join(errs...)
}

// LoadFS reads every *.yaml and *.yml file under root in fsys, e.g. the
// embedded Library(). Companion files are read from fsys too.
func LoadFS(fsys fs.FS, root string) ([]*Scenario, error) {
	var out []*Scenario
	var errs []error
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isScenarioFile(p) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, &device.FileError{File: p, Msg: err.Error()})
			return nil
		}
		dir := path.Dir(p)
		s, err := parse(p, data, dir, func(name string) ([]byte, error) {
			return fs.ReadFile(fsys, path.Join(dir, name))
		})
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("reading %s: %w", root, err))
	}
	return out, errors.Join(errs...)
}

// isScenarioFile: *.yaml and *.yml, except fleet files (*.fleet.yaml)
// that scenarios share through fleet_file.
func isScenarioFile(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".fleet.yaml") || strings.HasSuffix(lower, ".fleet.yml") {
		return false
	}
	ext := filepath.Ext(lower)
	return ext == ".yaml" || ext == ".yml"
}

// expand lists the scenario files of a path: itself, or the files under
// a directory.
func expand(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && f != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && isScenarioFile(f) {
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.yaml scenario files in directory %s", p)
	}
	slices.Sort(files)
	return files, nil
}

func describeOpen(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory; expected a scenario file (.yaml) or a directory of them"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}
