//go:build !js

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// workerdCPU is the CPU time (user and system) the workerd processes under the process pid
// (a wrangler dev) have used so far, from /proc: the CPU the Worker's requests cost inside
// workerd (its HTTP, the Worker's own code and local KV), whatever else runs on the machine.
// It is 0 where /proc is missing. The clock tick is 10 ms: measure many requests at once.
func workerdCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	type proc struct {
		ppid int
		comm string
		cpu  int64 // clock ticks
	}
	procs := map[int]proc{}
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		s := string(b)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		f := strings.Fields(s[closing+1:]) // state, ppid, ... utime is the 12th, stime the 13th
		if len(f) < 13 {
			continue
		}
		id, _ := strconv.Atoi(strings.Fields(s[:open])[0])
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		procs[id] = proc{ppid, s[open+1 : closing], ut + st}
	}
	under := func(id int) bool {
		for i := 0; i < 64 && id > 1; i++ {
			if id == pid {
				return true
			}
			id = procs[id].ppid
		}
		return false
	}
	var ticks int64
	for id, p := range procs {
		if strings.HasPrefix(p.comm, "workerd") && under(id) {
			ticks += p.cpu
		}
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
}
