package main

import (
	"strings"
)

// Output formats.
const (
	formatText     = "text"
	formatJSON     = "json"
	formatMarkdown = "markdown"
)

// validFormat checks a --format value against the ones a command supports.
func validFormat(f string, supported ...string) error {
	return validChoice("--format", f, supported...)
}

// validChoice checks that flag's value v is one of supported.
func validChoice(flag, v string, supported ...string) error {
	for _, s := range supported {
		if v == s {
			return nil
		}
	}
	return usagef("%s %q: want one of %s", flag, v, strings.Join(supported, ", "))
}

// wrap folds text into lines of at most width characters.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		if n > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
