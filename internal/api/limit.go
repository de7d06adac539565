package api

import (
	"sync"
	"time"
)

// limiter is a token bucket per user: rate requests a second, bursts of twice that (at least one).
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the memory the limiter keeps; past it, idle buckets are forgotten.
const maxBuckets = 10000

func newLimiter(rate float64, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: max(1, 2*rate), now: now, buckets: map[string]*bucket{}}
}

// take spends one request of user's allowance; it returns how long to wait when there is none.
func (l *limiter) take(user string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[user]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.forgetFull(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[user] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// forgetFull drops buckets that have refilled: forgetting them changes nothing.
func (l *limiter) forgetFull(now time.Time) {
	for u, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, u)
		}
	}
}
