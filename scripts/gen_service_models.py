#!/usr/bin/env python3
"""Writes the AWS service models the generic AWS client reads (crates/aws/models/NAME.json.gz).

The models are botocore's service-2.json files (Apache-2.0; data, not code) of the newest API
version of every service, with what a client does not need (documentation, examples) left out,
one gzip file per service, named by botocore's service name. Run it again to take a newer
botocore:  python3 scripts/gen_service_models.py [BOTOCORE_DATA_DIR]
"""
import glob
import gzip
import json
import os
import sys

DROP = {"documentation", "documentationUrl", "examples", "deprecatedMessage", "exception_documentation"}


def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in DROP}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o


def main():
    if len(sys.argv) > 1:
        data = sys.argv[1]
    else:
        import botocore

        data = os.path.join(os.path.dirname(botocore.__file__), "data")
    out = os.path.join(os.path.dirname(__file__), "..", "crates", "aws", "models")
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "*.json*")):
        os.remove(old)
    count = 0
    ids = {}
    for name in sorted(os.listdir(data)):
        versions = sorted(glob.glob(os.path.join(data, name, "*", "service-2.json*")))
        if not versions:
            continue
        path = versions[-1]
        with (gzip.open(path) if path.endswith(".gz") else open(path, "rb")) as f:
            model = strip(json.load(f))
        text = json.dumps(model, separators=(",", ":"), sort_keys=False).encode()
        # mtime=0: the same model gives the same bytes.
        with open(os.path.join(out, name + ".json.gz"), "wb") as f:
            f.write(gzip.compress(text, 9, mtime=0))
        ids[name] = model.get("metadata", {}).get("serviceId", name)
        count += 1
    # The index: every service's id (the AWS SDKs name services by it).
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(ids, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"{count} service models written to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
