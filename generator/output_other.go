//go:build !linux

package generator

// exchange swaps the directories a and b with two renames (see
// renameExchange): only Linux has an atomic exchange.
func exchange(a, b, aside string) error { return renameExchange(a, b, aside) }
