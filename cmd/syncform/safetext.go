package main

import (
	"reflect"
	"strings"

	"github.com/syncform/syncform/config"
)

// Configuration and, above all, the live connection (a property label, an
// owner's name, a field a HubSpot API returns, a saved plan someone edited)
// are text syncform did not write. Every view shows such text only through
// terminalSafe (text for a terminal) or mdText and mdCode (Markdown for a
// pull request), so that it can never act on its reader: move the cursor,
// retitle the window, ring the bell, reorder a line with a bidi override,
// hide behind a zero-width character, or, in Markdown, open a tag, a link
// or a new table cell.

// terminalSafe makes s safe to print: every character a terminal would act
// on or not show (C0 and C1 control characters, newlines and tabs
// included, DEL, Unicode format characters: bidi embeddings, overrides
// and isolates, zero-width spaces and joiners, the byte-order mark, tag
// characters; line and paragraph separators) and every byte of invalid
// UTF-8 becomes a visible escape: \x1b, \u202e. It is config.Visible,
// which diagnostics use, with tabs and line breaks escaped too: a value
// shown on one line stays on it.
func terminalSafe(s string) string {
	s = config.Visible(s)
	if strings.ContainsAny(s, "\t\n") {
		return tabsAndBreaks.Replace(s)
	}
	return s
}

var tabsAndBreaks = strings.NewReplacer("\t", `\x09`, "\n", `\x0a`)

// terminalLines is terminalSafe for text of several lines (an error, a
// diagnostic's detail): the line breaks stay, all else is escaped.
func terminalLines(s string) string {
	if !strings.Contains(s, "\n") {
		return terminalSafe(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = terminalSafe(l)
	}
	return strings.Join(lines, "\n")
}

// safeCopy is a deep copy of v with every string in it (struct fields,
// elements, map keys and values) made terminalSafe: a view renders the
// copy of what it shows, and need not remember each string in it. Values
// behind interfaces (errors) and unexported fields are copied as they are.
func safeCopy[T any](v T) T {
	rv := reflect.ValueOf(&v).Elem()
	return safeValue(rv).Interface().(T)
}

func safeValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		s := terminalSafe(v.String())
		if s == v.String() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.SetString(s)
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(safeValue(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if f := out.Field(i); f.CanSet() {
				f.Set(safeValue(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(safeValue(v.Index(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(safeValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(safeValue(it.Key()), safeValue(it.Value()))
		}
		return out
	}
	return v
}

// mdText makes s safe as inline text in a Markdown comment (in a
// paragraph, after a list marker's text, in a table cell): terminalSafe
// first, so no line break or control character remains, then every
// character Markdown or HTML would read as inline markup is escaped with a
// backslash. An underscore inside a word (snake case) cannot open emphasis
// and is left as it is.
func mdText(s string) string {
	s = terminalSafe(s)
	if !strings.ContainsAny(s, mdSpecial) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(mdSpecial, c) >= 0 && !(c == '_' && intraword(s, i)) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mdSpecial are the characters mdText escapes: those that open or close
// inline Markdown (emphasis, code spans, links and images, strikethrough),
// HTML tags, comments and entities, and table cells.
const mdSpecial = "\\`*_[]<>&|~"

// mdLines is mdText for text of several lines (a diagnostic's detail): each
// line is escaped on its own, and one that would begin a block (a heading,
// a quote, a list, a rule) is escaped too, except that a line the planner
// began as a list item ("- ") stays one.
func mdLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "- "); ok {
			lines[i] = "- " + mdBlock(mdText(rest))
		} else {
			lines[i] = mdBlock(mdText(l))
		}
	}
	return strings.Join(lines, "\n")
}

// mdBlock escapes what would begin a block at the start of a line: #, >,
// -, +, = (a heading, a quote, a list item, a rule or an underline), and
// the . or ) of an ordered list's number.
func mdBlock(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" {
		return s
	}
	lead := s[:len(s)-len(t)]
	switch t[0] {
	case '#', '>', '-', '+', '=':
		return lead + "\\" + t
	}
	i := 0
	for i < len(t) && i < 10 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i > 0 && i < len(t) && (t[i] == '.' || t[i] == ')') {
		return lead + t[:i] + "\\" + t[i:]
	}
	return s
}

// intraword reports whether the run of underscores around s[i] has a
// letter or digit on both sides.
func intraword(s string, i int) bool {
	j, k := i, i
	for j > 0 && s[j-1] == '_' {
		j--
	}
	for k < len(s)-1 && s[k+1] == '_' {
		k++
	}
	return j > 0 && k < len(s)-1 && isWordByte(s[j-1]) && isWordByte(s[k+1])
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// mdCode renders s as inline code: a plain word in backticks, as before;
// anything a code span could not hold (a backtick, a pipe in a table, a
// control character) as escaped text in a <code> element, which no content
// can close.
func mdCode(s string) string {
	safe := terminalSafe(s)
	if safe == s && !strings.ContainsAny(s, "`|") && strings.TrimSpace(s) == s && s != "" {
		return "`" + s + "`"
	}
	return "<code>" + mdText(safe) + "</code>"
}
