package config

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// MaxNesting bounds how deeply a file may nest brackets, blocks, templates
// and operators. HCL parses and evaluates by recursion, so a file nested
// hundreds of thousands of levels deep (a few megabytes of "[") overflows
// the goroutine stack, which is fatal, not a recoverable panic. No real
// configuration comes near it.
const MaxNesting = 1000

// parse reads and parses one file, refusing before the parser sees it a file
// nested deeper than MaxNesting. A refused file is still registered, so that
// its diagnostic can quote the line.
func (l *loader) parse(name string) *hcl.File {
	src, err := os.ReadFile(name)
	if err != nil {
		// The same diagnostic hclparse gives, which has no range: the file
		// has no lines to point at.
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Failed to read file",
			Detail: fmt.Sprintf("The configuration file %q could not be read.", name)})
		return nil
	}
	if d := checkNesting(src, name); d != nil {
		l.add(d)
		l.parser.AddFile(name, &hcl.File{Body: hcl.EmptyBody(), Bytes: src})
		return nil
	}
	f, diags := l.parser.ParseHCL(src, name)
	l.add(diags...)
	return f
}

// checkNesting estimates, from the tokens alone, the depth of recursion
// parsing and evaluating src will need, and reports the first token where it
// passes MaxNesting. Each open bracket, brace, template or template directive
// is a level; so is each operator since the last separator at its level,
// because a chain like 1+1+1+… or !!!…x parses into a tree as deep as it is
// long. The estimate errs high, never low.
func checkNesting(src []byte, filename string) *hcl.Diagnostic {
	// A file that is deep from its start (megabytes of "[") is caught from
	// its first 64 KiB, without lexing millions of tokens. Tokens lexed
	// from a prefix are those of the whole file but for the last one or
	// two, which the cut may have changed, so those are left out.
	const prefix = 64 << 10
	if len(src) > prefix {
		tokens, _ := hclsyntax.LexConfig(src[:prefix], filename, hcl.InitialPos)
		if len(tokens) > 2 {
			if d := nestingError(tokens[:len(tokens)-2]); d != nil {
				return d
			}
		}
	}
	tokens, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	return nestingError(tokens)
}

// nestingError is checkNesting on tokens already lexed.
func nestingError(tokens hclsyntax.Tokens) *hcl.Diagnostic {
	type level struct {
		brace bool // a block body or object, where a newline ends an item
		ops   int
	}
	stack := []level{{brace: true}} // the file's body
	depth := 0                      // len(stack)-1 plus every level's ops
	afterControl := false           // the previous token opened a %{ directive
	for _, tok := range tokens {
		top := &stack[len(stack)-1]
		switch tok.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			stack = append(stack, level{brace: tok.Type == hclsyntax.TokenOBrace})
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if len(stack) > 1 { // a stray closer is the parser's to report
				depth -= 1 + top.ops
				stack = stack[:len(stack)-1]
			}
		case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash,
			hclsyntax.TokenPercent, hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual,
			hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan,
			hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr,
			hclsyntax.TokenBang, hclsyntax.TokenQuestion:
			top.ops++
			depth++
		case hclsyntax.TokenComma:
			depth -= top.ops
			top.ops = 0
		case hclsyntax.TokenNewline, hclsyntax.TokenComment:
			// A line comment swallows its newline; either ends an item of
			// a body or object, but not of a list or a call.
			if top.brace && (tok.Type == hclsyntax.TokenNewline || len(tok.Bytes) > 0 && tok.Bytes[len(tok.Bytes)-1] == '\n') {
				depth -= top.ops
				top.ops = 0
			}
		case hclsyntax.TokenIdent:
			// %{ if } and %{ for } nest until their %{ end… }: the
			// template parser recurses into each.
			if afterControl {
				switch string(tok.Bytes) {
				case "if", "for":
					stack[len(stack)-2].ops++
					depth++
				case "endif", "endfor":
					if below := &stack[len(stack)-2]; below.ops > 0 {
						below.ops--
						depth--
					}
				}
			}
		}
		afterControl = tok.Type == hclsyntax.TokenTemplateControl
		if depth > MaxNesting {
			return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Configuration nested too deeply",
				Detail: fmt.Sprintf("Here the file nests brackets, blocks, templates or operators more than %d levels deep. "+
					"syncform stops reading it rather than run out of stack; split the expression up, for example into locals.", MaxNesting),
				Subject: tok.Range.Ptr()}
		}
	}
	return nil
}
