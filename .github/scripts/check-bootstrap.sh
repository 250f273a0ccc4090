#!/usr/bin/env bash
# Checks a built Lambda bootstrap before it ships: a 64-bit little-endian ELF executable for the function's
# architecture, needing at most GLIBC 2.34 (Amazon Linux 2023, the provided.al2023 runtime).
# usage: check-bootstrap.sh BOOTSTRAP ARCHITECTURE(arm64|x86_64)
# Run by 'make check-bootstrap' (the deploy job, before sam deploy) and by the test suite.
set -euo pipefail

file=${1:?usage: check-bootstrap.sh BOOTSTRAP ARCHITECTURE}
want=${2:?usage: check-bootstrap.sh BOOTSTRAP ARCHITECTURE}
max_glibc=2.34

fail() { echo "error: $*" >&2; exit 1; }

[ -f "$file" ] || fail "$file does not exist: run sam build (or make build-ForwarderFunction) first"
command -v readelf >/dev/null || fail "readelf is required: install binutils"

# ELF header: magic 7f 'E' 'L' 'F', EI_CLASS 2 (64-bit), EI_DATA 1 (little endian), e_machine at byte 18.
[ "$(od -An -N4 -tx1 "$file" | tr -d ' \n')" = 7f454c46 ] || fail "$file is not an ELF executable (Lambda's provided.al2023 runs a native bootstrap)"
[ "$(od -An -j4 -N2 -tu1 "$file" | tr -s ' ' | sed 's/^ //;s/ $//')" = "2 1" ] || fail "$file is not a 64-bit little-endian ELF file"
machine=$(( $(od -An -j18 -N1 -tu1 "$file") + 256 * $(od -An -j19 -N1 -tu1 "$file") ))
case $machine in
    62) have=x86_64 ;;
    183) have=arm64 ;;
    *) have="e_machine $machine" ;;
esac
[ "$have" = "$want" ] || fail "$file is $have, the function is $want (the template's Architecture): Lambda cannot run it"

# The highest GLIBC symbol version the binary needs (readelf reads any architecture's ELF).
needed=$(readelf -W --version-info "$file" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n1)
[ -n "$needed" ] || fail "$file names no GLIBC version: not a dynamically linked glibc executable?"
[ "$(printf '%s\n%s\n' "$needed" "$max_glibc" | sort -V | tail -n1)" = "$max_glibc" ] \
    || fail "$file needs GLIBC $needed; Amazon Linux 2023 has $max_glibc"

echo "$file: ELF $have, needs GLIBC $needed (<= $max_glibc): ok"
