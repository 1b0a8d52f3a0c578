package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"sync"
)

// DefaultKeyCacheSize bounds the derived-key cache when
// Verifier.KeyCacheSize is 0.
const DefaultKeyCacheSize = 4096

// keyCache holds derived signing keys by credential ("AKID/DATE/REGION/
// SERVICE/aws4_request"), each with the secret it was derived from.
type keyCache struct {
	mu      sync.RWMutex
	entries map[string]keyEntry
}

type keyEntry struct {
	secret string
	key    [32]byte
}

// get returns the signing key for c and secret, deriving and caching it on a
// miss. When the cache is full an arbitrary entry is evicted.
func (kc *keyCache) get(c *Credential, secret string, max int) [32]byte {
	kc.mu.RLock()
	e, ok := kc.entries[c.Raw]
	kc.mu.RUnlock()
	if ok && e.secret == secret {
		return e.key
	}
	key := deriveKey(secret, c.Date, c.Region, c.Service)
	kc.mu.Lock()
	if kc.entries == nil {
		kc.entries = make(map[string]keyEntry)
	}
	if _, exists := kc.entries[c.Raw]; !exists && len(kc.entries) >= max {
		for k := range kc.entries {
			delete(kc.entries, k)
			break
		}
	}
	kc.entries[strings.Clone(c.Raw)] = keyEntry{secret: secret, key: key}
	kc.mu.Unlock()
	return key
}

// deriveKey computes kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date),
// region), service), "aws4_request").
func deriveKey(secret, date, region, service string) [32]byte {
	k := hmacSum([]byte("AWS4"+secret), date)
	k = hmacSum(k, region)
	k = hmacSum(k, service)
	k = hmacSum(k, terminator)
	var out [32]byte
	copy(out[:], k)
	return out
}

func hmacSum(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// hmacSHA256 computes HMAC-SHA256(key, msg) without allocating: key is 32
// bytes (shorter than the block), scratch is reused for the inner message.
func hmacSHA256(key *[32]byte, msg []byte, scratch []byte) ([32]byte, []byte) {
	const block = 64
	scratch = scratch[:0]
	for i := 0; i < block; i++ {
		var b byte
		if i < len(key) {
			b = key[i]
		}
		scratch = append(scratch, b^0x36)
	}
	scratch = append(scratch, msg...)
	inner := sha256.Sum256(scratch)
	var outer [block + 32]byte
	for i := 0; i < block; i++ {
		var b byte
		if i < len(key) {
			b = key[i]
		}
		outer[i] = b ^ 0x5c
	}
	copy(outer[block:], inner[:])
	return sha256.Sum256(outer[:]), scratch
}
