package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// tokenDepth is the greatest depth checkNesting's estimate reaches over
// src's tokens: what shallow must never underestimate.
func tokenDepth(src []byte) int {
	tokens, _ := hclsyntax.LexConfig(src, "main.hcl", hcl.InitialPos)
	n, deepest := newNesting(), 0
	for _, tok := range tokens {
		n.step(tok.Type, tok.Bytes)
		deepest = max(deepest, n.depth)
	}
	return deepest
}

// nestingSeeds are inputs whose structure the byte scan must follow as the
// lexer does: strings, escapes, interpolations, comments that hold what
// would otherwise open or close a level.
var nestingSeeds = []string{
	"a = [1, 2, [3, [4]]]\n",
	"a = \"[[[{{{(((\"\n",
	"a = \"${[[[1]]]}\"\n",
	"a = \"${ {b = [1]} }\"\n",
	"a = \"x${\"y${\"z\"}\"}\"\n",
	"a = \"\\\"[\\\"\" # [[[ \"\n",
	"a = \"$${[[[\" // ${\n",
	"a = \"%%{[[[\"\n",
	"a = \"a$\" /* \" [[[ */ b = 1\n",
	"a = \"\\${[\"\n",
	"a = 1 + 2 - 3 * 4 / 5 % 6 == 7 != 8 < 9 <= 1 > 2 >= 3 && true || !false ? 1 : 2\n",
	"a = x => y\nb = 1e-5\nc = mapping-limit\n",
	"a = [\n  1 +\n  2,\n  3\n]\n",
	"a = {\n  b = 1 + 1\n  c = 2 + 2\n}\n",
	"a = [ # comment\n  1 + 1 # comment\n]\n",
	"a = \"é${\"ü\"}ß\"\r\nb = [\r\n]\r\n",
	"a = <<EOT\n[[[\nEOT\n",
	"a = \"%{if true}x%{endif}\"\n",
	"a = \"${~ 1 ~}\"\n",
	"a = \"unclosed\nb = [[[\n",
	"a = /* unclosed [[[",
	"}}} ]]] ))) a = [\n",
	"a = \"${\"\n",
	"a = \"${}}}\"\n",
	"#",
	"a = \"\\",
	"a = b[*][*].c[*]\nb = [*]\nc = [1 * 2]\n",
}

// TestShallowNeverUnderestimates: wherever the byte scan answers, its depth
// is at least the tokens'; and it answers for every example, so a plan
// lexes each file once.
func TestShallowNeverUnderestimates(t *testing.T) {
	inputs := nestingSeeds
	for _, pattern := range []string{"../examples/*/*.hcl", "testdata/*/*.hcl", "../cmd/syncform/testdata/hostile/*.hcl"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, string(src))
			if strings.HasPrefix(pattern, "../examples") {
				if _, ok := shallow(src); !ok {
					t.Errorf("%s: the byte scan gave up on an example", f)
				}
			}
		}
	}
	for _, in := range inputs {
		if got, ok := shallow([]byte(in)); ok {
			if want := tokenDepth([]byte(in)); got < want {
				t.Errorf("%.60q: byte scan depth %d, tokens %d", in, got, want)
			}
		}
	}
}

// TestShallowFollowsTheLexer: inputs the byte scan must answer, with the
// depth the tokens give, and inputs it must leave to the tokens.
func TestShallowFollowsTheLexer(t *testing.T) {
	tests := []struct {
		in    string
		depth int // -1: the scan gives up
	}{
		{"a = \"[[[{{{(((\"\n", 1},
		{"a = \"${[[[1]]]}\"\n", 5},
		{"a = \"x${\"y${\"z\"}\"}\"\n", 5},
		{"a = \"$${[[[\" // ${\n", 1},
		{"a = [ # [[[\n  1\n]\n", 1},
		{"a = { # [[[\n  b = 1\n}\n", 1},
		{"a = <<EOT\nx\nEOT\n", -1},
		{"a = \"%{if true}x%{endif}\"\n", -1},
		{"a = \"${~ 1}\"\n", -1},
		{"a = \"two\nlines\"\n", -1},
		{"a = /* open", -1},
		{"a = " + strings.Repeat("[", MaxNesting+1), -1},
	}
	for _, tt := range tests {
		got, ok := shallow([]byte(tt.in))
		switch {
		case tt.depth < 0 && ok:
			t.Errorf("%q: scanned to depth %d, want it left to the tokens", tt.in, got)
		case tt.depth >= 0 && (!ok || got != tt.depth):
			t.Errorf("%q: depth %d (answered %v), want %d", tt.in, got, ok, tt.depth)
		case tt.depth >= 0 && tokenDepth([]byte(tt.in)) != tt.depth:
			t.Errorf("%q: the tokens give %d: the table is wrong", tt.in, tokenDepth([]byte(tt.in)))
		}
	}
}

// FuzzShallow looks for an input whose depth the byte scan underestimates:
// one the parser could recurse into deeper than MaxNesting unchecked.
func FuzzShallow(f *testing.F) {
	for _, s := range nestingSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if got, ok := shallow(src); ok {
			if want := tokenDepth(src); got < want {
				t.Errorf("byte scan depth %d, tokens %d", got, want)
			}
		}
	})
}

// BenchmarkCheckNesting: the nesting bound of a configuration of 3,000
// literal blocks (what syncform import writes for examples/large), by the
// byte scan and by the tokens it spares.
func BenchmarkCheckNesting(b *testing.B) {
	var src strings.Builder
	src.WriteString("object \"contacts\" {\n")
	for i := range 1500 {
		fmt.Fprintf(&src, "  property \"extra_%03d\" {\n    label = \"Extra %d\"\n    type  = \"text\"\n  }\n\n", i, i)
		fmt.Fprintf(&src, "  mapping \"extra_%03d\" {\n    salesforce_field = \"Extra_%03d__c\"\n    rule             = \"always_use_salesforce\"\n  }\n\n", i, i)
	}
	src.WriteString("}\n")
	data := []byte(src.String())
	b.Run("bytes", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, ok := shallow(data); !ok {
				b.Fatal("the byte scan gave up")
			}
		}
	})
	b.Run("tokens", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			tokens, _ := hclsyntax.LexConfig(data, "main.hcl", hcl.InitialPos)
			if nestingError(tokens) != nil {
				b.Fatal("too deep")
			}
		}
	})
}
