"""Task states that call services: Lambda (bare function ARNs and lambda:invoke), the optimized
SQS / SNS / DynamoDB / EventBridge integrations, aws-sdk:* and nested executions on this server,
against a real moto server and a Lambda endpoint of the tests' own (fake_aws.py); every call
pattern, error names, retries and catches of service errors, an unreachable endpoint, the SigV4
scope each call was signed for, and a kill -9 with executions waiting on callbacks, on .sync
children and on Lambda calls in flight.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from support import Server, create_state_machine, event_types, free_port, history, unique, wait_for_execution

fake_aws = pytest.importorskip("fake_aws", reason="moto is not installed (tests/e2e/requirements.txt)")

KEY = "AKIDSTEPFNE2E"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def server_env(fake, port: int) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": fake.url,
        "AWS_ENDPOINT_URL_SFN": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": KEY,
        "AWS_SECRET_ACCESS_KEY": "e2e-secret",
        "AWS_REGION": "us-east-1",
    }


@pytest.fixture(scope="module")
def integ(fake):
    port = free_port()
    s = Server(env=server_env(fake, port), port=port)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def sfn(integ):
    return integ.client()


def run(sfn, definition: dict, input: dict | None = None, timeout: float = 30) -> tuple[dict, list[dict]]:
    arn = create_state_machine(sfn, json.dumps(definition))["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=arn, input=json.dumps(input or {}))
    described = wait_for_execution(sfn, started["executionArn"], timeout=timeout)
    return described, history(sfn, started["executionArn"])


def task(resource: str, **fields) -> dict:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **fields}}}


def test_lambda_invoke_answers_with_the_payload_and_aws_metadata_signed_for_lambda(sfn, fake):
    name = unique("echo")
    described, events = run(sfn, task("arn:aws:states:::lambda:invoke",
                                       Parameters={"FunctionName": name, "Payload.$": "$"}), {"a": 1})
    assert described["status"] == "SUCCEEDED", described
    out = json.loads(described["output"])
    assert out["Payload"] == {"a": 1}
    assert out["StatusCode"] == 200 and out["ExecutedVersion"] == "$LATEST"
    assert out["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert out["SdkResponseMetadata"]["RequestId"]
    assert event_types(events)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    scheduled = events[2]["taskScheduledEventDetails"]
    assert (scheduled["resource"], scheduled["resourceType"], scheduled["region"]) == ("invoke", "lambda", "us-east-1")
    calls = fake.recorder.to(name)
    assert len(calls) == 1 and calls[0].payload == '{"a":1}'
    assert calls[0].scope == ("us-east-1", "lambda"), "signed with SigV4 for Lambda in the region"


def test_a_tasks_credentials_name_the_role_whose_credentials_sign_its_call(sfn, fake):
    name = unique("echo")
    role = "arn:aws:iam::123456789012:role/stepfn-e2e-task-role"
    described, events = run(sfn, task("arn:aws:states:::lambda:invoke", Credentials={"RoleArn.$": "$.role"},
                                       Parameters={"FunctionName": name}), {"role": role})
    assert described["status"] == "SUCCEEDED", described
    assert events[2]["taskScheduledEventDetails"]["taskCredentials"] == {"roleArn": role}
    [call] = fake.recorder.to(name)
    assert call.key and call.key != KEY, "signed with the assumed role's credentials, not the server's"


def test_a_bare_function_arn_records_lambda_function_events(sfn):
    described, events = run(sfn, task(FUNCTION_ARN + unique("echo")), {"b": [1, 2]})
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"b": [1, 2]}
    assert event_types(events)[2:5] == ["LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded"]


def test_retries_and_catches_of_service_errors(sfn, fake):
    name = unique("fail")
    definition = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": name},
              "Retry": [{"ErrorEquals": ["ValueError"], "MaxAttempts": 2, "IntervalSeconds": 1, "BackoffRate": 1}],
              "Catch": [{"ErrorEquals": ["ValueError"], "Next": "Caught"}], "End": True},
        "Caught": {"Type": "Pass", "End": True}}}
    described, events = run(sfn, definition)
    assert described["status"] == "SUCCEEDED", described
    out = json.loads(described["output"])
    assert out["Error"] == "ValueError"
    assert json.loads(out["Cause"])["errorMessage"] == "it failed"
    assert len(fake.recorder.to(name)) == 3, "one call and two retries"
    assert event_types(events).count("TaskFailed") == 3

    missing = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": unique("nosuch")},
              "Catch": [{"ErrorEquals": ["Lambda.ResourceNotFoundException"], "Next": "Caught"}], "End": True},
        "Caught": {"Type": "Pass", "End": True}}}
    described, _ = run(sfn, missing)
    out = json.loads(described["output"])
    assert out["Error"] == "Lambda.ResourceNotFoundException", out
    assert "(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: " in out["Cause"]


def test_a_call_that_takes_too_long_times_out(sfn):
    described, events = run(sfn, task("arn:aws:states:::lambda:invoke", TimeoutSeconds=1,
                                      Parameters={"FunctionName": unique("slow"), "Payload": {"seconds": 5}}))
    assert (described["status"], described.get("error")) == ("FAILED", "States.Timeout"), described
    assert "TaskTimedOut" in event_types(events)


def test_an_unreachable_endpoint_fails_the_task_with_an_aws_named_error(fresh_server):
    closed = free_port()
    s = fresh_server(env={"AWS_ENDPOINT_URL": f"http://127.0.0.1:{closed}", "AWS_ACCESS_KEY_ID": KEY,
                          "AWS_SECRET_ACCESS_KEY": "x", "AWS_REGION": "us-east-1"})
    sfn = s.client()
    started = time.monotonic()
    described, _ = run(sfn, task("arn:aws:states:::lambda:invoke", Parameters={"FunctionName": "echo"}))
    assert (described["status"], described.get("error")) == ("FAILED", "Lambda.SdkClientException"), described
    assert described["cause"].startswith("Unable to execute HTTP request")
    assert time.monotonic() - started < 20, "no hang"
    described, _ = run(sfn, task("arn:aws:states:::sqs:sendMessage", Parameters={"QueueUrl": "q", "MessageBody": "m"}))
    assert described.get("error") == "SQS.SdkClientException", described


def test_sqs_callback_waits_for_the_token_the_message_carried(sfn, fake):
    sqs = fake.client("sqs")
    queue = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    definition = task("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                      Parameters={"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token", "n.$": "$.n"}})
    arn = create_state_machine(sfn, json.dumps(definition))["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input='{"n": 7}')["executionArn"]
    messages = []
    deadline = time.monotonic() + 20
    while not messages and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", [])
    body = json.loads(messages[0]["Body"])
    assert body["n"] == 7
    sfn.send_task_success(taskToken=body["token"], output='{"done": true}')
    described = wait_for_execution(sfn, execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"done": True})
    types = event_types(history(sfn, execution))
    assert types[2:6] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]


def test_sns_dynamodb_and_eventbridge_optimized_integrations(sfn, fake):
    topic = fake.client("sns").create_topic(Name=unique("t"))["TopicArn"]
    described, _ = run(sfn, task("arn:aws:states:::sns:publish", Parameters={"TopicArn": topic, "Message": {"hi": 1}}))
    assert described["status"] == "SUCCEEDED", described
    out = json.loads(described["output"])
    assert out["MessageId"] and out["SdkHttpMetadata"]["HttpStatusCode"] == 200

    table = unique("tbl")
    fake.client("dynamodb").create_table(
        TableName=table, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    definition = {"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "ResultPath": None,
                "Parameters": {"TableName": table, "Item": {"id": {"S": "1"}, "v": {"S.$": "$.v"}}}, "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": {"TableName": table, "Key": {"id": {"S": "1"}}}, "OutputPath": "$.Item", "End": True}}}
    described, _ = run(sfn, definition, {"v": "x"})
    assert json.loads(described["output"]) == {"id": {"S": "1"}, "v": {"S": "x"}}, described

    described, _ = run(sfn, task("arn:aws:states:::events:putEvents", Parameters={
        "Entries": [{"Source": "e2e", "DetailType": "t", "Detail": {"a": 1}}]}))
    out = json.loads(described["output"])
    assert out["FailedEntryCount"] == 0 and out["Entries"][0]["EventId"], described


def test_aws_sdk_calls_any_service_and_names_its_errors(sfn, fake):
    bucket = unique("bucket")
    fake.client("s3").create_bucket(Bucket=bucket)
    definition = {"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject", "ResultPath": None,
                "Parameters": {"Bucket": bucket, "Key": "k", "Body.$": "$.body"}, "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                "Parameters": {"Bucket": bucket, "Key": "k"}, "End": True}}}
    described, events = run(sfn, definition, {"body": {"x": 1}})
    out = json.loads(described["output"])
    assert out["Body"] == '{"x":1}' and out["ContentLength"] == 7, out
    assert events[2]["taskScheduledEventDetails"]["resourceType"] == "aws-sdk:s3"

    definition = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
              "Parameters": {"TableName": unique("none"), "Key": {"id": {"S": "1"}}},
              "Catch": [{"ErrorEquals": ["DynamoDb.ResourceNotFoundException"], "Next": "C"}], "End": True},
        "C": {"Type": "Pass", "End": True}}}
    described, _ = run(sfn, definition)
    out = json.loads(described["output"])
    assert out["Error"] == "DynamoDb.ResourceNotFoundException", out
    assert "(Service: DynamoDb, Status Code: 400, Request ID: " in out["Cause"]

    listed, _ = run(sfn, task("arn:aws:states:::aws-sdk:sfn:listActivities", Parameters={}))
    assert "Activities" in json.loads(listed["output"]), listed


def test_nested_executions_run_on_this_server_and_sync_waits_for_them(sfn):
    child = create_state_machine(sfn, json.dumps({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 1, "Next": "P"},
        "P": {"Type": "Pass", "Parameters": {"got.$": "$.n"}, "End": True}}}))["stateMachineArn"]
    described, events = run(sfn, task("arn:aws:states:::states:startExecution.sync:2",
                                      Parameters={"StateMachineArn": child, "Input": {"n.$": "$.n"}}), {"n": 3})
    assert described["status"] == "SUCCEEDED", described
    out = json.loads(described["output"])
    assert (out["Status"], out["Output"]) == ("SUCCEEDED", {"got": 3}), out
    assert event_types(events)[2:6] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]

    failing = create_state_machine(sfn, json.dumps({"StartAt": "F", "States": {
        "F": {"Type": "Fail", "Error": "Boom", "Cause": "child failed"}}}))["stateMachineArn"]
    described, _ = run(sfn, task("arn:aws:states:::states:startExecution.sync", Parameters={"StateMachineArn": failing}))
    assert described.get("error") == "States.TaskFailed", described
    assert json.loads(described["cause"])["Error"] == "Boom"


def test_kill_9_keeps_callbacks_sync_children_and_calls_in_flight(fake, tmp_path):
    port = free_port()
    store = f"sqlite:{tmp_path / 'stepfn.db'}"
    env = server_env(fake, port)
    s = Server(env=env, port=port, args=["--store", store], workdir=str(tmp_path))
    sfn = s.client()
    callback_fn, slow_fn = unique("echo"), unique("slow")
    callback = create_state_machine(sfn, json.dumps(task(
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters={"FunctionName": callback_fn, "Payload": {"token.$": "$$.Task.Token"}})))["stateMachineArn"]
    child = create_state_machine(sfn, json.dumps({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 4, "End": True}}}))["stateMachineArn"]
    sync = create_state_machine(sfn, json.dumps(task(
        "arn:aws:states:::states:startExecution.sync", Parameters={"StateMachineArn": child})))["stateMachineArn"]
    in_flight = create_state_machine(sfn, json.dumps(task(
        "arn:aws:states:::lambda:invoke", OutputPath="$.Payload",
        Parameters={"FunctionName": slow_fn, "Payload": {"seconds": 3, "n.$": "$.n"}})))["stateMachineArn"]
    callbacks = [sfn.start_execution(stateMachineArn=callback, input="{}")["executionArn"] for _ in range(5)]
    syncs = [sfn.start_execution(stateMachineArn=sync, input="{}")["executionArn"] for _ in range(3)]
    flights = [sfn.start_execution(stateMachineArn=in_flight, input=json.dumps({"n": i}))["executionArn"] for i in range(3)]
    deadline = time.monotonic() + 20
    while len(fake.recorder.to(callback_fn)) < 5 or len(fake.recorder.to(slow_fn)) < 3:
        assert time.monotonic() < deadline, "the functions were not invoked"
        time.sleep(0.1)
    tokens = [json.loads(c.payload)["token"] for c in fake.recorder.to(callback_fn)]
    time.sleep(0.5)
    s.kill()

    s2 = Server(env=env, port=port, args=["--store", store], workdir=str(tmp_path))
    try:
        sfn = s2.client()
        for token in tokens:
            sfn.send_task_success(taskToken=token, output='{"ok": true}')
        for arn in callbacks:
            d = wait_for_execution(sfn, arn)
            assert (d["status"], json.loads(d["output"])) == ("SUCCEEDED", {"ok": True}), d
        for arn in syncs:
            d = wait_for_execution(sfn, arn, timeout=30)
            assert d["status"] == "SUCCEEDED", d
            assert json.loads(d["output"])["Status"] == "SUCCEEDED"
        for i, arn in enumerate(flights):
            d = wait_for_execution(sfn, arn, timeout=30)
            assert (d["status"], json.loads(d["output"])) == ("SUCCEEDED", {"seconds": 3, "n": i}), d
            types = event_types(history(sfn, arn))
            assert types.count("TaskScheduled") == 1 and types.count("TaskSucceeded") == 1, types
        assert len(fake.recorder.to(slow_fn)) == 6, "each call in flight was made again after the restart"
    finally:
        s2.stop()


def test_test_state_calls_the_service_when_no_mock_is_given(sfn, fake):
    name = unique("echo")
    answer = sfn.test_state(
        definition=json.dumps({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                               "Parameters": {"FunctionName": name, "Payload.$": "$"},
                               "OutputPath": "$.Payload", "End": True}),
        roleArn="arn:aws:iam::123456789012:role/stepfn-e2e-role", input='{"x": 1}')
    assert (answer["status"], json.loads(answer["output"])) == ("SUCCEEDED", {"x": 1}), answer
    assert len(fake.recorder.to(name)) == 1
    failed = sfn.test_state(
        definition=json.dumps({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                               "Parameters": {"FunctionName": unique("fail")}, "End": True}),
        roleArn="arn:aws:iam::123456789012:role/stepfn-e2e-role", input="{}")
    assert (failed["status"], failed["error"]) == ("FAILED", "ValueError"), failed


def test_sync_jobs_are_watched_until_they_end(sfn, fake):
    job = unique("job")
    fake.client("glue").create_job(Name=job, Role="arn:aws:iam::123456789012:role/glue",
                                   Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"})
    described, events = run(sfn, task("arn:aws:states:::glue:startJobRun.sync", Parameters={"JobName": job}), timeout=60)
    assert described["status"] == "SUCCEEDED", described
    out = json.loads(described["output"])
    assert (out["JobName"], out["JobRunState"]) == (job, "SUCCEEDED"), out
    submitted = next(e for e in events if e["type"] == "TaskSubmitted")
    assert json.loads(submitted["taskSubmittedEventDetails"]["output"])["JobName"] == job

    described, _ = run(sfn, task("arn:aws:states:::athena:startQueryExecution.sync", Parameters={
        "QueryString": "SELECT 1", "ResultConfiguration": {"OutputLocation": "s3://results/"}}), timeout=60)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"])["QueryExecution"]["Status"]["State"] == "SUCCEEDED"


class Endpoint:
    """A local HTTP API for the HTTP Task: answers `{"got": <request>}` (404 under /missing) and
    keeps each request it was sent."""

    def __init__(self):
        import http.server

        requests = self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n).decode() if n else ""
                requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
                data = json.dumps({"got": {"method": self.command, "path": self.path}}).encode()
                self.send_response(404 if self.path.startswith("/missing") else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_any

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def test_the_http_task_calls_an_api_with_its_connections_authorization(sfn, fake):
    api = Endpoint()
    try:
        events = fake.client("events")
        connection = events.create_connection(
            Name=unique("conn"), AuthorizationType="API_KEY",
            AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k-123"},
                            "InvocationHttpParameters": {"HeaderParameters": [
                                {"Key": "x-from-connection", "Value": "yes", "IsValueSecret": False}]}})["ConnectionArn"]
        described, events_ = run(sfn, task("arn:aws:states:::http:invoke", Parameters={
            "ApiEndpoint": f"{api.url}/items", "Method": "POST",
            "Authentication": {"ConnectionArn": connection},
            "Headers": {"x-custom": "c"}, "QueryParameters": {"tags": ["a", "b"]},
            "RequestBody": {"name.$": "$.name"},
            "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "REPEAT"}}}),
            {"name": "n 1"})
        assert described["status"] == "SUCCEEDED", described
        out = json.loads(described["output"])
        assert (out["StatusCode"], out["StatusText"]) == (200, "OK"), out
        assert out["ResponseBody"] == {"got": {"method": "POST", "path": "/items?tags=a&tags=b"}}
        sent = api.requests[-1]
        assert sent["headers"]["x-api-key"] == "k-123" and sent["headers"]["x-from-connection"] == "yes"
        assert sent["headers"]["x-custom"] == "c"
        assert sent["body"] == "name=n%201"
        assert events_[2]["taskScheduledEventDetails"]["resourceType"] == "http"

        described, _ = run(sfn, task("arn:aws:states:::http:invoke", Parameters={
            "ApiEndpoint": f"{api.url}/missing", "Method": "GET", "Authentication": {"ConnectionArn": connection}}))
        assert described.get("error") == "States.Http.StatusCode.404", described
        assert json.loads(described["cause"])["StatusCode"] == 404

        closed = free_port()
        described, _ = run(sfn, task("arn:aws:states:::http:invoke", Parameters={
            "ApiEndpoint": f"http://127.0.0.1:{closed}/x", "Method": "GET", "Authentication": {"ConnectionArn": connection}}))
        assert described.get("error") == "States.Http.Socket", described
    finally:
        api.stop()


def test_api_gateway_invoke_calls_the_api_signed_for_execute_api(sfn):
    api = Endpoint()
    try:
        host = api.url.removeprefix("http://")
        described, events_ = run(sfn, task("arn:aws:states:::apigateway:invoke", Parameters={
            "ApiEndpoint": host, "Method": "POST", "Stage": "prod", "Path": "/bills",
            "Headers": {"x-k": ["v1"]}, "QueryParameters": {"id.$": "States.Array($.id)"},
            "RequestBody": {"name.$": "$.name", "gone": None}, "AuthType": "IAM_ROLE"}),
            {"id": "7", "name": "n"})
        assert described["status"] == "SUCCEEDED", described
        out = json.loads(described["output"])
        assert (out["StatusCode"], out["StatusText"]) == (200, "OK"), out
        assert out["ResponseBody"] == {"got": {"method": "POST", "path": "/prod/bills?id=7"}}
        assert out["Headers"]["content-type"] == ["application/json"]
        sent = api.requests[-1]
        assert json.loads(sent["body"]) == {"name": "n"}
        assert sent["headers"]["x-k"] == "v1"
        signature = {k.lower(): v for k, v in sent["headers"].items()}["authorization"]
        assert "Credential=AKIDSTEPFNE2E/" in signature and "/us-east-1/execute-api/aws4_request" in signature
        assert events_[2]["taskScheduledEventDetails"]["resourceType"] == "apigateway"

        described, _ = run(sfn, task("arn:aws:states:::apigateway:invoke", Parameters={
            "ApiEndpoint": host, "Method": "GET", "Path": "missing"}))
        assert described.get("error") == "ApiGateway.404", described
        assert json.loads(described["cause"]) == {"got": {"method": "GET", "path": "/missing"}}

        definition = task("arn:aws:states:::apigateway:invoke.waitForTaskToken", Parameters={
            "ApiEndpoint": host, "Method": "PUT", "Headers": {"TaskToken.$": "States.Array($$.Task.Token)"}})
        arn = create_state_machine(sfn, json.dumps(definition))["stateMachineArn"]
        started = sfn.start_execution(stateMachineArn=arn, input="{}")
        deadline = time.time() + 10
        while not any(r["method"] == "PUT" for r in api.requests) and time.time() < deadline:
            time.sleep(0.05)
        sent = next(r for r in api.requests if r["method"] == "PUT")["headers"]
        token = {k.lower(): v for k, v in sent.items()}["tasktoken"]
        sfn.send_task_success(taskToken=token, output='{"approved": true}')
        described = wait_for_execution(sfn, started["executionArn"])
        assert (described["status"], described.get("output")) == ("SUCCEEDED", '{"approved":true}'), described
    finally:
        api.stop()


def test_test_state_trace_shows_the_http_tasks_request_and_response(sfn, fake):
    api = Endpoint()
    try:
        connection = fake.client("events").create_connection(
            Name=unique("conn"), AuthorizationType="API_KEY",
            AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k-secret"}})["ConnectionArn"]
        definition = json.dumps({"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": True, "Parameters": {
            "ApiEndpoint": f"{api.url}/things", "Method": "POST", "Authentication": {"ConnectionArn": connection},
            "Headers": {"definitionHeader": "h1"}, "QueryParameters": {"q": "1"}, "RequestBody": {"m": "hi"}}})
        role = "arn:aws:iam::123456789012:role/stepfn-e2e-role"
        hidden = sfn.test_state(definition=definition, roleArn=role, input="{}", inspectionLevel="TRACE")
        assert hidden["status"] == "SUCCEEDED", hidden
        request, response = hidden["inspectionData"]["request"], hidden["inspectionData"]["response"]
        assert (request["protocol"], request["method"], request["url"]) == ("http", "POST", f"{api.url}/things?q=1")
        assert request["headers"].startswith("[definitionHeader: h1, User-Agent: Amazon|StepFunctions|HttpInvoke|us-east-1, Range: bytes=0-262144")
        assert "k-secret" not in request["headers"] and json.loads(request["body"]) == {"m": "hi"}
        assert (response["statusCode"], response["statusMessage"]) == ("200", "OK"), response
        assert json.loads(response["body"]) == {"got": {"method": "POST", "path": "/things?q=1"}}
        assert "content-type: application/json" in response["headers"]
        assert api.requests[-1]["headers"]["x-api-key"] == "k-secret"

        revealed = sfn.test_state(definition=definition, roleArn=role, input="{}", inspectionLevel="TRACE",
                                  revealSecrets=True)
        assert "x-api-key: k-secret" in revealed["inspectionData"]["request"]["headers"], revealed
        debug = sfn.test_state(definition=definition, roleArn=role, input="{}", inspectionLevel="DEBUG")
        assert "request" not in debug["inspectionData"]
    finally:
        api.stop()
