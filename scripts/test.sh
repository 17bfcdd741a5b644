#!/usr/bin/env bash
# Runs all the tests: the Rust unit and integration tests of every crate, then the end-to-end
# checks that start the real binary and drive it with boto3 (the recorded AWS cases), then the
# end-to-end suite of every API operation through boto3 and the AWS CLI (tests/e2e, run in the
# virtualenv target/e2e-venv with pinned clients).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --quiet
cargo build --release --quiet -p stepfn
bash scripts/conformance.sh
bash tests/e2e/run.sh
