// Package fakeclock is a clock for tests that moves only when told, for the
// code that times leases, renewals, heartbeats and waits through an
// injected clock (reconciler/state's and the sandbox's Clock). It is for
// tests only, and imports nothing of this module, so that any package's
// tests may use it.
//
// A tick is handed over, not dropped: Advance delivers each tick due on
// the way and returns only once the ticker's owner has taken it, or
// stopped the ticker. The owner takes its next tick only after it has
// done the work of the last one, so after Advance(d) every tick before
// the last has been acted upon: a test that moves time in steps shorter
// than a lease can rely on each renewal having happened, however slow the
// machine. A real time.Ticker drops ticks a busy receiver misses; code
// that works with this one works with that one. (clockwork's fake clock,
// which reconciler/watch's tests use for its timers, hands ticks over
// through a buffer and moves on: a lease test on it could pass Advance
// before the renewal it meant to wait for had run.)
package fakeclock

import (
	"sync"
	"time"
)

// Clock is a fake clock; its zero value is not usable (see New).
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*waiter
	changed chan struct{} // closed and replaced whenever waiters change
}

// waiter is a ticker (every > 0) or a timer (After).
type waiter struct {
	at      time.Time
	every   time.Duration
	ch      chan time.Time
	stopped chan struct{}
}

// New is a clock that reads start until moved.
func New(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTicker ticks every d (see the package comment) until stop is called.
func (c *Clock) NewTicker(d time.Duration) (<-chan time.Time, func()) {
	if d <= 0 {
		panic("fakeclock: non-positive ticker interval")
	}
	w := &waiter{every: d, ch: make(chan time.Time), stopped: make(chan struct{})}
	c.mu.Lock()
	w.at = c.now.Add(d)
	c.add(w)
	c.mu.Unlock()
	var once sync.Once
	return w.ch, func() {
		once.Do(func() {
			close(w.stopped)
			c.mu.Lock()
			c.remove(w)
			c.mu.Unlock()
		})
	}
}

// After sends the time once, d from now, as time.After does.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	w := &waiter{ch: make(chan time.Time, 1), stopped: make(chan struct{})}
	c.mu.Lock()
	defer c.mu.Unlock()
	w.at = c.now.Add(d)
	if d <= 0 {
		w.ch <- c.now
		return w.ch
	}
	c.add(w)
	return w.ch
}

// Advance moves the clock d forward, firing on the way, in time order,
// every timer and tick that falls due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *waiter
		for _, w := range c.waiters {
			if !w.at.After(end) && (next == nil || w.at.Before(next.at)) {
				next = w
			}
		}
		if next == nil {
			break
		}
		if next.at.After(c.now) {
			c.now = next.at
		}
		now := c.now
		if next.every == 0 {
			c.remove(next)
			next.ch <- now // buffered: a timer's receiver may have gone
			continue
		}
		next.at = next.at.Add(next.every)
		c.mu.Unlock()
		select {
		case next.ch <- now:
		case <-next.stopped:
		}
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}

// WaitForTimers blocks until at least n timers (After) are pending: the
// code under test has gone to sleep on the clock, and the test may move
// it. Tickers are not counted.
func (c *Clock) WaitForTimers(n int) {
	for {
		c.mu.Lock()
		k := 0
		for _, w := range c.waiters {
			if w.every == 0 {
				k++
			}
		}
		changed := c.changed
		c.mu.Unlock()
		if k >= n {
			return
		}
		<-changed
	}
}

func (c *Clock) add(w *waiter) {
	c.waiters = append(c.waiters, w)
	c.signal()
}

func (c *Clock) remove(w *waiter) {
	for i, x := range c.waiters {
		if x == w {
			c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
			c.signal()
			return
		}
	}
}

func (c *Clock) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}
