package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// numericFlags lists, for every numeric flag of every command, values it
// must refuse (NaN, infinities, negative, past its bound); nil marks a flag
// every value of which is valid (a seed).
var numericFlags = map[string][]string{
	"plan --max-overwrites":                  {"-1", "-5"},
	"apply --max-overwrites":                 {"-1", "-5"},
	"apply --lock-timeout":                   {"-5s", "25h"},
	"sandbox reset --lock-timeout":           {"-5s", "25h"},
	"sandbox seed --lock-timeout":            {"-5s", "25h"},
	"history --limit":                        {"-1"},
	"watch --interval":                       {"0s", "500ms", "-1m", "25h", "2562047h"},
	"watch --debounce":                       {"-1ms", "2h"},
	"watch --lock-timeout":                   {"-5s", "25h"},
	"watch --lease":                          {"0s", "-30s", "25h"},
	"sandbox seed --contacts":                {"-1", "10000001"},
	"sandbox seed --companies":               {"-1", "1000001", "2000000000"},
	"sandbox seed --deals":                   {"-1", "1000001"},
	"sandbox seed --custom-fields":           {"-1", "10000"},
	"sandbox seed --mapping-limit":           {"-1", "1000001"},
	"sandbox seed --seed":                    nil,
	"sandbox serve --latency":                {"-1ms", "2m"},
	"sandbox serve --rate-limit":             {"-1"},
	"sandbox serve --daily-limit":            {"-1"},
	"sandbox serve --salesforce-daily-limit": {"-1"},
	"sandbox serve --fault-rate":             {"NaN", "nan", "Inf", "-Inf", "-0.1", "1.5"},
	"sandbox serve --timeout-rate":           {"NaN", "+Inf", "-1", "2"},
	"sandbox serve --hang":                   {"-1s", "2h"},
	"sandbox serve --fault-seed":             nil,
}

// TestNumericFlagsAreChecked walks every command: each numeric flag must be
// listed in numericFlags, and each value listed there is refused as a
// usage error naming the flag and what it accepts, before the command
// reads or writes anything (the directory has no configuration and stays
// empty).
func TestNumericFlagsAreChecked(t *testing.T) {
	a, _, _ := testApp("", false)
	seen := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(c.CommandPath(), "syncform ")
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			switch f.Value.Type() {
			case "int", "int64", "uint64", "float64", "duration", "uint", "int32", "float32":
			default:
				return
			}
			key := path + " --" + f.Name
			seen[key] = true
			if _, ok := numericFlags[key]; !ok {
				t.Errorf("%s is a numeric flag missing from numericFlags: check its range and list it", key)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(a.rootCommand())
	for key, bad := range numericFlags {
		if !seen[key] {
			t.Errorf("numericFlags lists %s, which no command has", key)
		}
		cmd, flag, _ := strings.Cut(key, " --")
		for _, v := range bad {
			t.Run(key+"="+v, func(t *testing.T) {
				dir := t.TempDir()
				t.Chdir(dir)
				args := append(strings.Fields(cmd), "--"+flag+"="+v)
				a, out, errb := testApp("", false)
				a.lookupEnv = func(n string) (string, bool) {
					if n == sandboxTokenEnv {
						return "sandbox-token-0123456789", true
					}
					return "", false
				}
				code := run(t.Context(), a, args)
				if code != exitError || !strings.Contains(errb.String(), "--"+flag) || !strings.Contains(errb.String(), "want") ||
					!strings.Contains(errb.String(), "Run \"syncform --help\" for usage.") {
					t.Errorf("exit %d; want 1 and a usage error naming --%s and its range:\n%s%s", code, flag, out, errb)
				}
				if left, _ := os.ReadDir(dir); len(left) > 0 {
					t.Errorf("the refused command left %v", left)
				}
			})
		}
	}
}
