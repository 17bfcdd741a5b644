#!/usr/bin/env bash
# Runs all the tests: the Rust unit and integration tests of every crate, then the end-to-end
# checks that start the real binary and drive it with boto3 (the recorded AWS cases).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --quiet
cargo build --release --quiet -p stepfn
bash scripts/conformance.sh
