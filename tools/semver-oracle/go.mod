module kubedrift.dev/semver-oracle

go 1.19

require github.com/Masterminds/semver/v3 v3.4.0

// The library is never downloaded: regenerate.sh puts the v3.4.0 sources here.
replace github.com/Masterminds/semver/v3 => ./work/semver
