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
