"""Fake AWS services for the integration tests, on one loopback port: moto's server (SQS, SNS,
DynamoDB, EventBridge, S3, ...) and a small Lambda endpoint of our own whose functions are
named by what they do:

  echo*      answers the payload it was given
  fail*      fails as the Python runtime reports an unhandled error (X-Amz-Function-Error)
  slow*      sleeps the payload's "seconds" (default 2), then echoes it
  anything else: 404 ResourceNotFoundException, as Lambda answers a function it does not have

Every call is recorded with the SigV4 scope its Authorization header signed for (the region and
service of `Credential=KEY/DATE/REGION/SERVICE/aws4_request`), so tests check who signed.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field


@dataclass
class Call:
    path: str
    function: str
    payload: str
    scope: tuple[str, str] | None  # (region, service) signed for
    invocation_type: str
    key: str | None  # the access key id that signed


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def to(self, function: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.function == function]


SCOPE = re.compile(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


def signed_scope(environ) -> tuple[str, str] | None:
    m = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return (m.group(2), m.group(3)) if m else None


def signing_key(environ) -> str | None:
    m = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return m.group(1) if m else None


class Lambda:
    def __init__(self, recorder: Recorder):
        self.recorder = recorder

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        m = re.match(r"^/2015-03-31/functions/([^/]+)/invocations$", path)
        n = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(n) if n else b""
        request_id = str(uuid.uuid4())
        if not m:
            return self.answer(start_response, "404 Not Found", {"message": "unknown path"}, request_id)
        name = m.group(1).split(":function:")[-1].split(":")[0]
        self.recorder.add(
            Call(path, name, body.decode(), signed_scope(environ), environ.get("HTTP_X_AMZ_INVOCATION_TYPE", ""),
                 signing_key(environ))
        )
        if name.startswith("echo"):
            return self.answer(start_response, "200 OK", body, request_id, version=True)
        if name.startswith("slow"):
            try:
                seconds = float(json.loads(body or b"{}").get("seconds", 2))
            except (ValueError, AttributeError):
                seconds = 2
            time.sleep(seconds)
            return self.answer(start_response, "200 OK", body, request_id, version=True)
        if name.startswith("fail"):
            doc = {"errorMessage": "it failed", "errorType": "ValueError", "requestId": request_id,
                   "stackTrace": []}
            return self.answer(start_response, "200 OK", doc, request_id, version=True,
                               extra=[("X-Amz-Function-Error", "Unhandled")])
        message = f"Function not found: arn:aws:lambda:us-east-1:123456789012:function:{name}"
        return self.answer(start_response, "404 Not Found", {"Type": "User", "message": message},
                           request_id, extra=[("x-amzn-ErrorType", "ResourceNotFoundException")])

    @staticmethod
    def answer(start_response, status, body, request_id, version=False, extra=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                   ("x-amzn-RequestId", request_id), *extra]
        if version:
            headers.append(("X-Amz-Executed-Version", "$LATEST"))
        start_response(status, headers)
        return [data]


class FakeAws:
    """moto and the Lambda endpoint on 127.0.0.1; `url`, `recorder`, `stop()`."""

    def __init__(self):
        from moto.server import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        self.recorder = Recorder()
        lam = Lambda(self.recorder)
        moto_app = DomainDispatcherApplication(create_backend_app)

        def app(environ, start_response):
            if environ.get("PATH_INFO", "").startswith("/2015-03-31/functions"):
                return lam(environ, start_response)
            return moto_app(environ, start_response)

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def client(self, service: str):
        import boto3

        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def stop(self) -> None:
        self.server.shutdown()
