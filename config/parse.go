package config

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// parse reads and parses one configuration file of the directory, within
// what is left of MaxConfigBytes.
func (l *loader) parse(name string) *hcl.File {
	src, err := readSource(name, l.dir, MaxConfigBytes-l.read)
	if err == errTooLarge {
		err = &sourceError{"Configuration too large", fmt.Sprintf("%s takes the configuration past %s, the most syncform reads "+
			"of the files of a directory together (loading takes 100 to 500 times as much memory). Split it up, or shorten it.", name, bytesString(MaxConfigBytes))}
	}
	if err != nil {
		l.readFailed(name, err)
		return nil
	}
	l.read += int64(len(src))
	return l.parseSource(name, src)
}

// parseVarFile reads and parses a --var-file, a regular file of at most
// MaxVarFileBytes. One named inside the configuration directory is held to
// what the directory's files are: its links must lead inside it, for the
// directory is what a pull request changes (a prod.vars.hcl replaced by a
// link to /proc/self/environ printed the environment). One named outside
// it is the caller's choice, and is read where it is named, with no link
// on the way.
func (l *loader) parseVarFile(name string) *hcl.File {
	within := ""
	if namedInside(name, l.dir) {
		within = l.dir
	}
	src, err := readSource(name, within, MaxVarFileBytes)
	if err == errTooLarge {
		err = &sourceError{"Variable file too large", fmt.Sprintf("%s is larger than %s, the most syncform reads of a variable file.", name, bytesString(MaxVarFileBytes))}
	}
	if err != nil {
		l.readFailed(name, err)
		return nil
	}
	return l.parseSource(name, src)
}

// parseSource parses src, refusing before the parser sees it a file nested
// deeper than MaxNesting. A refused file is still registered, so that its
// diagnostic can quote the line.
func (l *loader) parseSource(name string, src []byte) *hcl.File {
	d := checkText(src, name)
	// The tokens are counted before HCL makes them: they are what
	// loading takes memory for. A file refused for them does not count:
	// those after it may fit.
	n := countTokens(src)
	if d == nil && l.tokens+n > MaxTokens {
		l.readFailed(name, &sourceError{"Configuration too large", fmt.Sprintf("%s takes the configuration past %d tokens "+
			"(names, numbers, symbols and words of text), the most syncform reads of the files of a load together "+
			"(each takes hundreds of bytes of memory to load). Split it up, or shorten it.", name, MaxTokens)})
		return nil
	}
	l.tokens += n
	if d == nil {
		d = checkNesting(src, name)
	}
	if d != nil {
		l.add(d)
		l.parser.AddFile(name, &hcl.File{Body: hcl.EmptyBody(), Bytes: src})
		return nil
	}
	f, diags := l.parser.ParseHCL(src, name)
	l.add(mergeRuns(diags)...)
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		budgetExpressions(body, l.budget)
		guardSecrets(body)
	}
	return f
}

// maxBinaryBytes is how many control characters and bytes that are not
// UTF-8 a file may hold before it is taken for a binary file rather than
// configuration.
const maxBinaryBytes = 1000

// checkText refuses a file that holds more than maxBinaryBytes control
// characters (other than tab and line breaks) or bytes that are not UTF-8,
// at the first of them. HCL's lexer makes a token and a diagnostic of each
// such byte: a megabyte of NUL bytes took 440 MB to load.
func checkText(src []byte, filename string) *hcl.Diagnostic {
	n, first := 0, -1
	for i := 0; i < len(src); {
		c := src[i]
		size := 1
		bad := c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRune(src[i:])
			bad = r == utf8.RuneError && size == 1
		}
		if bad {
			if first < 0 {
				first = i
			}
			if n++; n > maxBinaryBytes {
				pos := hcl.InitialPos
				for _, b := range src[:first] {
					if b == '\n' {
						pos.Line++
					}
				}
				pos.Byte = first
				pos.Column = first - bytes.LastIndexByte(src[:first], '\n')
				return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Not a text file",
					Detail:  fmt.Sprintf("This file holds more than %d control characters or bytes that are not UTF-8, from here on: it is not configuration (a binary file?).", maxBinaryBytes),
					Subject: &hcl.Range{Filename: filename, Start: pos, End: hcl.Pos{Line: pos.Line, Column: pos.Column + 1, Byte: pos.Byte + 1}}}
			}
		}
		i += size
	}
	return nil
}

// mergeRuns merges each run of diagnostics that say the same thing about
// ranges that touch into one over their union: HCL reports every byte of a
// run of invalid characters on its own, so a megabyte of NUL bytes was a
// million diagnostics (20 s and 600 MB to render).
func mergeRuns(diags hcl.Diagnostics) hcl.Diagnostics {
	out := diags[:0]
	for _, d := range diags {
		if n := len(out); n > 0 {
			p := out[n-1]
			if p.Summary == d.Summary && p.Detail == d.Detail && p.Severity == d.Severity &&
				p.Subject != nil && d.Subject != nil && p.Subject.Filename == d.Subject.Filename &&
				p.Subject.End.Byte == d.Subject.Start.Byte && p.Subject.End.Line == d.Subject.Start.Line {
				r := hcl.RangeBetween(*p.Subject, *d.Subject)
				p.Subject = &r
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// countTokens estimates the tokens of src from its bytes, without lexing:
// each run of name characters (letters, digits, "_", "-", and every byte
// past ASCII) is one, and so is every other byte but a space, a tab or a
// carriage return. A word of a string's text counts where the lexer makes
// one token of the whole text, so the estimate errs high on prose, never
// far low: the memory loading takes follows it.
func countTokens(src []byte) int {
	n, inName := 0, false
	for _, c := range src {
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			inName = false
		case c == '_' || c == '-' || c >= 0x80 || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			if !inName {
				n++
			}
			inName = true
		default:
			n++
			inName = false
		}
	}
	return n
}
