package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// lineHandler is a slog.Handler for people: "15:04:05 INFO msg key=value",
// and a multi-line value (diagnostics) after the line, indented, as the
// other commands print them.
type lineHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	attrs []slog.Attr
}

var _ slog.Handler = (*lineHandler)(nil)

func newLineHandler(w io.Writer) *lineHandler { return &lineHandler{mu: &sync.Mutex{}, w: w} }

func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	var line, blocks strings.Builder
	fmt.Fprintf(&line, "%s %-5s %s", r.Time.Format("15:04:05"), r.Level, terminalSafe(r.Message))
	add := func(a slog.Attr) bool {
		v := terminalLines(a.Value.Resolve().String())
		if strings.Contains(v, "\n") {
			if a.Key != "diagnostics" { // diagnostics speak for themselves
				fmt.Fprintf(&blocks, "  %s:\n", a.Key)
			}
			fmt.Fprintf(&blocks, "  %s\n", strings.ReplaceAll(v, "\n", "\n  "))
			return true
		}
		if strings.ContainsAny(v, " \t\"=") {
			v = fmt.Sprintf("%q", v)
		}
		fmt.Fprintf(&line, " %s=%s", a.Key, v)
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, line.String()+"\n"+blocks.String())
	return err
}

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &lineHandler{mu: h.mu, w: h.w, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

// WithGroup is not needed by watch's logs; groups are flattened.
func (h *lineHandler) WithGroup(string) slog.Handler { return h }
