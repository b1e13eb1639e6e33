// Package regexdfa compiles the regular expressions FHIR definitions carry
// (the regex extension on primitive values) into deterministic automata, so
// that generated validators match a value in one pass over its bytes with
// table lookups, interpreting nothing at run time.
//
// Matching is full-match: the whole value must match, as FHIR means it.
// Expressions use Go's RE2 syntax (which FHIR's regexes fit); those with
// anchors, word boundaries, case folding or too many states are refused, and
// the caller falls back to the regexp package.
package regexdfa

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"sort"
	"unicode"
	"unicode/utf8"
)

// MaxStates bounds the automaton; larger ones are refused.
const MaxStates = 4000

// DFA is a full-match automaton over rune classes. State 0 is the dead
// state; Start is the initial state.
type DFA struct {
	// Bounds partitions the runes into classes: class i holds the runes in
	// [Bounds[i], Bounds[i+1]), the last class runs to unicode.MaxRune.
	Bounds []rune
	// ClassOf maps each interval of Bounds to its class number (intervals
	// that every instruction treats alike share a class).
	ClassOf    []int
	NumClasses int
	// Next[s*NumClasses+c] is the state after reading a rune of class c in state s.
	Next   []int
	Accept []bool
	Start  int
}

// NumStates counts the states, the dead state included.
func (d *DFA) NumStates() int { return len(d.Accept) }

// Class returns the class of a rune.
func (d *DFA) Class(r rune) int {
	i := sort.Search(len(d.Bounds), func(i int) bool { return d.Bounds[i] > r }) - 1
	if i < 0 {
		i = 0
	}
	return d.ClassOf[i]
}

// MatchString runs the automaton (used to test it against regexp).
func (d *DFA) MatchString(s string) bool {
	st := d.Start
	for _, r := range s {
		st = d.Next[st*d.NumClasses+d.Class(r)]
		if st == 0 {
			return false
		}
	}
	return d.Accept[st]
}

// Compile builds the automaton of a full match of expr.
func Compile(expr string) (*DFA, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	re = trimAnchors(re)
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, err
	}
	for _, in := range prog.Inst {
		switch in.Op {
		case syntax.InstEmptyWidth:
			return nil, errors.New("anchors and word boundaries are not supported")
		case syntax.InstRune:
			if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
				for i := 0; i+1 < len(in.Rune); i += 2 {
					if in.Rune[i+1]-in.Rune[i] > 256 {
						return nil, errors.New("case folding over wide ranges is not supported")
					}
				}
			}
		}
	}
	bounds, classOf, nclasses := partition(prog)
	// a representative rune of each class
	rep := make([]rune, nclasses)
	seen := make([]bool, nclasses)
	for i, b := range bounds {
		if c := classOf[i]; !seen[c] {
			seen[c] = true
			rep[c] = b
		}
	}
	type set = string // a sorted set of instruction indices, as a map key
	key := func(pcs []int) set {
		b := make([]byte, 0, len(pcs)*2)
		for _, pc := range pcs {
			b = append(b, byte(pc>>8), byte(pc))
		}
		return string(b)
	}
	closure := func(start []uint32) []int {
		on := map[uint32]bool{}
		var stack []uint32
		var out []int
		push := func(pc uint32) {
			if !on[pc] {
				on[pc] = true
				stack = append(stack, pc)
			}
		}
		for _, pc := range start {
			push(pc)
		}
		for len(stack) > 0 {
			pc := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			in := prog.Inst[pc]
			switch in.Op {
			case syntax.InstAlt, syntax.InstAltMatch:
				push(in.Out)
				push(in.Arg)
			case syntax.InstCapture, syntax.InstNop:
				push(in.Out)
			case syntax.InstMatch, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
				out = append(out, int(pc))
			case syntax.InstFail:
			}
		}
		sort.Ints(out)
		return out
	}
	d := &DFA{Bounds: bounds, ClassOf: classOf, NumClasses: nclasses}
	ids := map[set]int{}
	var states [][]int
	add := func(pcs []int) int {
		k := key(pcs)
		if id, ok := ids[k]; ok {
			return id
		}
		id := len(states) + 1 // 0 is dead
		ids[k] = id
		states = append(states, pcs)
		return id
	}
	start := closure([]uint32{uint32(prog.Start)})
	if len(start) == 0 {
		return nil, errors.New("the expression matches nothing")
	}
	d.Start = add(start)
	d.Next = make([]int, nclasses) // the dead state's row
	d.Accept = []bool{false}
	for i := 0; i < len(states); i++ {
		if len(states) > MaxStates {
			return nil, fmt.Errorf("more than %d states", MaxStates)
		}
		pcs := states[i]
		accept := false
		row := make([]int, nclasses)
		for c := 0; c < nclasses; c++ {
			var next []uint32
			for _, pc := range pcs {
				in := prog.Inst[pc]
				if in.Op == syntax.InstMatch {
					continue
				}
				if in.MatchRune(rep[c]) {
					next = append(next, in.Out)
				}
			}
			if len(next) > 0 {
				if cl := closure(next); len(cl) > 0 {
					row[c] = add(cl)
				}
			}
		}
		for _, pc := range pcs {
			if prog.Inst[pc].Op == syntax.InstMatch {
				accept = true
			}
		}
		d.Next = append(d.Next, row...)
		d.Accept = append(d.Accept, accept)
	}
	return d, nil
}

// partition splits the runes into intervals at every bound any instruction
// has, then merges intervals that every instruction treats alike.
func partition(prog *syntax.Prog) ([]rune, []int, int) {
	cuts := map[rune]bool{0: true, '\n': true, '\n' + 1: true, utf8.RuneError: true, utf8.RuneError + 1: true}
	for _, in := range prog.Inst {
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1:
			rs := in.Rune
			fold := in.Op == syntax.InstRune && syntax.Flags(in.Arg)&syntax.FoldCase != 0
			cut := func(lo, hi rune) {
				cuts[lo] = true
				if hi < unicode.MaxRune {
					cuts[hi+1] = true
				}
				if fold {
					for r := lo; r <= hi; r++ {
						for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
							cuts[f] = true
							cuts[f+1] = true
						}
					}
				}
			}
			if in.Op == syntax.InstRune1 || len(rs) == 1 {
				cut(rs[0], rs[0])
				continue
			}
			for i := 0; i+1 < len(rs); i += 2 {
				cut(rs[i], rs[i+1])
			}
		}
	}
	var bounds []rune
	for r := range cuts {
		if r <= unicode.MaxRune {
			bounds = append(bounds, r)
		}
	}
	sort.Slice(bounds, func(i, j int) bool { return bounds[i] < bounds[j] })
	// signature of an interval: which rune-consuming instructions match it
	var consumers []*syntax.Inst
	for i := range prog.Inst {
		switch prog.Inst[i].Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			consumers = append(consumers, &prog.Inst[i])
		}
	}
	sigs := map[string]int{}
	classOf := make([]int, len(bounds))
	for i, b := range bounds {
		sig := make([]byte, len(consumers))
		for j, in := range consumers {
			if in.MatchRune(b) {
				sig[j] = 1
			}
		}
		c, ok := sigs[string(sig)]
		if !ok {
			c = len(sigs)
			sigs[string(sig)] = c
		}
		classOf[i] = c
	}
	return bounds, classOf, len(sigs)
}

// trimAnchors drops a ^ at the start and a $ at the end of the whole
// expression: the automaton matches whole values anyway (R5 writes
// markdown's pattern as ^[\s\S]+$).
func trimAnchors(re *syntax.Regexp) *syntax.Regexp {
	if re.Op != syntax.OpConcat || len(re.Sub) == 0 {
		return re
	}
	subs := re.Sub
	if op := subs[0].Op; op == syntax.OpBeginText || op == syntax.OpBeginLine {
		subs = subs[1:]
	}
	if n := len(subs); n > 0 {
		if op := subs[n-1].Op; op == syntax.OpEndText || op == syntax.OpEndLine {
			subs = subs[:n-1]
		}
	}
	out := *re
	out.Sub = subs
	if len(subs) == 1 {
		return subs[0]
	}
	return &out
}
