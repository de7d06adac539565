module github.com/tidwall/sjson

go 1.23

require github.com/tidwall/gjson v1.20.2
