package inspect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error string `json:"error"`
	// Field names the offending field of a request body, when one does.
	Field string `json:"field,omitempty"`
}

// writeJSON answers v as compact JSON. Compact, not indented: indenting
// re-indents every payload at its depth, so a 4 KB payload nested 2,000
// deep became megabytes; compact output is linear in what was received
// (pipe it to jq to read it).
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("encoding the answer: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeFieldError(w, status, "", msg)
}

func writeFieldError(w http.ResponseWriter, status int, field, msg string) {
	data, _ := json.Marshal(errorBody{Error: msg, Field: field})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

// bodyError is a request body that cannot be used: 400, naming the field
// when one is at fault.
type bodyError struct {
	Field string
	Msg   string
	// status replaces 400 when the body is fine but cannot be applied.
	status int
}

func (e *bodyError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return fmt.Sprintf("field %q: %s", e.Field, e.Msg)
}

// decodeBody reads one JSON object into v, refusing unknown fields, wrong
// types, trailing data and bodies over maxBody, with an error that names
// the field.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return &bodyError{Msg: "invalid JSON: more than one value in the body"}
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return &bodyError{Msg: "invalid JSON: trailing data after the object"}
		}
		return nil
	}
	var (
		typeErr  *json.UnmarshalTypeError
		syntax   *json.SyntaxError
		tooLarge *http.MaxBytesError
	)
	switch {
	case errors.Is(err, io.EOF):
		return &bodyError{Msg: "empty body; expected a JSON object"}
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return &bodyError{Msg: fmt.Sprintf("expected a JSON object, got a JSON %s", typeErr.Value)}
		}
		return &bodyError{Field: typeErr.Field, Msg: fmt.Sprintf("expected %s, got a JSON %s", jsonKind(typeErr.Type.String()), typeErr.Value)}
	case errors.As(err, &syntax):
		return &bodyError{Msg: fmt.Sprintf("invalid JSON at byte %d: %v", syntax.Offset, err)}
	case errors.As(err, &tooLarge):
		return &bodyError{Msg: fmt.Sprintf("body larger than %d bytes", tooLarge.Limit)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &bodyError{Msg: "invalid JSON: the body ends in the middle of a value"}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &bodyError{Field: strings.Trim(f, `"`), Msg: "unknown field"}
	}
	var be *bodyError
	if errors.As(err, &be) {
		return be
	}
	return &bodyError{Msg: fmt.Sprintf("invalid JSON: %v", err)}
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(goType string) string {
	switch {
	case goType == "string" || strings.HasSuffix(goType, "Environment") || strings.HasSuffix(goType, "State") ||
		strings.HasSuffix(goType, "Permission") || strings.HasSuffix(goType, "Reason"):
		return "a string"
	case goType == "bool" || goType == "*bool":
		return "true or false"
	case strings.Contains(goType, "int") || strings.Contains(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	default:
		return "a " + goType
	}
}

// writeBodyError answers a decodeBody error.
func writeBodyError(w http.ResponseWriter, err error) {
	var be *bodyError
	if errors.As(err, &be) {
		if be.status != 0 {
			writeFieldError(w, be.status, be.Field, be.Error())
			return
		}
		writeFieldError(w, http.StatusBadRequest, be.Field, "bad request body: "+be.Error())
		return
	}
	writeError(w, http.StatusBadRequest, "bad request body: "+err.Error())
}
