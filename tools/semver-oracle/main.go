// Command semver-oracle evaluates kubedrift's table of constraint and version
// cases with the real Go Masterminds/semver library and prints the results as
// JSON. kubedrift's unit tests compare their own implementation to this output.
//
// Usage: semver-oracle -cases cases.json -commit <sha> > oracle.json
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
)

type cases struct {
	Versions    []string `json:"versions"`
	Constraints []string `json:"constraints"`
}

type versionResult struct {
	Raw        string  `json:"raw"`
	Error      *string `json:"error"`
	String     string  `json:"string,omitempty"`
	Major      uint64  `json:"major"`
	Minor      uint64  `json:"minor"`
	Patch      uint64  `json:"patch"`
	Prerelease string  `json:"prerelease"`
	Metadata   string  `json:"metadata"`
	// Rank orders the valid versions by Version.Compare; equal versions share a rank.
	Rank int `json:"rank"`
}

type constraintResult struct {
	Raw    string  `json:"raw"`
	Error  *string `json:"error"`
	String string  `json:"string,omitempty"`
	// Matches lists, in table order, the valid versions for which Check is true.
	Matches []string `json:"matches"`
}

type output struct {
	Library     string             `json:"library"`
	Tag         string             `json:"tag"`
	Commit      string             `json:"commit"`
	Go          string             `json:"go"`
	Versions    []versionResult    `json:"versions"`
	Constraints []constraintResult `json:"constraints"`
}

func main() {
	casesPath := flag.String("cases", "cases.json", "JSON file with versions and constraints")
	tag := flag.String("tag", "v3.4.0", "library tag the sources were checked out at")
	commit := flag.String("commit", "", "library commit the sources were checked out at")
	flag.Parse()

	data, err := os.ReadFile(*casesPath)
	if err != nil {
		fail(err)
	}
	var in cases
	if err := json.Unmarshal(data, &in); err != nil {
		fail(err)
	}

	out := output{
		Library: "github.com/Masterminds/semver/v3",
		Tag:     *tag,
		Commit:  *commit,
		Go:      runtime.Version(),
	}

	var valid []*semver.Version
	var validRaw []string
	for _, raw := range in.Versions {
		r := versionResult{Raw: raw}
		v, err := semver.NewVersion(raw)
		if err != nil {
			msg := err.Error()
			r.Error = &msg
			r.Rank = -1
		} else {
			r.String = v.String()
			r.Major, r.Minor, r.Patch = v.Major(), v.Minor(), v.Patch()
			r.Prerelease, r.Metadata = v.Prerelease(), v.Metadata()
			valid = append(valid, v)
			validRaw = append(validRaw, raw)
		}
		out.Versions = append(out.Versions, r)
	}
	rankVersions(out.Versions, valid)

	for _, raw := range in.Constraints {
		r := constraintResult{Raw: raw, Matches: []string{}}
		c, err := semver.NewConstraint(raw)
		if err != nil {
			msg := err.Error()
			r.Error = &msg
		} else {
			r.String = c.String()
			for i, v := range valid {
				if c.Check(v) {
					r.Matches = append(r.Matches, validRaw[i])
				}
			}
		}
		out.Constraints = append(out.Constraints, r)
	}

	writeOneEntryPerLine(out)
}

// writeOneEntryPerLine prints the JSON document with one version or constraint
// per line, so that a regenerated table reviews well as a diff.
func writeOneEntryPerLine(out output) {
	line := func(v interface{}) string {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep < > & readable in constraints
		if err := enc.Encode(v); err != nil {
			fail(err)
		}
		return strings.TrimSuffix(buf.String(), "\n")
	}
	fmt.Printf("{\n \"library\": %s,\n \"tag\": %s,\n \"commit\": %s,\n \"go\": %s,\n",
		line(out.Library), line(out.Tag), line(out.Commit), line(out.Go))
	fmt.Println(" \"versions\": [")
	for i, v := range out.Versions {
		fmt.Printf("  %s%s\n", line(v), comma(i, len(out.Versions)))
	}
	fmt.Println(" ],")
	fmt.Println(" \"constraints\": [")
	for i, c := range out.Constraints {
		fmt.Printf("  %s%s\n", line(c), comma(i, len(out.Constraints)))
	}
	fmt.Println(" ]")
	fmt.Println("}")
}

func comma(i, n int) string {
	if i < n-1 {
		return ","
	}
	return ""
}

// rankVersions gives every valid version the number of distinct smaller
// versions under Compare, so equal versions share a rank.
func rankVersions(results []versionResult, valid []*semver.Version) {
	sorted := make([]*semver.Version, len(valid))
	copy(sorted, valid)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Compare(sorted[j]) < 0 })
	k := 0
	for i := range results {
		if results[i].Error != nil {
			continue
		}
		v := valid[k]
		k++
		rank := 0
		for j, s := range sorted {
			if s.Compare(v) < 0 && (j == 0 || s.Compare(sorted[j-1]) != 0) {
				rank++
			}
		}
		results[i].Rank = rank
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "semver-oracle:", err)
	os.Exit(1)
}
