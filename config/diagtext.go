package config

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/syncform/syncform"
)

// WriteDiagnostics renders diags as hcl.NewDiagnosticTextWriter does, with
// the source lines from files, wrapping details at width (0: no wrapping).
//
// HCL's writer scans a file from its first byte for every diagnostic, and
// finds the enclosing block by walking every top-level block; on a 5 MB file
// with 60,000 errors that is hours. This one indexes each file's lines once
// and finds a diagnostic's lines and block by binary search. Its output is
// HCL's, byte for byte, except that: a source line longer than
// maxSnippetLine is cut down to the part around the highlight; what a
// terminal would act on or hide is escaped (Visible); the highlight of a
// diagnostic whose subject is a secret written into a file shows a
// placeholder (maskSubject); and the lines of one whose source holds a
// secret read through env() are not shown (hideSource).
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) error {
	dw := &diagWriter{w: w, files: files, width: width, color: color, index: map[string]*fileIndex{}}
	for _, d := range diags {
		if err := dw.write(d); err != nil {
			return err
		}
	}
	return nil
}

// maxSnippetLine is the longest source line quoted whole; a longer one (a
// minified or generated file) is shown around the highlight only.
const maxSnippetLine = 400

// maskSubject, as a diagnostic's Extra, says that its subject's source
// holds a secret written into the file (a password in a URL): the quoted
// line shows the placeholder secrets print as in its place.
type maskSubject struct{}

type diagWriter struct {
	w     io.Writer
	files map[string]*hcl.File
	width uint
	color bool
	index map[string]*fileIndex
}

// fileIndex holds the lines of a file as HCL's writer sees them: a line is
// what bufio.ScanLines returns (without "\n" or "\r\n"), and it is numbered
// as hcl.RangeScanner numbers it, counting every "\r", "\n" and "\r\n" as a
// line break.
type fileIndex struct {
	start, end, line []int
	// blocks are the top-level blocks' ranges, when they are in order and
	// apart, so that the enclosing one can be found by binary search.
	blocks []hcl.Range
	sorted bool
}

func newFileIndex(f *hcl.File) *fileIndex {
	ix := &fileIndex{}
	b := f.Bytes
	line := 1
	for p := 0; p < len(b); {
		end, next := len(b), len(b)
		if i := bytes.IndexByte(b[p:], '\n'); i >= 0 {
			end, next = p+i, p+i+1
		}
		tokEnd := end
		if tokEnd > p && b[tokEnd-1] == '\r' {
			tokEnd--
		}
		ix.start, ix.end, ix.line = append(ix.start, p), append(ix.end, tokEnd), append(ix.line, line)
		for j := p; j < next; j++ {
			if b[j] == '\r' || b[j] == '\n' && (j == 0 || b[j-1] != '\r') {
				line++
			}
		}
		p = next
	}
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		ix.sorted = true
		for i, blk := range body.Blocks {
			r := blk.Range()
			if i > 0 && r.Start.Byte < ix.blocks[i-1].End.Byte || r.End.Byte < r.Start.Byte {
				ix.sorted = false
			}
			ix.blocks = append(ix.blocks, r)
		}
	}
	return ix
}

// contextString is hclsyntax's ContextString: the header of the top-level
// block holding offset.
func (ix *fileIndex) contextString(f *hcl.File, offset int) string {
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok || !ix.sorted {
		if cs, ok := f.Nav.(interface{ ContextString(int) string }); ok {
			return cs.ContextString(offset)
		}
		return ""
	}
	i := sort.Search(len(ix.blocks), func(i int) bool { return ix.blocks[i].End.Byte > offset })
	if i == len(ix.blocks) || !ix.blocks[i].ContainsOffset(offset) {
		return ""
	}
	blk := body.Blocks[i]
	var b bytes.Buffer
	b.WriteString(blk.Type)
	for _, l := range blk.Labels {
		fmt.Fprintf(&b, " %q", l)
	}
	return b.String()
}

func (dw *diagWriter) write(d *hcl.Diagnostic) error {
	if d == nil {
		return fmt.Errorf("nil diagnostic")
	}
	var colorCode, highlightCode, resetCode string
	if dw.color {
		switch d.Severity {
		case hcl.DiagError:
			colorCode = "\x1b[31m"
		case hcl.DiagWarning:
			colorCode = "\x1b[33m"
		}
		resetCode = "\x1b[0m"
		highlightCode = "\x1b[1;4m"
	}
	severity := "???????"
	switch d.Severity {
	case hcl.DiagError:
		severity = "Error"
	case hcl.DiagWarning:
		severity = "Warning"
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "%s%s%s: %s\n\n", colorCode, severity, resetCode, Visible(d.Summary))

	if d.Subject != nil {
		snip, highlight := *d.Subject, *d.Subject
		if d.Context != nil {
			snip = hcl.RangeOver(snip, *d.Context)
		}
		// As HCL does: an empty range is widened to one character.
		if snip.Empty() {
			snip.End.Byte++
			snip.End.Column++
		}
		if highlight.Empty() {
			highlight.End.Byte++
			highlight.End.Column++
		}
		f := dw.files[d.Subject.Filename]
		_, hidden := hcl.DiagnosticExtra[hideSource](d)
		switch {
		case f == nil || f.Bytes == nil:
			fmt.Fprintf(&out, "  on %s line %d:\n  (source code not available)\n\n", Visible(d.Subject.Filename), d.Subject.Start.Line)
		case hidden:
			fmt.Fprintf(&out, "  on %s line %d:\n  (not shown: it holds a secret)\n\n", Visible(d.Subject.Filename), d.Subject.Start.Line)
		default:
			ix := dw.index[d.Subject.Filename]
			if ix == nil {
				ix = newFileIndex(f)
				dw.index[d.Subject.Filename] = ix
			}
			where := ""
			if c := ix.contextString(f, d.Subject.Start.Byte); c != "" {
				where = ", in " + c
			}
			fmt.Fprintf(&out, "  on %s line %d%s:\n", Visible(d.Subject.Filename), d.Subject.Start.Line, Visible(where))
			// The lines that may overlap the snippet: from the last one
			// starting at or before its start to the last one starting at
			// or before its end (either way round, as a range may come
			// reversed); Overlaps then picks as HCL does.
			lo, hi := min(snip.Start.Byte, snip.End.Byte), max(snip.Start.Byte, snip.End.Byte)
			first := max(sort.SearchInts(ix.start, lo+1)-1, 0)
			for i := first; i < len(ix.start) && ix.start[i] <= hi; i++ {
				line := hcl.Range{Filename: d.Subject.Filename,
					Start: hcl.Pos{Line: ix.line[i], Byte: ix.start[i]}, End: hcl.Pos{Line: ix.line[i], Byte: ix.end[i]}}
				if !line.Overlaps(snip) {
					continue
				}
				before, hl, after := line.PartitionAround(highlight)
				if hl.Empty() {
					fmt.Fprintf(&out, "%4d: %s\n", line.Start.Line, Visible(string(keepFirst(line.SliceBytes(f.Bytes), maxSnippetLine))))
					continue
				}
				b, h, a := onRunes(before.SliceBytes(f.Bytes), hl.SliceBytes(f.Bytes), after.SliceBytes(f.Bytes))
				if _, secret := hcl.DiagnosticExtra[maskSubject](d); secret {
					h = []byte(syncform.Redacted)
				}
				if len(b)+len(h)+len(a) > maxSnippetLine {
					b, h, a = clipAround(b, h, a)
				}
				fmt.Fprintf(&out, "%4d: %s%s%s%s%s\n", line.Start.Line, Visible(string(b)), highlightCode, Visible(string(h)), resetCode, Visible(string(a)))
			}
			out.WriteByte('\n')
		}
	}
	if _, err := out.Write(dw.tail(d)); err != nil {
		return err
	}
	if _, err := dw.w.Write(out.Bytes()); err != nil {
		return fmt.Errorf("write failed: %w", err)
	}
	return nil
}

// tail renders what follows the snippet, the values of the expression's
// variables and the wrapped detail, by HCL's own writer: it is cheap there,
// and so stays exactly HCL's. The writer is given a diagnostic with no
// summary and an empty stand-in file, and what it writes before the
// variables is cut off.
func (dw *diagWriter) tail(d *hcl.Diagnostic) []byte {
	if d.Detail == "" && (d.Subject == nil || d.Expression == nil || d.EvalContext == nil) {
		return nil
	}
	const stand = "\x00"
	mini := &hcl.Diagnostic{Severity: hcl.DiagError, Detail: Visible(d.Detail)}
	prefix := "Error: \n\n"
	if d.Subject != nil && d.Expression != nil && d.EvalContext != nil {
		mini.Subject, mini.Expression, mini.EvalContext = &hcl.Range{Filename: stand}, d.Expression, d.EvalContext
		prefix += "  on " + stand + " line 0:\n\n"
	}
	var b bytes.Buffer
	_ = hcl.NewDiagnosticTextWriter(&b, map[string]*hcl.File{stand: {Bytes: []byte{}}}, dw.width, false).WriteDiagnostic(mini)
	return bytes.TrimPrefix(b.Bytes(), []byte(prefix))
}

// Visible escapes what a terminal would act on, or show as nothing, in
// text a diagnostic quotes or says: control characters (ESC, BEL, a
// carriage return that rewrites the line) as \x1b, format characters
// (bidi overrides and isolates, zero-width characters, a byte-order mark)
// and line separators as \u202e, and bytes that are not UTF-8 as \xff, so
// that what is shown is what the file holds. Tabs and newlines stay.
func Visible(s string) string {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 0x20 && c < 0x7f || c == '\t' || c == '\n'
	}
	if plain {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0 || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// onRunes moves the cuts between the parts of a line to where a character
// starts, so that each part escapes as the whole line does.
func onRunes(before, hl, after []byte) ([]byte, []byte, []byte) {
	line := slices.Concat(before, hl, after)
	i, j := len(before), len(before)+len(hl)
	for i < len(line) && !utf8.RuneStart(line[i]) {
		i++
	}
	for j < len(line) && !utf8.RuneStart(line[j]) {
		j++
	}
	j = max(i, j)
	return line[:i], line[i:j], line[j:]
}

// clipAround shortens a long line to the highlight and some context either
// side, marking each cut with "…".
func clipAround(before, hl, after []byte) ([]byte, []byte, []byte) {
	side := maxSnippetLine / 3
	return keepLast(before, side), keepFirst(hl, side), keepFirst(after, side)
}

// keepFirst is the first n bytes of b, cut on a rune boundary and marked
// with "…", or b when it is no longer.
func keepFirst(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return append(b[:n:n], "…"...)
}

// keepLast is keepFirst from the other end.
func keepLast(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	i := len(b) - n
	for i < len(b) && !utf8.RuneStart(b[i]) {
		i++
	}
	return append([]byte("…"), b[i:]...)
}
