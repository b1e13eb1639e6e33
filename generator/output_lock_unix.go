//go:build unix

package generator

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockDir takes an exclusive advisory lock on a directory, waiting for
// another generation to release it. The kernel releases it when the
// process ends, however it ends.
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
}
