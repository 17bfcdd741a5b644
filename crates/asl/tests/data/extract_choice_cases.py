#!/usr/bin/env python3
"""Extracts the Choice-state cases of the conformance corpus into choice_cases.json.

Usage: extract_choice_cases.py CASES_DIR > choice_cases.json

Takes every recorded execution (and TestState call) whose first state is a Choice state and
records the state's Choices/Default, the input, the context object the rule may read, and the
state AWS went to next: from the history when the case has one, else from the `TestResult.$`
marker that the choice_operators templates put in the output of the state they reach.
"""
import glob
import json
import os
import sys


def next_state_from_history(history, choice_name):
    entered_choice = False
    for event in history:
        details = event.get("stateEnteredEventDetails")
        if not details:
            continue
        if entered_choice:
            return details["name"]
        entered_choice = details["name"] == choice_name
    return None


def main(cases_dir):
    groups = {}
    for path in sorted(glob.glob(os.path.join(cases_dir, "*.json"))):
        with open(path) as handle:
            case = json.load(handle)
        if case["kind"] == "execution":
            definition = json.loads(case["definition"])
            raw_input = case["input"]
            expected = case["expected"]
            if expected["status"] != "SUCCEEDED":
                continue
            state_name = definition["StartAt"]
            state = definition["States"][state_name]
            output = expected.get("output")
            if isinstance(output, dict) and "TestResult.$" in output:
                next_state = output["TestResult.$"]
            else:
                next_state = next_state_from_history(expected.get("history") or [], state_name)
        elif case["kind"] == "test_state":
            params = case["params"]
            state = json.loads(params["definition"])
            raw_input = params.get("input", "{}")
            next_state = (case["expected"].get("response") or {}).get("nextState")
            if "stateName" in params:
                continue
        else:
            continue
        if state.get("Type") != "Choice" or next_state is None:
            continue
        if state.get("QueryLanguage") == "JSONata" or any("Condition" in rule for rule in state["Choices"]):
            continue
        if any(field in state for field in ("InputPath", "OutputPath")):
            continue
        state_input = json.loads(raw_input)
        choice = {"Choices": state["Choices"]}
        if "Default" in state:
            choice["Default"] = state["Default"]
        key = json.dumps(choice, sort_keys=True)
        group = groups.setdefault(key, {"state": choice, "cases": []})
        group["cases"].append(
            {
                "id": case["id"].rsplit("/", 1)[-1],
                "input": state_input,
                # What `$$` paths may read: the part of the context object these cases use.
                "context": {"Execution": {"Input": state_input}},
                "next": next_state,
            }
        )
    json.dump(list(groups.values()), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
