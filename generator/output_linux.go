package generator

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps the directories a and b in one step; where the filesystem
// cannot (EINVAL, ENOSYS), it falls back to the two-rename exchange.
func exchange(a, b, aside string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return renameExchange(a, b, aside)
	}
	return &os.LinkError{Op: "exchange", Old: a, New: b, Err: err}
}
