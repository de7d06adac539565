package api

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAll(t *testing.T) {
	data := strings.Repeat("0123456789", 100)
	boom := errors.New("boom")
	for _, tt := range []struct {
		desc    string
		r       io.Reader
		size    int
		want    string
		wantErr error
	}{
		{"announced length", strings.NewReader(data), len(data) + 1, data, nil},
		{"longer than announced", strings.NewReader(data), 10, data, nil},
		{"shorter than announced", strings.NewReader(data[:5]), len(data), data[:5], nil},
		{"no room to start with", strings.NewReader(data), 0, data, nil},
		{"empty", strings.NewReader(""), 1, "", nil},
		{"one byte at a time", iotest.OneByteReader(strings.NewReader(data)), 3, data, nil},
		{"an error after some bytes", io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 8, "abc", boom},
	} {
		got, err := readAll(tt.r, tt.size)
		if !bytes.Equal(got, []byte(tt.want)) || err != tt.wantErr {
			t.Errorf("%s: readAll = %d bytes, %v; want %d bytes, %v", tt.desc, len(got), err, len(tt.want), tt.wantErr)
		}
	}
}
