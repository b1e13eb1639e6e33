// Package fhirpath parses FHIRPath (http://hl7.org/fhirpath/N1), the
// language of FHIR's invariants, into a syntax tree that later stages type
// check against the model and compile into Go.
package fhirpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of a node. The zero value is not a kind.
type Kind int

// The node kinds.
const (
	Literal    Kind = iota + 1 // Value holds the literal; LitKind says which
	Identifier                 // a member name, a type name, or a function's subject
	Invoke                     // Name(Args...) on Target (Target nil: on the input)
	Member                     // Target.Name
	Index                      // Target[Args[0]]
	Unary                      // Op Args[0]
	Binary                     // Args[0] Op Args[1]
	TypeOp                     // Args[0] is/as Type
	Variable                   // $this, $index, $total
	External                   // %name
	Empty                      // {}
)

// LitKind says what a literal is.
type LitKind int

// The literal kinds.
const (
	LitBool LitKind = iota + 1
	LitString
	LitInteger
	LitLong
	LitDecimal
	LitDate
	LitDateTime
	LitTime
	LitQuantity
)

// Node is a FHIRPath syntax tree node.
type Node struct {
	Kind  Kind
	Name  string  // identifier, function, member, variable or external name
	Op    string  // operator
	Type  string  // type specifier of is/as (qualified: System.String, FHIR.Patient)
	Lit   LitKind // for literals
	Value string  // literal text (unquoted string, number text, date text)
	Unit  string  // quantity unit
	// Calendar marks a quantity whose unit is a calendar keyword (4 days),
	// not a UCUM string ('d').
	Calendar bool
	Target   *Node
	Args     []*Node
	Pos      int // byte offset in the expression
}

// String renders the node back as FHIRPath (fully parenthesised binaries).
func (n *Node) String() string {
	switch n.Kind {
	case Literal:
		switch n.Lit {
		case LitString:
			return "'" + escape(n.Value) + "'"
		case LitDate, LitDateTime, LitTime:
			return "@" + n.Value
		case LitQuantity:
			if isCalendarUnit(n.Unit) && n.Calendar {
				return n.Value + " " + n.Unit
			}
			return n.Value + " '" + escape(n.Unit) + "'"
		case LitLong:
			return n.Value + "L"
		}
		return n.Value
	case Identifier:
		return ident(n.Name)
	case Variable:
		return "$" + n.Name
	case External:
		return "%" + ident(n.Name)
	case Empty:
		return "{}"
	case Member:
		return n.Target.String() + "." + ident(n.Name)
	case Invoke:
		var args []string
		for _, a := range n.Args {
			args = append(args, a.String())
		}
		name := n.Name
		if ident(name) != name && !isKeyword(name) {
			name = ident(name)
		}
		call := name + "(" + strings.Join(args, ", ") + ")"
		if n.Target == nil {
			return call
		}
		return n.Target.String() + "." + call
	case Index:
		return n.Target.String() + "[" + n.Args[0].String() + "]"
	case Unary:
		return n.Op + n.Args[0].String()
	case Binary:
		return "(" + n.Args[0].String() + " " + n.Op + " " + n.Args[1].String() + ")"
	case TypeOp:
		return "(" + n.Args[0].String() + " " + n.Op + " " + n.Type + ")"
	}
	return "?"
}

// isKeyword tells the words an identifier must be delimited to be.
func isKeyword(s string) bool {
	switch s {
	case "and", "or", "xor", "implies", "is", "as", "in", "contains", "div", "mod", "true", "false":
		return true
	}
	return false
}

func ident(s string) string {
	ok := s != "" && !isKeyword(s)
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i], i > 0) {
			ok = false
		}
	}
	if ok {
		return s
	}
	return "`" + escape(s) + "`"
}

func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "`", "\\`", "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return r.Replace(s)
}

// Error is a parse error at a byte offset of the expression.
type Error struct {
	Expr   string
	Offset int
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("at offset %d of %q: %s", e.Offset, e.Expr, e.Msg)
}

// MaxDepth bounds the nesting of an expression.
const MaxDepth = 200

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

// Parse parses an expression.
func Parse(expr string) (n *Node, err error) {
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{src: expr, toks: toks}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			n, err = nil, pe
		}
	}()
	n = p.expr(0)
	if t := p.peek(); t.kind != tEOF {
		p.fail(t.pos, "unexpected "+t.describe())
	}
	return n, nil
}

func (p *parser) fail(pos int, msg string) {
	panic(&Error{Expr: p.src, Offset: pos, Msg: msg})
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) expect(kind tokKind, text string) token {
	t := p.next()
	if t.kind != kind || (text != "" && t.text != text) {
		want := text
		if want == "" {
			want = kind.String()
		}
		p.fail(t.pos, "want "+want+", found "+t.describe())
	}
	return t
}

// binary precedence, loosest first
func precedence(op string) int {
	switch op {
	case "implies":
		return 1
	case "or", "xor":
		return 2
	case "and":
		return 3
	case "in", "contains":
		return 4
	case "=", "~", "!=", "!~":
		return 5
	case "<", ">", "<=", ">=":
		return 6
	case "|":
		return 7
	case "is", "as":
		return 8
	case "+", "-", "&":
		return 9
	case "*", "/", "div", "mod":
		return 10
	}
	return 0
}

func (p *parser) binaryOp() (string, bool) {
	t := p.peek()
	switch t.kind {
	case tOp:
		if precedence(t.text) > 0 {
			return t.text, true
		}
	case tIdent:
		if !t.quoted && precedence(t.text) > 0 {
			return t.text, true
		}
	}
	return "", false
}

// expr parses with precedence climbing; all binary operators associate left.
func (p *parser) expr(min int) *Node {
	p.depth++
	if p.depth > MaxDepth {
		p.fail(p.peek().pos, "expression nests too deeply")
	}
	defer func() { p.depth-- }()
	left := p.unary()
	for {
		op, ok := p.binaryOp()
		prec := precedence(op)
		if !ok || prec <= min {
			return left
		}
		t := p.next()
		if op == "is" || op == "as" {
			left = &Node{Kind: TypeOp, Op: op, Type: p.typeSpecifier(), Args: []*Node{left}, Pos: t.pos}
			continue
		}
		right := p.expr(prec)
		left = &Node{Kind: Binary, Op: op, Args: []*Node{left, right}, Pos: t.pos}
	}
}

func (p *parser) typeSpecifier() string {
	t := p.expect(tIdent, "")
	name := t.text
	for p.peek().kind == tOp && p.peek().text == "." {
		p.next()
		name += "." + p.expect(tIdent, "").text
	}
	return name
}

func (p *parser) unary() *Node {
	if t := p.peek(); t.kind == tOp && (t.text == "+" || t.text == "-") {
		p.next()
		operand := p.unary()
		// fold a sign into a number literal
		if t.text == "-" && operand.Kind == Literal && (operand.Lit == LitInteger || operand.Lit == LitDecimal || operand.Lit == LitLong || operand.Lit == LitQuantity) && !strings.HasPrefix(operand.Value, "-") {
			operand.Value = "-" + operand.Value
			operand.Pos = t.pos
			return operand
		}
		return &Node{Kind: Unary, Op: t.text, Args: []*Node{operand}, Pos: t.pos}
	}
	return p.postfix(p.term())
}

func (p *parser) postfix(n *Node) *Node {
	for {
		t := p.peek()
		switch {
		case t.kind == tOp && t.text == ".":
			p.next()
			name := p.expect(tIdent, "")
			if p.peek().kind == tOp && p.peek().text == "(" {
				n = &Node{Kind: Invoke, Name: name.text, Target: n, Args: p.args(), Pos: name.pos}
			} else {
				n = &Node{Kind: Member, Name: name.text, Target: n, Pos: name.pos}
			}
		case t.kind == tOp && t.text == "[":
			p.next()
			idx := p.expr(0)
			p.expect(tOp, "]")
			n = &Node{Kind: Index, Target: n, Args: []*Node{idx}, Pos: t.pos}
		default:
			return n
		}
	}
}

func (p *parser) args() []*Node {
	p.expect(tOp, "(")
	var args []*Node
	if p.peek().kind == tOp && p.peek().text == ")" {
		p.next()
		return args
	}
	for {
		args = append(args, p.expr(0))
		t := p.next()
		if t.kind == tOp && t.text == ")" {
			return args
		}
		if t.kind != tOp || t.text != "," {
			p.fail(t.pos, "want ',' or ')', found "+t.describe())
		}
	}
}

func (p *parser) term() *Node {
	t := p.next()
	switch t.kind {
	case tString:
		return &Node{Kind: Literal, Lit: LitString, Value: t.text, Pos: t.pos}
	case tNumber:
		n := &Node{Kind: Literal, Lit: LitInteger, Value: t.text, Pos: t.pos}
		if strings.Contains(t.text, ".") {
			n.Lit = LitDecimal
		}
		if strings.HasSuffix(t.text, "L") {
			n.Lit, n.Value = LitLong, strings.TrimSuffix(t.text, "L")
		}
		// a quantity: a number and a unit (a string, or a calendar keyword)
		if u := p.peek(); u.kind == tString {
			p.next()
			n.Lit, n.Unit = LitQuantity, u.text
		} else if u.kind == tIdent && !u.quoted && isCalendarUnit(u.text) {
			p.next()
			n.Lit, n.Unit, n.Calendar = LitQuantity, u.text, true
		}
		return n
	case tDate:
		n := &Node{Kind: Literal, Value: t.text, Pos: t.pos}
		switch {
		case strings.HasPrefix(t.text, "T"):
			n.Lit = LitTime
		case strings.Contains(t.text, "T"):
			n.Lit = LitDateTime
		default:
			n.Lit = LitDate
		}
		return n
	case tVar:
		return &Node{Kind: Variable, Name: t.text, Pos: t.pos}
	case tExternal:
		return &Node{Kind: External, Name: t.text, Pos: t.pos}
	case tIdent:
		if !t.quoted && (t.text == "true" || t.text == "false") {
			return &Node{Kind: Literal, Lit: LitBool, Value: t.text, Pos: t.pos}
		}
		if p.peek().kind == tOp && p.peek().text == "(" {
			return &Node{Kind: Invoke, Name: t.text, Args: p.args(), Pos: t.pos}
		}
		return &Node{Kind: Identifier, Name: t.text, Pos: t.pos}
	case tOp:
		switch t.text {
		case "(":
			n := p.expr(0)
			p.expect(tOp, ")")
			return n
		case "{":
			p.expect(tOp, "}")
			return &Node{Kind: Empty, Pos: t.pos}
		}
	}
	p.fail(t.pos, "unexpected "+t.describe())
	return nil
}

func isCalendarUnit(s string) bool {
	switch s {
	case "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
		"minute", "minutes", "second", "seconds", "millisecond", "milliseconds":
		return true
	}
	return false
}

// ---- lexer ----

type tokKind int

const (
	tEOF tokKind = iota + 1
	tIdent
	tString
	tNumber
	tDate
	tVar
	tExternal
	tOp
)

func (k tokKind) String() string {
	switch k {
	case tEOF:
		return "the end"
	case tIdent:
		return "a name"
	case tString:
		return "a string"
	case tNumber:
		return "a number"
	case tDate:
		return "a date"
	case tVar:
		return "a variable"
	case tExternal:
		return "a %constant"
	}
	return "an operator"
}

type token struct {
	kind   tokKind
	text   string
	pos    int
	quoted bool // a `delimited` identifier
}

func (t token) describe() string {
	if t.kind == tEOF {
		return "the end of the expression"
	}
	return strconv.Quote(t.text)
}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	fail := func(pos int, msg string) ([]token, error) {
		return nil, &Error{Expr: src, Offset: pos, Msg: msg}
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return fail(i, "unterminated comment")
			}
			i += end + 4
		case c == '\'' || c == '`' || c == '"':
			// a double-quoted string is not in FHIRPath's grammar; the HL7
			// validator's engine reads it as a string, and R5 publishes one
			// (eld-11)
			s, n, err := unquote(src, i)
			if err != nil {
				return nil, err
			}
			if c != '`' {
				toks = append(toks, token{kind: tString, text: s, pos: i})
			} else {
				toks = append(toks, token{kind: tIdent, text: s, pos: i, quoted: true})
			}
			i += n
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			if j+1 < len(src) && src[j] == '.' && src[j+1] >= '0' && src[j+1] <= '9' {
				j++
				for j < len(src) && src[j] >= '0' && src[j] <= '9' {
					j++
				}
			}
			if j < len(src) && src[j] == 'L' {
				j++
			}
			toks = append(toks, token{kind: tNumber, text: src[i:j], pos: i})
			i = j
		case c == '@':
			j := i + 1
			for j < len(src) && strings.IndexByte("0123456789-:T.+Z", src[j]) >= 0 {
				j++
			}
			if j == i+1 {
				return fail(i, "empty date literal")
			}
			toks = append(toks, token{kind: tDate, text: src[i+1 : j], pos: i})
			i = j
		case c == '$' || c == '%':
			j := i + 1
			var name string
			if c == '%' && j < len(src) && (src[j] == '`' || src[j] == '\'') {
				s, n, err := unquote(src, j)
				if err != nil {
					return nil, err
				}
				name, j = s, j+n
			} else {
				for j < len(src) && isIdentByte(src[j], j > i+1) {
					j++
				}
				name = src[i+1 : j]
			}
			if name == "" {
				return fail(i, "a name must follow "+string(c))
			}
			kind := tVar
			if c == '%' {
				kind = tExternal
			}
			toks = append(toks, token{kind: kind, text: name, pos: i})
			i = j
		case isIdentByte(c, false):
			j := i
			for j < len(src) && isIdentByte(src[j], true) {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: src[i:j], pos: i})
			i = j
		default:
			for _, op := range []string{"<=", ">=", "!=", "!~", "(", ")", "[", "]", "{", "}", ".", ",", "=", "~", "<", ">", "+", "-", "*", "/", "|", "&"} {
				if strings.HasPrefix(src[i:], op) {
					toks = append(toks, token{kind: tOp, text: op, pos: i})
					i += len(op)
					goto next
				}
			}
			if r, _ := utf8.DecodeRuneInString(src[i:]); unicode.IsLetter(r) {
				return fail(i, "names are ASCII letters, digits and _; delimit others with backticks")
			}
			return fail(i, "unexpected character "+strconv.QuoteRune(rune(c)))
		next:
		}
	}
	toks = append(toks, token{kind: tEOF, pos: len(src)})
	return toks, nil
}

func isIdentByte(c byte, notFirst bool) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (notFirst && c >= '0' && c <= '9')
}

// unquote reads a '...' or `...` literal at i and returns its text and length.
func unquote(src string, i int) (string, int, error) {
	q := src[i]
	var b strings.Builder
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch {
		case c == q:
			return b.String(), j + 1 - i, nil
		case c == '\\' && j+1 < len(src):
			e := src[j+1]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if j+6 > len(src) {
					return "", 0, &Error{Expr: src, Offset: j, Msg: "bad \\u escape"}
				}
				n, err := strconv.ParseUint(src[j+2:j+6], 16, 16)
				if err != nil {
					return "", 0, &Error{Expr: src, Offset: j, Msg: "bad \\u escape"}
				}
				b.WriteRune(rune(n))
				j += 4
			default:
				b.WriteByte(e) // \' \" \` \\ \/
			}
			j += 2
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", 0, &Error{Expr: src, Offset: i, Msg: "unterminated " + string(q) + " literal"}
}
