//go:build js && wasm

package main

import (
	"context"

	"github.com/syumai/workers/cloudflare/kv"
)

// workersKV adapts a Workers KV namespace, through syumai/workers, to kvstore.KV.
type workersKV struct{ ns *kv.Namespace }

// missing is what syumai/workers v0.33.0's GetString returns for a key that does not exist
// (JavaScript's null turned into a string). The store never writes it as a value.
const missing = "<null>"

func (k workersKV) Get(_ context.Context, key string) ([]byte, bool, error) {
	v, err := k.ns.GetString(key, nil)
	if err != nil || v == missing {
		return nil, false, err
	}
	return []byte(v), true, nil
}

func (k workersKV) Put(_ context.Context, key string, value []byte) error {
	return k.ns.PutString(key, string(value), nil)
}

func (k workersKV) Delete(_ context.Context, key string) error { return k.ns.Delete(key) }

func (k workersKV) List(_ context.Context, prefix, cursor string, limit int) ([]string, string, error) {
	res, err := k.ns.List(&kv.ListOptions{Prefix: prefix, Cursor: cursor, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	keys := make([]string, len(res.Keys))
	for i, key := range res.Keys {
		keys[i] = key.Name
	}
	if res.ListComplete {
		return keys, "", nil
	}
	return keys, res.Cursor, nil
}
