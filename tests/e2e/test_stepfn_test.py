"""`stepfn test`: the sample project in examples/ passes; a wrong expectation fails with a readable
diff and a non-zero exit; the JUnit XML it writes parses; coverage is reported as a table and as
JSON; a state machine can come from a CloudFormation (CDK) template or a SAM one in YAML.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from support import BINARY, ROOT

EXAMPLE = ROOT / "examples" / "order"


def stepfn_test(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BINARY), "test", *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_the_sample_project_passes_with_junit_and_coverage(tmp_path):
    junit, coverage = tmp_path / "junit.xml", tmp_path / "coverage.json"
    done = stepfn_test(str(EXAMPLE / "order.test.yaml"), "--junit", str(junit), "--coverage-json", str(coverage))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed, 0 failed" in done.stdout
    assert "coverage of Order" in done.stdout and "choice rules    3/3   100%" in done.stdout, done.stdout
    suites = ET.parse(junit).getroot()
    suite = suites.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("5", "0")
    assert [c.get("name") for c in suite.findall("testcase")][0] == "a paid order is packed and shipped a day later"
    report = json.loads(coverage.read_text())
    (entry,) = report.values()
    assert entry["stateMachine"] == "Order"
    assert entry["coverage"]["states"] == {"total": 11, "covered": 11, "missed": []}


def test_a_wrong_expectation_fails_with_a_diff(tmp_path):
    for f in EXAMPLE.iterdir():
        shutil.copy(f, tmp_path / f.name)
    test = tmp_path / "order.test.yaml"
    test.write_text(test.read_text().replace('"receipt": "r-1"}', '"receipt": "r-9"}', 1)
                    .replace("error: Order.PaymentFailed", "error: Order.Lost"))
    junit = tmp_path / "junit.xml"
    done = stepfn_test(str(test), "--junit", str(junit))
    assert done.returncode == 1, done.stdout
    assert "FAIL" in done.stdout and "3 passed, 2 failed" in done.stdout, done.stdout
    assert '-  "receipt": "r-9"' in done.stdout and '+  "receipt": "r-1"' in done.stdout, done.stdout
    assert 'error: expected "Order.Lost", got "Order.PaymentFailed"' in done.stdout
    suite = ET.parse(junit).getroot().find("testsuite")
    failed = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert len(failed) == 2 and "output differs" in failed[0].find("failure").get("message")


def test_partial_coverage_names_what_was_not_covered(tmp_path):
    test = tmp_path / "one.test.json"
    test.write_text(json.dumps({
        "stateMachine": "Order", "definition": str(EXAMPLE / "order.asl.json"), "mocks": str(EXAMPLE / "MockConfigFile.json"),
        "cases": [{"name": "paid", "input": {"total": 20, "items": []}, "mockTestCase": "Paid",
                   "expect": {"outputIncludes": {"status": "SHIPPED"}}}]}))
    done = stepfn_test(str(test))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not covered: CheckOrder Default, CheckOrder rule 1" in done.stdout, done.stdout
    assert "Charge Catch[0]" in done.stdout and "NeedsApproval" in done.stdout


def test_a_state_machine_from_a_cloudformation_or_sam_template(tmp_path):
    definition = {"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "FUNCTION", "Payload.$": "$"}, "OutputPath": "$.Payload", "End": True}}}
    text = json.dumps(definition).split("FUNCTION")
    template = {"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "DefinitionString": {"Fn::Join": ["", [text[0], {"Fn::GetAtt": ["Fn", "Arn"]}, text[1]]]}}}}}
    (tmp_path / "Stack.template.json").write_text(json.dumps(template))
    (tmp_path / "cdk.test.json").write_text(json.dumps({
        "template": "Stack.template.json",
        "cases": [{"name": "mocked", "input": {"x": 1}, "mocks": {"Call": {"0": {"Return": {"Payload": {"y": 2}}}}},
                   "expect": {"output": {"y": 2}}}]}))
    (tmp_path / "sam.yaml").write_text(
        "Resources:\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n"
        "  Machine:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        "      DefinitionSubstitutions:\n        FnArn: !GetAtt Fn.Arn\n"
        "      Definition:\n        StartAt: Call\n        States:\n          Call:\n"
        "            Type: Task\n            Resource: ${FnArn}\n            End: true\n")
    (tmp_path / "sam.test.yaml").write_text(
        "template: sam.yaml\nresource: Machine\ncases:\n"
        "  - name: bare function ARN mocked\n    mocks: {Call: {'0': {Return: {done: true}}}}\n"
        "    expect: {output: {done: true}, path: [Call]}\n")
    done = stepfn_test(str(tmp_path / "cdk.test.json"), str(tmp_path / "sam.test.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed, 0 failed" in done.stdout


def test_a_bad_test_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.test.json"
    bad.write_text(json.dumps({"definition": {"StartAt": "X", "States": {}}, "cases": []}))
    done = stepfn_test(str(bad))
    assert done.returncode != 0
    assert "Invalid State Machine Definition" in done.stderr or "MISSING" in done.stderr, done.stderr
