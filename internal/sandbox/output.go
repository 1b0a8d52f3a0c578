package sandbox

import (
	"errors"
	"os"
	"sync"
	"syscall"
)

// maxLine bounds one log line; longer lines are split, as CloudWatch Logs
// bounds an event at 256 KB.
const maxLine = 256 * 1024

// lineReader turns a pipe into lines delivered to emit.
type lineReader struct {
	f *os.File

	mu      sync.Mutex
	emit    func(line []byte) // set by setEmit when a stub is taken
	buf     []byte            // pending partial line
	scratch []byte
	eof     bool
}

func newLineReader(f *os.File, emit func([]byte)) *lineReader {
	if emit == nil {
		emit = func([]byte) {}
	}
	return &lineReader{f: f, emit: emit, scratch: make([]byte, 32*1024)}
}

// setEmit sends the lines read from now on to emit. A stub's output
// readers run from its start; they are bound to the environment's Output
// when the stub is taken, before the runtime is executed.
func (lr *lineReader) setEmit(emit func([]byte)) {
	lr.mu.Lock()
	lr.emit = emit
	lr.mu.Unlock()
}

// run reads until EOF. It waits for readability in the runtime poller and
// reads without blocking while holding mu.
func (lr *lineReader) run() {
	rc, err := lr.f.SyscallConn()
	if err != nil {
		return
	}
	for {
		var done bool
		rerr := rc.Read(func(fd uintptr) bool {
			lr.mu.Lock()
			defer lr.mu.Unlock()
			n, err := lr.readOnce(int(fd))
			if errors.Is(err, syscall.EAGAIN) {
				return false
			}
			if n == 0 || err != nil {
				done = true
			}
			return true
		})
		if rerr != nil || done {
			break
		}
	}
	lr.mu.Lock()
	lr.eof = true
	lr.flushPartial()
	lr.mu.Unlock()
	lr.f.Close()
}

// readOnce reads one chunk and emits the complete lines in it. mu is held.
func (lr *lineReader) readOnce(fd int) (int, error) {
	n, err := syscall.Read(fd, lr.scratch)
	for errors.Is(err, syscall.EINTR) {
		n, err = syscall.Read(fd, lr.scratch)
	}
	if n <= 0 {
		return 0, err
	}
	data := lr.scratch[:n]
	for len(data) > 0 {
		i := indexByte(data, '\n')
		if i < 0 {
			lr.buf = append(lr.buf, data...)
			for len(lr.buf) >= maxLine {
				lr.emit(lr.buf[:maxLine])
				lr.buf = append(lr.buf[:0], lr.buf[maxLine:]...)
			}
			break
		}
		if len(lr.buf) > 0 {
			lr.buf = append(lr.buf, data[:i]...)
			lr.emit(lr.buf)
			lr.buf = lr.buf[:0]
		} else {
			lr.emit(data[:i])
		}
		data = data[i+1:]
	}
	return n, nil
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func (lr *lineReader) flushPartial() {
	if len(lr.buf) > 0 {
		lr.emit(lr.buf)
		lr.buf = lr.buf[:0]
	}
}

// drain delivers everything already written to the pipe, including a last
// line without a newline.
func (lr *lineReader) drain() {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if lr.eof {
		return
	}
	rc, err := lr.f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		for i := 0; i < 64; i++ {
			n, err := lr.readOnce(int(fd))
			if n <= 0 || err != nil {
				break
			}
		}
	})
	lr.flushPartial()
}
