package verify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestClientVerdictAndErrors: a 409 is a verdict (the count did not hold),
// an API error is its message, a device's token comes from its apps, and
// a closed server is an UnreachableError.
func TestClientVerdictAndErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/verify", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, `{"error":"want JSON"}`, http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"holds":false,"want":"exactly 1","count":0}`))
	})
	mux.HandleFunc("GET /api/v1/devices/{name}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("name") != "iPhone 15" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"no such device"}`))
			return
		}
		_, _ = w.Write([]byte(`{"apps":[{"bundle_id":"a.b","token":"aa"},{"bundle_id":"c.d","token":"cc"}]}`))
	})
	srv := httptest.NewServer(mux)
	c := Client{Base: srv.URL + "/api/v1/"}
	ctx := context.Background()

	res, data, err := c.Verify(ctx, Verification{})
	if err != nil || res.Holds || res.Want != "exactly 1" || len(data) == 0 {
		t.Errorf("Verify = %+v, %q, %v; want a verdict that does not hold", res, data, err)
	}
	if tok, err := c.DeviceToken(ctx, "iPhone 15", "c.d"); err != nil || tok != "cc" {
		t.Errorf("DeviceToken(c.d) = %q, %v; want cc", tok, err)
	}
	if _, err := c.DeviceToken(ctx, "iPad", ""); err == nil || err.Error() != "--device: no such device" {
		t.Errorf("DeviceToken(iPad) error = %v", err)
	}
	srv.Close()
	var unreachable *UnreachableError
	if _, _, err := c.Verify(ctx, Verification{}); !errors.As(err, &unreachable) {
		t.Errorf("Verify on a closed server: %v; want an UnreachableError", err)
	}
}
