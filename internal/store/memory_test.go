package store_test

import (
	"testing"

	"github.com/usedinsight/usedinsight/internal/store"
	"github.com/usedinsight/usedinsight/internal/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return store.NewMemory() })
}
