package config

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// MaxNesting bounds how deeply a file may nest brackets, blocks, templates
// and operators. HCL parses and evaluates by recursion, so a file nested
// hundreds of thousands of levels deep (a few megabytes of "[") overflows
// the goroutine stack, which is fatal, not a recoverable panic. No real
// configuration comes near it.
const MaxNesting = 1000

// checkNesting estimates the depth of recursion parsing and evaluating src
// will need, and reports the first token where it passes MaxNesting. Each
// open bracket, brace, template or template directive is a level; so is
// each operator since the last separator at its level, because a chain like
// 1+1+1+… or !!!…x parses into a tree as deep as it is long. Each index or
// attribute of a chain (x[0][0]…, x.a.a…) counts as an operator too: HCL
// builds such a chain in a loop, not a recursion, but at more than a
// kilobyte of memory a step, 8 MiB of "[0]" took 4 GB. The estimate
// errs high, never low. A scan of the bytes (shallow) spares lexing a file
// that stays within the bound.
func checkNesting(src []byte, filename string) *hcl.Diagnostic {
	if _, ok := shallow(src); ok {
		return nil
	}
	// A file that is deep from its start (megabytes of "[") is caught from
	// its first 64 KiB, without lexing millions of tokens. Tokens lexed
	// from a prefix are those of the whole file but for the last one or
	// two, which the cut may have changed, so those are left out.
	const prefix = 64 << 10
	if len(src) > prefix {
		tokens, _ := hclsyntax.LexConfig(src[:prefix], filename, hcl.InitialPos)
		tokens = beforeOpenComment(tokens)
		if len(tokens) > 2 {
			if d := nestingError(tokens[:len(tokens)-2]); d != nil {
				return d
			}
		}
	}
	tokens, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	return nestingError(tokens)
}

// beforeOpenComment cuts tokens lexed from a prefix of a file at a comment
// the prefix leaves open: a "/*" whose "*/" lies past the cut lexes as a
// slash and a star, and what follows as code, unlike in the whole file.
// Nothing else lexes as a slash right before a star.
func beforeOpenComment(tokens hclsyntax.Tokens) hclsyntax.Tokens {
	for i := 0; i+1 < len(tokens); i++ {
		if tokens[i].Type == hclsyntax.TokenSlash && tokens[i+1].Type == hclsyntax.TokenStar &&
			tokens[i].Range.End.Byte == tokens[i+1].Range.Start.Byte {
			return tokens[:i]
		}
	}
	return tokens
}

// nestingError is checkNesting on tokens already lexed.
func nestingError(tokens hclsyntax.Tokens) *hcl.Diagnostic {
	n := newNesting()
	for _, tok := range tokens {
		if n.step(tok.Type, tok.Bytes); n.depth > MaxNesting {
			return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Configuration nested too deeply",
				Detail: fmt.Sprintf("Here the file nests brackets, blocks, templates or operators (indexes and attributes of a chain count as operators) more than %d levels deep. "+
					"syncform stops reading it rather than run out of stack; split the expression up, for example into locals.", MaxNesting),
				Subject: tok.Range.Ptr()}
		}
	}
	return nil
}

// nesting is checkNesting's estimate of the recursion depth, token by token.
type nesting struct {
	stack        []nestingLevel
	depth        int  // len(stack)-1 plus every level's ops
	afterControl bool // the previous token opened a %{ directive
	prev         hclsyntax.TokenType
}

type nestingLevel struct {
	brace bool // a block body or object, where a newline ends an item
	ops   int
	// open is the token that opened the level, first the first token in
	// it and tokens how many: "[", "*" and 2 (the "*" and the "]") make a
	// splat, which nests like an operator: a chain of them parses into a
	// tree as deep as it is long (200,000 of them overflowed the stack).
	open, first hclsyntax.TokenType
	tokens      int
}

func newNesting() *nesting {
	return &nesting{stack: []nestingLevel{{brace: true}}} // the file's body
}

// step takes the next token, of type t with the bytes b.
func (n *nesting) step(t hclsyntax.TokenType, b []byte) {
	top := &n.stack[len(n.stack)-1]
	if t != hclsyntax.TokenNewline && t != hclsyntax.TokenComment {
		if top.tokens == 0 {
			top.first = t
		}
		top.tokens++
	}
	// An index or attribute of a chain is an operator of the level
	// it is in; a "[" after anything else opens a list.
	if t == hclsyntax.TokenDot || t == hclsyntax.TokenOBrack && indexable[n.prev] {
		top.ops++
		n.depth++
	}
	n.prev = t
	switch t {
	case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
		hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc,
		hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
		n.stack = append(n.stack, nestingLevel{brace: t == hclsyntax.TokenOBrace, open: t})
		n.depth++
	case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
		hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
		if len(n.stack) > 1 { // a stray closer is the parser's to report
			splat := t == hclsyntax.TokenCBrack && top.open == hclsyntax.TokenOBrack && top.first == hclsyntax.TokenStar && top.tokens == 2
			n.depth -= 1 + top.ops
			n.stack = n.stack[:len(n.stack)-1]
			if splat {
				n.stack[len(n.stack)-1].ops++
				n.depth++
			}
		}
	case hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar, hclsyntax.TokenSlash,
		hclsyntax.TokenPercent, hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual,
		hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan,
		hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr,
		hclsyntax.TokenBang, hclsyntax.TokenQuestion:
		top.ops++
		n.depth++
	case hclsyntax.TokenComma:
		n.depth -= top.ops
		top.ops = 0
	case hclsyntax.TokenNewline, hclsyntax.TokenComment:
		// A line comment swallows its newline; either ends an item of
		// a body or object, but not of a list or a call.
		if top.brace && (t == hclsyntax.TokenNewline || len(b) > 0 && b[len(b)-1] == '\n') {
			n.depth -= top.ops
			top.ops = 0
		}
	case hclsyntax.TokenIdent:
		// %{ if } and %{ for } nest until their %{ end… }: the
		// template parser recurses into each.
		if n.afterControl {
			switch string(b) {
			case "if", "for":
				n.stack[len(n.stack)-2].ops++
				n.depth++
			case "endif", "endfor":
				if below := &n.stack[len(n.stack)-2]; below.ops > 0 {
					below.ops--
					n.depth--
				}
			}
		}
	}
	n.afterControl = t == hclsyntax.TokenTemplateControl
}

// indexable are the tokens after which a "[" indexes what they end.
var indexable = map[hclsyntax.TokenType]bool{
	hclsyntax.TokenIdent: true, hclsyntax.TokenNumberLit: true,
	hclsyntax.TokenCBrack: true, hclsyntax.TokenCParen: true, hclsyntax.TokenCQuote: true,
}

// shallow reports whether src certainly nests no deeper than MaxNesting,
// and the greatest depth it saw, from one pass over its bytes that costs a
// small part of lexing it (a configuration of a few hundred kilobytes would
// otherwise be lexed twice, once here and once by the parser). It follows
// HCL's lexer wherever the estimate's structure depends on it: brackets,
// quoted strings and their ${ } interpolations, escapes, comments, commas
// and newlines. It counts as an operator every byte that may be part of one
// (a hyphen in a name, the sign of an exponent), so its depth is never below
// checkNesting's. What it does not follow (bytes that are not UTF-8,
// heredocs, template directives, strip markers, a newline inside quotes, an
// unclosed comment) makes it answer false, and the tokens decide.
func shallow(src []byte) (depth int, ok bool) {
	// Bytes that are not UTF-8 can make the lexer read ASCII after them
	// as part of a name, quotes included.
	if !utf8.Valid(src) {
		return 0, false
	}
	n := newNesting()
	deepest := 0
	inString := false // in a quoted string; otherwise in expressions
	braces := 0       // the lexer's count of open braces
	var interps []int // braces where each open interpolation began
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			switch c {
			case '"':
				n.step(hclsyntax.TokenCQuote, nil)
				inString = false
			case '\\':
				if i+1 == len(src) || src[i+1] == '\n' || src[i+1] == '\r' {
					return deepest, false
				}
				i++ // the escaped byte
			case '\n', '\r':
				return deepest, false
			case '$', '%':
				switch {
				case i+1 < len(src) && src[i+1] == '{':
					if c == '%' || i+2 < len(src) && src[i+2] == '~' {
						return deepest, false
					}
					n.step(hclsyntax.TokenTemplateInterp, nil)
					braces++
					interps = append(interps, braces)
					inString = false
					i++
				case i+2 < len(src) && src[i+1] == c && src[i+2] == '{':
					i += 2 // $${ and %%{ are literal
				}
			}
		} else {
			switch c {
			case '#':
				i = lineComment(n, src, i)
			case '/':
				switch {
				case i+1 < len(src) && src[i+1] == '/':
					i = lineComment(n, src, i)
				case i+1 < len(src) && src[i+1] == '*':
					end := bytes.Index(src[i+2:], []byte("*/"))
					if end < 0 {
						return deepest, false
					}
					n.step(hclsyntax.TokenComment, nil) // ends with "*/", not a newline
					i += 2 + end + 1
				default:
					n.step(hclsyntax.TokenSlash, nil)
				}
			case '{':
				n.step(hclsyntax.TokenOBrace, nil)
				braces++
			case '}':
				if len(interps) > 0 && interps[len(interps)-1] == braces {
					n.step(hclsyntax.TokenTemplateSeqEnd, nil)
					interps = interps[:len(interps)-1]
					inString = true
				} else {
					n.step(hclsyntax.TokenCBrace, nil)
				}
				braces--
			case '"':
				n.step(hclsyntax.TokenOQuote, nil)
				inString = true
			case '~':
				return deepest, false
			case '<':
				if i+1 < len(src) && src[i+1] == '<' {
					return deepest, false
				}
				n.step(hclsyntax.TokenLessThan, nil)
			case '[':
				// The lexer's token before it, if it is a name or a
				// number, is one this scan does not step: it is
				// stepped here, for the index it makes.
				if p := prevByte(src, i); p == '_' || p == '-' || p >= 0x80 ||
					'0' <= p && p <= '9' || 'a' <= p && p <= 'z' || 'A' <= p && p <= 'Z' {
					n.step(hclsyntax.TokenIdent, nil)
				}
				n.step(hclsyntax.TokenOBrack, nil)
			case '.':
				n.step(hclsyntax.TokenDot, nil)
			case '=':
				if i+1 < len(src) && src[i+1] == '=' {
					n.step(hclsyntax.TokenEqualOp, nil)
					i++
				}
			default:
				if t := plainTokens[c]; t != 0 {
					n.step(t, nil)
				}
			}
		}
		deepest = max(deepest, n.depth)
		if n.depth > MaxNesting {
			return deepest, false
		}
	}
	return deepest, true
}

// plainTokens are the bytes that are a token of their own wherever they
// stand outside strings. Each byte that may be part of an operator counts
// as one ("&&" as two), which errs high, as shallow may.
var plainTokens = [256]hclsyntax.TokenType{
	'\n': hclsyntax.TokenNewline, ',': hclsyntax.TokenComma,
	']': hclsyntax.TokenCBrack, '(': hclsyntax.TokenOParen, ')': hclsyntax.TokenCParen,
	'+': hclsyntax.TokenPlus, '-': hclsyntax.TokenMinus, '*': hclsyntax.TokenStar, '%': hclsyntax.TokenPercent,
	'>': hclsyntax.TokenGreaterThan, '!': hclsyntax.TokenBang, '&': hclsyntax.TokenAnd, '|': hclsyntax.TokenOr,
	'?': hclsyntax.TokenQuestion,
}

// prevByte is the byte before src[i], past spaces and tabs (which the
// lexer makes no token of), or 0.
func prevByte(src []byte, i int) byte {
	for i--; i >= 0; i-- {
		if c := src[i]; c != ' ' && c != '\t' {
			return c
		}
	}
	return 0
}

// commentEnd is the last byte of a line comment that ends its line.
var commentEnd = []byte{'\n'}

// lineComment steps over the comment at src[i:], which runs to the end of
// its line and takes the newline with it, and returns where it ends.
func lineComment(n *nesting, src []byte, i int) int {
	end := bytes.IndexByte(src[i:], '\n')
	if end < 0 {
		n.step(hclsyntax.TokenComment, nil)
		return len(src) - 1
	}
	n.step(hclsyntax.TokenComment, commentEnd)
	return i + end
}
