module github.com/usedinsight/usedinsight

go 1.26

require (
	// The Worker's runtime bridge; v0.33.0 is the newest version served here.
	github.com/syumai/workers v0.33.0
	github.com/tidwall/gjson v1.20.2
	github.com/tidwall/pretty v1.3.0
	github.com/tidwall/sjson v1.2.9
)

require github.com/go-jose/go-jose/v4 v4.1.9

require github.com/tidwall/match v1.1.1 // indirect

// tidwall/pretty v1.3.0 as it is but for one function (third_party/pretty/pretty.go's unquote):
// v1.3.0 unescapes strings with encoding/json, which made the browser module link
// encoding/json, reflect and fmt through gjson (3.9 MB, 797 KB brotli; 3.1 MB, 663 KB without).
replace github.com/tidwall/pretty => ./third_party/pretty

// tidwall/sjson v1.2.9 without its imports of encoding/json and fmt (third_party/sjson/sjson.go
// says what changed): through them the browser module still linked encoding/json, fmt and os
// (3.09 MB, 666 KB brotli; 2.94 MB, 637 KB without).
replace github.com/tidwall/sjson => ./third_party/sjson
