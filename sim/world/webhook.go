package world

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// webhookJob is one scripted POST waiting to be sent.
type webhookJob struct {
	base     Event // device, app, apns id, action
	url      string
	text     string
	userInfo json.RawMessage
}

// WebhookBody is the JSON a scripted webhook POSTs.
type WebhookBody struct {
	Device   string          `json:"device"`
	BundleID string          `json:"bundle_id"`
	ApnsID   string          `json:"apns_id"`
	Action   string          `json:"action"`
	Text     string          `json:"text"`
	UserInfo json.RawMessage `json:"userInfo"`
}

// startWebhook sends job on its own goroutine, which never holds w.mu
// during I/O; the result becomes an EventWebhook. Called with w.mu held.
func (w *World) startWebhook(job webhookJob) {
	if w.closed {
		return
	}
	w.inflight++
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		status, err := w.post(job)
		ev := job.base
		ev.Kind, ev.URL, ev.HTTPStatus, ev.Text = EventWebhook, job.url, status, job.text
		if err != nil {
			ev.Message = fmt.Sprintf("webhook POST %s failed: %v", job.url, err)
		} else {
			ev.Message = fmt.Sprintf("webhook POST %s: %d %s", job.url, status, http.StatusText(status))
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		w.emit(nil, ev)
		w.inflight--
		if w.inflight == 0 && w.idle != nil {
			close(w.idle)
			w.idle = nil
		}
	}()
}

// post performs the HTTP request, bounded by the webhook timeout and by
// Close.
func (w *World) post(job webhookJob) (int, error) {
	userInfo := job.userInfo
	if len(userInfo) == 0 {
		userInfo = json.RawMessage("{}")
	}
	body, err := json.Marshal(WebhookBody{Device: job.base.Device, BundleID: job.base.App, ApnsID: job.base.ApnsID,
		Action: job.base.Action, Text: job.text, UserInfo: userInfo})
	if err != nil {
		return 0, fmt.Errorf("encoding webhook body: %w", err)
	}
	ctx, cancel := context.WithTimeout(w.ctx, w.webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("sending: %w", err)
	}
	// Drain a little so the connection can be reused; the body itself is
	// not part of the simulation, so a failed read only costs the reuse.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if err := resp.Body.Close(); err != nil {
		return resp.StatusCode, fmt.Errorf("closing the answer: %w", err)
	}
	return resp.StatusCode, nil
}
