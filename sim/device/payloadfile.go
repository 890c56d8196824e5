package device

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// SimulatorTargetBundleKey is the top-level key of an `xcrun simctl push`
// file that names the app (apns.md#S03).
const SimulatorTargetBundleKey = "Simulator Target Bundle"

// PayloadFile is a payload read from a JSON file, a simctl .apns file or
// standard input.
type PayloadFile struct {
	// Name is the file name, or "-" for standard input.
	Name string
	// Body is the notification body to send: the file's JSON object without
	// the simctl-only "Simulator Target Bundle" key.
	Body []byte
	// TargetBundle is the bundle id from "Simulator Target Bundle", if any.
	TargetBundle string
}

// maxPayloadFile bounds what is read: far above any APNs limit (apns.md#P03)
// so lint can still report the size, but never unbounded.
const maxPayloadFile = 1 << 20

// ReadPayloadFile reads name ("-" = stdin) and checks that it holds one JSON
// object. A simctl file's "Simulator Target Bundle" is taken out of the body
// and returned as TargetBundle (apns.md#S03, S06).
func ReadPayloadFile(name string, stdin io.Reader) (PayloadFile, error) {
	pf := PayloadFile{Name: name}
	var r io.Reader
	var file *os.File // opened here, closed here; stdin is the caller's
	if name == "-" {
		if stdin == nil {
			return pf, &FileError{File: "-", Msg: "no standard input"}
		}
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return pf, &FileError{File: name, Msg: openMessage(err)}
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return pf, errors.Join(&FileError{File: name, Msg: "is a directory; " + expectedPayloadFile}, f.Close())
		}
		r, file = f, f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxPayloadFile+1))
	if file != nil {
		// A read-only file: a failed Close loses nothing, but it is still
		// reported rather than dropped.
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return pf, &FileError{File: name, Msg: fmt.Sprintf("cannot read: %v; %s", err, expectedPayloadFile)}
	}
	if len(data) > maxPayloadFile {
		return pf, &FileError{File: name, Msg: fmt.Sprintf("larger than %d bytes: not a notification payload", maxPayloadFile)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		// APNs would answer 400 PayloadEmpty (apns.md#P02).
		return pf, &FileError{File: name, Msg: `is empty; expected a JSON object such as {"aps":{"alert":"Hello"}} (apns.md#P02)`}
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		// JSON text must not start with a byte-order mark (RFC 8259
		// section 8.1); APNs takes plain UTF-8 (apns.md#P01).
		return pf, &FileError{File: name, Msg: "starts with a UTF-8 byte-order mark; expected plain UTF-8 JSON: save the file without BOM (apns.md#P01)"}
	}
	body, target, err := SplitSimctlPayload(data)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return pf, &FileError{File: name, Line: se.Line, Column: se.Column, Msg: se.Msg + "; expected a JSON object such as {\"aps\":{\"alert\":\"Hello\"}}"}
		}
		return pf, &FileError{File: name, Msg: err.Error()}
	}
	pf.Body, pf.TargetBundle = body, target
	return pf, nil
}

// SplitSimctlPayload validates data as a JSON object and removes the
// top-level "Simulator Target Bundle" key, returning the remaining body
// byte-for-byte as written (only the key's member is cut out) and the
// bundle id.
func SplitSimctlPayload(data []byte) (body []byte, target string, err error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, "", jsonError(data, err)
	}
	if top == nil {
		return nil, "", errors.New("payload is JSON null; expected a JSON object (apns.md#P01)")
	}
	raw, ok := top[SimulatorTargetBundleKey]
	if !ok {
		return data, "", nil
	}
	if err := json.Unmarshal(raw, &target); err != nil {
		return nil, "", fmt.Errorf("%q must be a string (apns.md#S03)", SimulatorTargetBundleKey)
	}
	delete(top, SimulatorTargetBundleKey)
	// Re-encode without the simctl key. Key order follows encoding/json's
	// sorted map order; values are kept as raw bytes.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(top); err != nil {
		return nil, "", fmt.Errorf("re-encode payload: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), target, nil
}

// expectedPayloadFile is what a payload argument should be.
const expectedPayloadFile = "expected a JSON payload file, a simctl .apns file or - for standard input"

func openMessage(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file; " + expectedPayloadFile
	case errors.Is(err, os.ErrPermission):
		return "permission denied; expected a readable payload file"
	default:
		return fmt.Sprintf("cannot open: %v", err)
	}
}
