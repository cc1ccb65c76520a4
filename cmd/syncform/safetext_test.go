package main

import (
	"errors"
	"testing"
)

func TestTerminalSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, é and 東京":        "plain text, é and 東京",
		"\x1b[2J\x1b]0;title\x07":     `\x1b[2J\x1b]0;title\x07`,
		"a\nb\tc\rd\x00e\x7f":         `a\x0ab\x09c\x0dd\x00e\x7f`,
		"\u009b31m":                   `\u009b31m`,
		"abc\u202edcba\u2066\u2069":   `abc\u202edcba\u2066\u2069`,
		"zero\u200bwidth\ufeff\u00ad": `zero\u200bwidth\ufeff\u00ad`,
		"line\u2028para\u2029":        `line\u2028para\u2029`,
		"bad \xff\xfe utf-8":          `bad \xff\xfe utf-8`,
		"\U000e0041 tag":              `\ue0041 tag`,
	} {
		if got := terminalSafe(in); got != want {
			t.Errorf("terminalSafe(%q) = %q, want %q", in, got, want)
		}
		if got := terminalSafe(terminalSafe(in)); got != terminalSafe(in) {
			t.Errorf("terminalSafe is not idempotent on %q: %q", in, got)
		}
	}
	if got := terminalLines("one\x1b\ntwo\u202e"); got != "one\\x1b\ntwo\\u202e" {
		t.Errorf("terminalLines = %q", got)
	}
}

func TestSafeCopy(t *testing.T) {
	type inner struct {
		S    string
		P    *string
		M    map[string][]string
		E    error
		priv string
	}
	s := "p\x1b"
	in := &inner{S: "s\u202e", P: &s, M: map[string][]string{"k\x07": {"v\r"}}, E: errors.New("e\x1b"), priv: "\x1b"}
	out := safeCopy(in)
	if out.S != `s\u202e` || *out.P != `p\x1b` || out.M[`k\x07`][0] != `v\x0d` || out.priv != "\x1b" || out.E != in.E {
		t.Errorf("safeCopy = %+v", out)
	}
	if in.S != "s\u202e" || s != "p\x1b" || in.M["k\x07"][0] != "v\r" {
		t.Errorf("safeCopy changed its input: %+v", in)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"customer_tier ↔ Tier__c (two_way)": `customer_tier ↔ Tier__c (two_way)`,
		"_lead_":                            `\_lead\_`,
		"<img src=x onerror=alert(1)>":      `\<img src=x onerror=alert(1)\>`,
		"[click](http://evil.example)":      `\[click\](http://evil.example)`,
		"a|b `c` *d* ~e~ &amp; \\":          `a\|b \` + "`c\\`" + ` \*d\* \~e\~ \&amp; \\`,
		"line\nbreak\x1b":                   `line\\x0abreak\\x1b`,
		"<!-- hide -->":                     `\<!-- hide --\>`,
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"companies.mapping.region": "`companies.mapping.region`",
		"a`b":                      "<code>a\\`b</code>",
		"a|b":                      `<code>a\|b</code>`,
		"x\x1b":                    `<code>x\\x1b</code>`,
		"":                         "<code></code>",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := mdLines("# title\n- <b>item</b>\n1. one\n> quote\nplain"), "\\# title\n- \\<b\\>item\\</b\\>\n1\\. one\n\\> quote\nplain"; got != want {
		t.Errorf("mdLines = %q, want %q", got, want)
	}
}
