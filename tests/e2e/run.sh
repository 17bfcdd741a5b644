#!/usr/bin/env bash
# Runs the end-to-end suite (tests/e2e) against target/release/stepfn with real clients (boto3,
# the AWS CLI). Creates or refreshes the virtualenv target/e2e-venv with the pinned clients of
# tests/e2e/requirements.txt; needs only Python 3 (3.11) and pip. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/e2e-venv
requirements=tests/e2e/requirements.txt
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p target
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    # Some distributions ship Python without ensurepip: fall back on virtualenv.
    rm -rf "$venv"
    "$python" -m pip install --quiet --user virtualenv
    "$python" -m virtualenv --quiet "$venv"
  fi
fi
# Reinstall only when the pins (or the interpreter) change.
stamp="$venv/.requirements.sha256"
want=$( (cat "$requirements"; "$venv/bin/python" --version) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
fi
if [ ! -x target/release/stepfn ]; then
  cargo build --release --quiet -p stepfn
fi
exec "$venv/bin/python" -m pytest tests/e2e -q "$@"
