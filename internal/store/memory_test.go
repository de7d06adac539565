package store_test

import (
	"testing"

	"github.com/usedinsight/usedinsight/internal/store"
	"github.com/usedinsight/usedinsight/internal/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(_ *testing.T, key *store.TokenKey) store.Store { return store.NewMemory(key) })
}
