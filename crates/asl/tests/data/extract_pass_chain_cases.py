#!/usr/bin/env python3
"""Extracts the recorded executions that are a chain of JSONPath Pass states into
pass_chain_cases.json.

Usage: extract_pass_chain_cases.py CASES_DIR > pass_chain_cases.json

Keeps every execution whose states are all Pass states of the JSONPath query language, without
Assign, without context-object paths ($$: their values are normalised in the recordings) and
without the random intrinsics (States.UUID, States.MathRandom). Each case keeps the definition,
the execution input and what AWS answered: the output, or the error and cause.
"""
import glob
import json
import os
import sys


def wanted(definition):
    if definition.get("QueryLanguage") == "JSONata":
        return False
    for state in definition["States"].values():
        if state.get("Type") != "Pass" or "QueryLanguage" in state or "Assign" in state:
            return False
    text = json.dumps(definition)
    return "$$" not in text and "States.UUID" not in text and "States.MathRandom" not in text


def main(cases_dir):
    cases = []
    for path in sorted(glob.glob(os.path.join(cases_dir, "*.json"))):
        with open(path) as handle:
            case = json.load(handle)
        if case["kind"] != "execution" or not isinstance(case["definition"], str):
            continue
        try:
            definition = json.loads(case["definition"])
        except ValueError:
            continue
        if not wanted(definition):
            continue
        expected = case["expected"]
        cases.append(
            {
                "id": case["id"],
                "definition": definition,
                # An execution started without input gets `{}`.
                "input": json.loads(case["input"]) if case["input"] is not None else {},
                "status": expected["status"],
                "output": expected.get("output"),
                "error": expected.get("error"),
                "cause": expected.get("cause"),
            }
        )
    json.dump(cases, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
